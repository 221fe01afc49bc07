import { Document, visit } from "yaml";

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
  const doc = new Document(value, { sortMapEntries: true, keepUndefined: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      if (node.value.includes("\n")) node.type = "BLOCK_LITERAL";
      else if (looksLikeOtherScalar(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  const text = doc.toString({
    indentSeq: false,
    lineWidth: Number.MAX_SAFE_INTEGER,
    singleQuote: true,
    blockQuote: "literal",
    flowCollectionPadding: false,
  });
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

/**
 * go-yaml double-quotes a string that a YAML 1.1 reader would take for another type (an
 * empty string, a boolean such as `yes` or `on`, null, a number, base-60 `1:20`), and
 * single-quotes only strings that cannot be plain for syntax reasons (`'*'`).
 */
export function looksLikeOtherScalar(value: string): boolean {
  if (value === "") return true;
  return OTHER_SCALAR.test(value);
}

const OTHER_SCALAR = new RegExp(
  [
    "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
    "^(?:~|null|Null|NULL)$",
    "^[-+]?(?:0b[01_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
    "^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?$",
    "^[-+]?[0-9][0-9_]*(?:[eE][-+]?[0-9]+)$",
    "^[-+]?\\.(?:inf|Inf|INF)$",
    "^\\.(?:nan|NaN|NAN)$",
  ].join("|"),
);
