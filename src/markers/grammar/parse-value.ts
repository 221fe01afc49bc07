import type { ArgType, MarkerValue } from "./arg-type.js";
import { Cursor } from "./cursor.js";

const NUMBER = /^-?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;
const INT = /^-?(?:0[xX][0-9a-fA-F]+|\d+)(?![.\deE])/;

interface Context {
  /** Inside `{...}` or a legacy `a;b` list: `;` and `}` end a bare string too. */
  readonly inList: boolean;
  /** Inside a map: `:` ends a bare string (the key separator). */
  readonly inMap: boolean;
}

const TOP: Context = { inList: false, inMap: false };

/**
 * Parses one value of `type` at the cursor, following controller-tools' grammar: quoted,
 * raw or bare strings, integers, numbers, booleans, `{a,b}` and legacy `a;b` lists,
 * `{k: v}` maps, and `any`, which guesses the type from the text.
 */
export function parseValue(cursor: Cursor, type: ArgType, ctx: Context = TOP): MarkerValue {
  switch (type.kind) {
    case "raw": {
      const rest = cursor.text.slice(cursor.pos);
      cursor.pos = cursor.text.length;
      return rest;
    }
    case "string":
      return parseString(cursor, ctx);
    case "int":
      return parseInt(cursor);
    case "number":
      return parseNumber(cursor);
    case "bool":
      return parseBool(cursor);
    case "list":
      return parseList(cursor, type.items);
    case "map":
      return parseMap(cursor, type.values);
    case "any":
      return parseValue(cursor, guessType(cursor, !ctx.inList), ctx);
  }
}

function isDelimiter(ch: string, ctx: Context): boolean {
  if (ch === "" || ch === "," || ch === ";" || ch === "}") return true;
  return ctx.inMap && ch === ":";
}

function parseString(cursor: Cursor, ctx: Context): string {
  const first = cursor.peek();
  if (first === '"' || first === "`" || first === "'") {
    const start = cursor.pos;
    const end = cursor.endOfQuoted(start);
    cursor.pos = end;
    return unquote(cursor, start, end);
  }
  // A bare string: everything up to the next delimiter, quoted parts included whole.
  const start = cursor.pos;
  let i = cursor.pos;
  const text = cursor.text;
  while (i < text.length && !isDelimiter(text[i]!, ctx)) {
    const ch = text[i]!;
    if (ch === '"' || ch === "`") i = cursor.endOfQuoted(i);
    else i++;
  }
  cursor.pos = i;
  return text.slice(start, i).trim();
}

function unquote(cursor: Cursor, start: number, end: number): string {
  const literal = cursor.text.slice(start, end);
  const quote = literal[0];
  if (quote === "`") return literal.slice(1, -1);
  let body = literal
    .slice(1, -1)
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => `\\u00${h}`)
    .replace(/\\'/g, "'");
  if (quote === "'") body = body.replace(/(^|[^\\])((?:\\\\)*)"/g, '$1$2\\"');
  try {
    // Go's strconv.Unquote escapes are JSON's plus \x and \'.
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return cursor.fail(`unable to parse string ${literal}: bad escape sequence`, start);
  }
}

function parseInt(cursor: Cursor): number {
  cursor.skipSpace();
  const m = INT.exec(cursor.text.slice(cursor.pos));
  if (!m) cursor.fail(`expected integer, got ${cursor.describeNext()}`);
  cursor.pos += m[0].length;
  const value = Number(m[0].startsWith("-") ? -Number(m[0].slice(1)) : Number(m[0]));
  if (!Number.isSafeInteger(value)) cursor.fail(`integer ${m[0]} is out of range`);
  return value;
}

function parseNumber(cursor: Cursor): number {
  cursor.skipSpace();
  const m = NUMBER.exec(cursor.text.slice(cursor.pos));
  if (!m) cursor.fail(`expected integer or float, got ${cursor.describeNext()}`);
  cursor.pos += m[0].length;
  const value = m[0].startsWith("-") ? -Number(m[0].slice(1)) : Number(m[0]);
  if (!Number.isFinite(value)) cursor.fail(`number ${m[0]} is out of range`);
  return value;
}

function parseBool(cursor: Cursor): boolean {
  const at = (cursor.skipSpace(), cursor.pos);
  const word = cursor.ident();
  if (word === "true") return true;
  if (word === "false") return false;
  return cursor.fail(`expected true or false, got ${word ? JSON.stringify(word) : cursor.describeNext()}`, at);
}

function parseList(cursor: Cursor, items: ArgType): MarkerValue[] {
  const out: MarkerValue[] = [];
  const inner: Context = { inList: true, inMap: false };
  if (cursor.peek() === "{") {
    cursor.pos++;
    while (cursor.peek() !== "}" && cursor.peek() !== "") {
      out.push(parseValue(cursor, items, inner));
      if (cursor.peek() === "}") break;
      cursor.expect(",", "comma or close curly brace");
    }
    cursor.expect("}", "close curly brace");
    return out;
  }
  if (cursor.peek() === "[") {
    return parseJsonArray(cursor);
  }
  // legacy form: a;b;c, ended by a comma (the next argument) or the end
  for (;;) {
    const next = cursor.peek();
    if (next === "," || next === "}" || next === "") break;
    out.push(parseValue(cursor, items, inner));
    const sep = cursor.peek();
    if (sep === "," || sep === "}" || sep === "") break;
    cursor.expect(";", "semicolon or comma");
  }
  return out;
}

function parseMap(cursor: Cursor, values: ArgType): Record<string, MarkerValue> {
  const out: Record<string, MarkerValue> = {};
  cursor.expect("{", "open curly brace");
  while (cursor.peek() !== "}" && cursor.peek() !== "") {
    const key = parseString(cursor, { inList: true, inMap: true });
    cursor.expect(":", "colon");
    out[key] = parseValue(cursor, values, { inList: false, inMap: false });
    if (cursor.peek() === "}") break;
    cursor.expect(",", "comma or close curly brace");
  }
  cursor.expect("}", "close curly brace");
  return out;
}

/** A JSON array (`[1, "a"]`), which `any` values accept beside controller-tools' forms. */
function parseJsonArray(cursor: Cursor): MarkerValue[] {
  const start = cursor.pos;
  let depth = 0;
  let i = start;
  const text = cursor.text;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      i = cursor.endOfQuoted(i) - 1;
      continue;
    }
    if (ch === "[" || ch === "{") depth++;
    if (ch === "]" || ch === "}") depth--;
    if (depth === 0) break;
  }
  if (depth !== 0) cursor.fail("unterminated JSON array (missing ])", start);
  const literal = text.slice(start, i + 1);
  try {
    const value = JSON.parse(literal) as MarkerValue[];
    cursor.pos = i + 1;
    return value;
  } catch (e) {
    return cursor.fail(`invalid JSON array ${literal}: ${(e as Error).message}`, start);
  }
}

/**
 * controller-tools' type guess for `any` values: quoted → string, `{` → map when its first
 * element is a string followed by a colon (or it is empty), else list; `true`/`false` →
 * bool; a number followed by a delimiter → int or number; otherwise a bare string. At the
 * top level, a `;` before the next `,` makes a legacy list.
 */
export function guessType(cursor: Cursor, allowList: boolean): ArgType {
  const save = cursor.pos;
  try {
    if (allowList) {
      const item = guessType(cursor, false);
      // Look ahead: skip the item, and see whether a ';' follows before ',' or the end.
      try {
        parseValue(cursor, item, { inList: true, inMap: false });
        if (cursor.peek() === ";") return { kind: "list", items: item };
      } catch {
        // not a well-formed item: let the real parse report it
      }
      return item;
    }
    const hint = cursor.peek();
    if (hint === '"' || hint === "'" || hint === "`") return { kind: "string" };
    if (hint === "[") return { kind: "list", items: { kind: "any" } };
    if (hint === "{") {
      cursor.pos++;
      const next = cursor.peek();
      if (next === "}") return { kind: "map", values: { kind: "any" } };
      const first = guessType(cursor, false);
      if (first.kind === "string") {
        parseString(cursor, { inList: true, inMap: true });
        if (cursor.peek() === ":") return { kind: "map", values: { kind: "any" } };
      }
      return { kind: "list", items: first };
    }
    const rest = cursor.text.slice(cursor.pos);
    const word = /^(true|false)(?![A-Za-z0-9_])/.exec(rest);
    if (word) return { kind: "bool" };
    const num = NUMBER.exec(rest);
    if (num) {
      const after = rest.slice(num[0].length).trimStart()[0] ?? "";
      if (after === "" || after === "," || after === ";" || after === "}") {
        return INT.test(rest) ? { kind: "int" } : { kind: "number" };
      }
    }
    return { kind: "string" };
  } finally {
    cursor.pos = save;
  }
}
