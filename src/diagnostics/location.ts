/**
 * A position in a source file; line and column are 1-based, as editors show them. Line 0
 * names the whole file (or directory): a problem with reading it rather than a place in it.
 */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Renders `file:line:col` (or the path alone for line 0), with the file relative to `cwd`
 * when it lies below it, and control characters in the path escaped.
 */
export function formatLocation(location: SourceLocation, cwd?: string): string {
  let file = location.file;
  if (cwd && file.startsWith(cwd.endsWith("/") ? cwd : `${cwd}/`)) {
    file = file.slice(cwd.length + (cwd.endsWith("/") ? 0 : 1));
  }
  file = escapeControls(file);
  return location.line === 0 ? file : `${file}:${location.line}:${location.column}`;
}

/** Orders locations by file, then line, then column. */
export function compareLocations(a: SourceLocation, b: SourceLocation): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

/**
 * `text` with the characters that would act on a terminal rather than print escaped:
 * C0 and C1 controls but newline and tab (ESC prints as `\x1b`), and the bidi
 * overrides that reorder how a line reads. Diagnostics quote source text: a marker holding
 * an escape sequence must not retitle or clear the user's terminal.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
