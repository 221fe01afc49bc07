/** One line of comment text, its leader (`//`, `/**`, ` * `) removed. */
export interface CommentLine {
  readonly text: string;
  /** 1-based line of the source file. */
  readonly line: number;
  /** 1-based column where `text` starts. */
  readonly column: number;
}

/** A JSDoc/block comment, or a run of `//` lines with no blank line between them. */
export interface CommentBlock {
  readonly startLine: number;
  readonly endLine: number;
  readonly lines: readonly CommentLine[];
}

/** A comment as found in source: its text including delimiters, and where it starts. */
export interface RawComment {
  readonly text: string;
  /** 1-based line and column of the comment's first character. */
  readonly line: number;
  readonly column: number;
}

/** A marker line: its text without the `+`, and where the `+` stands. */
export interface MarkerLine {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Splits comments into lines with their leaders removed, and groups them into blocks:
 * each block comment is one block, consecutive `//` lines form another.
 */
export function groupComments(comments: readonly RawComment[]): CommentBlock[] {
  const blocks: { startLine: number; endLine: number; lines: CommentLine[]; lineComment: boolean }[] = [];
  for (const c of comments) {
    if (c.text.startsWith("//")) {
      const line = stripLineComment(c);
      const last = blocks[blocks.length - 1];
      if (last && last.lineComment && last.endLine === c.line - 1) {
        last.lines.push(line);
        last.endLine = c.line;
      } else {
        blocks.push({ startLine: c.line, endLine: c.line, lines: [line], lineComment: true });
      }
    } else {
      const lines = splitBlockComment(c);
      blocks.push({
        startLine: c.line,
        endLine: c.line + c.text.split("\n").length - 1,
        lines,
        lineComment: false,
      });
    }
  }
  return blocks.map(({ startLine, endLine, lines }) => ({ startLine, endLine, lines }));
}

function stripLineComment(c: RawComment): CommentLine {
  let text = c.text.slice(2);
  let column = c.column + 2;
  if (text.startsWith(" ")) {
    text = text.slice(1);
    column++;
  }
  return { text: text.trimEnd(), line: c.line, column };
}

function splitBlockComment(c: RawComment): CommentLine[] {
  const raw = c.text.split("\n");
  const out: CommentLine[] = [];
  raw.forEach((rawLine, i) => {
    let text = rawLine;
    let column = i === 0 ? c.column : 1;
    const cut = (n: number) => {
      text = text.slice(n);
      column += n;
    };
    if (i === 0) cut(text.startsWith("/**") && !text.startsWith("/**/") ? 3 : 2);
    if (i === raw.length - 1 && text.trimEnd().endsWith("*/")) text = text.trimEnd().slice(0, -2);
    if (i > 0) {
      const lead = /^\s*(\*(?!\/))?/.exec(text)![0];
      cut(lead.length);
    }
    if (text.startsWith(" ")) cut(1);
    out.push({ text: text.trimEnd(), line: c.line + i, column });
  });
  // drop the empty first/last lines of `/**\n ... \n */`
  while (out.length > 0 && out[0]!.text.trim() === "") out.shift();
  while (out.length > 0 && out[out.length - 1]!.text.trim() === "") out.pop();
  return out;
}

/**
 * The comments that belong to a declaration on `declLine`, by controller-gen's rule
 * (controller-tools' pkg/markers/collect.go). Blocks with no blank line between them form a
 * group (a JSDoc block followed by `//` marker lines, say), as Go groups comments. The group
 * ending on the line just above the declaration is its doc comment; the markers of the doc
 * group and of the one group before it count, however many blank lines separate that group
 * (kubebuilder writes markers, a blank line, then the doc comment). Without a doc comment,
 * the nearest group above counts. Only comments after the previous declaration are given.
 * The groups further up are `detached`: their markers belong to nothing (controller-gen
 * takes them for package markers and ignores type and field markers there).
 */
export function attachedBlocks(
  blocks: readonly CommentBlock[],
  declLine: number,
): { doc: CommentBlock[]; blocks: CommentBlock[]; detached: CommentBlock[] } {
  const runs: CommentBlock[][] = [];
  for (const b of blocks) {
    if (b.endLine >= declLine) break;
    const last = runs[runs.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && b.startLine <= prev.endLine + 1) last.push(b);
    else runs.push([b]);
  }
  const last = runs[runs.length - 1];
  if (!last) return { doc: [], blocks: [], detached: [] };
  if (last[last.length - 1]!.endLine === declLine - 1) {
    const upper = runs.length >= 2 ? runs[runs.length - 2]! : [];
    return { doc: last, blocks: [...upper, ...last], detached: runs.slice(0, -2).flat() };
  }
  return { doc: [], blocks: last, detached: runs.slice(0, -1).flat() };
}

/** The marker lines of blocks, in source order. */
export function markerLines(blocks: readonly CommentBlock[]): MarkerLine[] {
  const out: MarkerLine[] = [];
  for (const b of blocks) {
    for (const l of b.lines) {
      const trimmed = l.text.trimStart();
      if (isMarkerText(trimmed)) {
        const column = l.column + (l.text.length - trimmed.length);
        out.push({ text: trimmed.slice(1), line: l.line, column });
      }
    }
  }
  return out;
}

/** `+name...`: a `+` followed by a letter (so `+1` or `++` in prose is not a marker). */
export function isMarkerText(text: string): boolean {
  return /^\+[A-Za-z]/.test(text);
}

/**
 * The description from a doc comment, as controller-gen builds it from a Go doc comment:
 * marker lines removed, lines starting with TODO dropped, everything from a `---` line on
 * dropped (outside fenced code), blank runs collapsed to one, and the ends trimmed.
 */
export function describe(blocks: readonly CommentBlock[]): string {
  const out: string[] = [];
  let inCode = false;
  let stopped = false;
  for (const l of blocks.flatMap((b) => b.lines)) {
    if (stopped) break;
    const text = l.text;
    if (isMarkerText(text.trimStart())) continue;
    if (text.startsWith("```") || text.startsWith("~~~")) inCode = !inCode;
    if (!inCode) {
      if (text.startsWith("TODO")) continue;
      if (text.startsWith("---")) {
        stopped = true;
        continue;
      }
    }
    if (text.trim() === "" && (out.length === 0 || out[out.length - 1] === "")) continue;
    out.push(text.trim() === "" ? "" : text);
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}
