/** A position in a source file; line and column are 1-based, as editors show them. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Renders `file:line:col`, with the file relative to `cwd` when it lies below it. */
export function formatLocation(location: SourceLocation, cwd?: string): string {
  let file = location.file;
  if (cwd && file.startsWith(cwd.endsWith("/") ? cwd : `${cwd}/`)) {
    file = file.slice(cwd.length + (cwd.endsWith("/") ? 0 : 1));
  }
  return `${file}:${location.line}:${location.column}`;
}

/** Orders locations by file, then line, then column. */
export function compareLocations(a: SourceLocation, b: SourceLocation): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}
