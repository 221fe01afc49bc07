import { emitYaml } from "./emit-yaml.js";

export { looksLikeOtherScalar } from "./scalars.js";

/**
 * Prints objects as YAML in controller-gen's style: each document starts with `---`, map
 * keys are sorted, sequences are not indented under their key, multi-line strings use
 * `|-`, long lines fold at 80 columns, and quoting uses single quotes. The same objects
 * always give the same bytes.
 */
export function toYaml(documents: readonly unknown[]): string {
  return documents.map((d) => `---\n${printDocument(d)}`).join("");
}

function printDocument(value: unknown): string {
  return foldLines(emitYaml(value));
}

/** Folds long scalar lines (never the lines of block literals). */
function foldLines(text: string): string {
  const out: string[] = [];
  let blockIndent: number | undefined;
  for (const line of text.split("\n")) {
    const indent = line.length - line.trimStart().length;
    if (blockIndent !== undefined && (line.trim() === "" || indent > blockIndent)) {
      out.push(line);
      continue;
    }
    blockIndent = /(?:^|: |- )[|>][-+]?$/.test(line) ? indent + (line.trimStart().startsWith("- ") ? 2 : 0) : undefined;
    out.push(foldLine(line));
  }
  return out.join("\n");
}

/** go-yaml's preferred width: a line breaks at the first space past this column. */
const BEST_WIDTH = 80;

/** `indent`, optional `- `, optional `key: `, then a plain or single-quoted scalar. */
const SCALAR_LINE = /^( *)((?:- )*)((?:[A-Za-z0-9_.\/-]+|'[^']*'): )?([^|>{}[\]&*!#\s].*)$/;

/**
 * Folds a long plain or quoted scalar as go-yaml's emitter does: write words until the
 * column passes 80, then turn the next single space into a line break, indented two past
 * the key (or past the `- ` of a sequence item). Block literals are never folded.
 */
function foldLine(line: string): string {
  if (line.length <= BEST_WIDTH) return line;
  const m = SCALAR_LINE.exec(line);
  if (!m) return line;
  const [, indent = "", dashes = "", key = "", value = ""] = m;
  const quote = value[0] === "'" || value[0] === '"' ? value[0] : undefined;
  const quoted = quote !== undefined;
  if (quoted && !(value.length >= 2 && value.endsWith(quote))) return line;
  const continuation = " ".repeat(indent.length + dashes.length + (key ? 2 : 0));
  const head = indent + dashes + key;
  let out = head;
  let column = head.length;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const prevSpace = i > 0 && value[i - 1] === " ";
    const nextSpace = value[i + 1] === " ";
    const breakable = ch === " " && !prevSpace && !nextSpace && column > BEST_WIDTH && (!quoted || (i > 0 && i < value.length - 1));
    if (breakable) {
      out += `\n${continuation}`;
      column = continuation.length;
      continue;
    }
    out += ch;
    column++;
  }
  return out;
}

