import type { ArgType, MarkerValue } from "./arg-type.js";
import { Cursor, MAX_VALUE_DEPTH } from "./cursor.js";

// Sticky (`y`): matched at the cursor without copying the rest of the text.
const NUMBER = /-?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/y;
const INT = /-?(?:0[xX][0-9a-fA-F]+|\d+)(?![.\deE])/y;
const BOOL_WORD = /(?:true|false)(?![A-Za-z0-9_])/y;

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
 * `{k: v}` maps, and `any`, which guesses the type from the text. Each character is read a
 * bounded number of times (no back-tracking over nested values), so time is linear in the
 * text's length; values nest at most {@link MAX_VALUE_DEPTH} levels.
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
      return parseAny(cursor, ctx);
  }
}

/**
 * An `any` value: its type guessed from its first characters. At the top level, an item
 * followed by `;` starts a legacy list of items of that type. The item is parsed once and
 * kept: guessing by parsing ahead and then parsing again made nested values (`{a:{a:...}}`)
 * take time exponential in their depth.
 */
function parseAny(cursor: Cursor, ctx: Context): MarkerValue {
  const item = guessType(cursor);
  if (ctx.inList) return parseValue(cursor, item, ctx);
  const inner: Context = { inList: true, inMap: false };
  const first = parseValue(cursor, item, inner);
  if (cursor.peek() !== ";") return first;
  const out: MarkerValue[] = [first];
  // the rest of a legacy list a;b;c, ended by a comma (the next argument) or the end
  for (;;) {
    cursor.expect(";", "semicolon or comma");
    const next = cursor.peek();
    if (next === "," || next === "}" || next === "") break;
    out.push(parseValue(cursor, item, inner));
    const sep = cursor.peek();
    if (sep === "," || sep === "}" || sep === "") break;
  }
  return out;
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

/**
 * The value of a quoted string, as Go's strconv.Unquote reads it: `` `raw` `` verbatim,
 * `"..."` and `'...'` with Go's escapes (`\n`, `\t`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`,
 * octal `\ooo`, ...). A single pass over the text.
 */
function unquote(cursor: Cursor, start: number, end: number): string {
  const text = cursor.text;
  const quote = text[start];
  if (quote === "`") return text.slice(start + 1, end - 1);
  let out = "";
  let i = start + 1;
  const last = end - 1;
  const bad = (at: number, what: string): never =>
    cursor.fail(`unable to parse string ${text.slice(start, Math.min(end, start + 40))}${end - start > 40 ? "..." : ""}: ${what}`, at);
  const hex = (at: number, n: number): number => {
    const digits = text.slice(at, at + n);
    if (at + n > last || !/^[0-9a-fA-F]+$/.test(digits)) bad(at - 2, "bad escape sequence");
    return Number.parseInt(digits, 16);
  };
  while (i < last) {
    const ch = text[i]!;
    if (ch !== "\\") {
      if (ch === "\n") bad(i, "newline in string");
      out += ch;
      i++;
      continue;
    }
    const e = text[i + 1] ?? "";
    i += 2;
    switch (e) {
      case "a": out += "\x07"; break;
      case "b": out += "\b"; break;
      case "f": out += "\f"; break;
      case "n": out += "\n"; break;
      case "r": out += "\r"; break;
      case "t": out += "\t"; break;
      case "v": out += "\v"; break;
      case "\\": case "'": case '"': case "/": out += e; break;
      case "x": out += String.fromCharCode(hex(i, 2)); i += 2; break;
      case "u": out += String.fromCharCode(hex(i, 4)); i += 4; break;
      case "U": {
        const cp = hex(i, 8);
        if (cp > 0x10ffff) bad(i - 2, "escaped code point out of range");
        out += String.fromCodePoint(cp);
        i += 8;
        break;
      }
      default: {
        const oct = /^[0-7]{3}$/.test(text.slice(i - 1, i + 2)) ? Number.parseInt(text.slice(i - 1, i + 2), 8) : -1;
        if (oct < 0 || oct > 255 || i + 2 > last + 1) bad(i - 2, "bad escape sequence");
        out += String.fromCharCode(oct);
        i += 2;
      }
    }
  }
  return out;
}

function parseInt(cursor: Cursor): number {
  cursor.skipSpace();
  const m = cursor.match(INT);
  if (!m) cursor.fail(`expected integer, got ${cursor.describeNext()}`);
  cursor.pos += m[0].length;
  const value = Number(m[0].startsWith("-") ? -Number(m[0].slice(1)) : Number(m[0]));
  if (!Number.isSafeInteger(value)) cursor.fail(`integer ${m[0]} is out of range`);
  return value;
}

function parseNumber(cursor: Cursor): number {
  cursor.skipSpace();
  const m = cursor.match(NUMBER);
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
    cursor.enter();
    cursor.pos++;
    while (cursor.peek() !== "}" && cursor.peek() !== "") {
      out.push(parseValue(cursor, items, inner));
      if (cursor.peek() === "}") break;
      cursor.expect(",", "comma or close curly brace");
    }
    cursor.expect("}", "close curly brace");
    cursor.leave();
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
  cursor.enter();
  while (cursor.peek() !== "}" && cursor.peek() !== "") {
    const key = parseString(cursor, { inList: true, inMap: true });
    cursor.expect(":", "colon");
    out[key] = parseValue(cursor, values, { inList: false, inMap: false });
    if (cursor.peek() === "}") break;
    cursor.expect(",", "comma or close curly brace");
  }
  cursor.expect("}", "close curly brace");
  cursor.leave();
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
    if (ch === "[" || ch === "{") {
      if (++depth + cursor.depth > MAX_VALUE_DEPTH) cursor.fail(`value nests deeper than ${MAX_VALUE_DEPTH} levels of lists and maps`, i);
    }
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
    const shown = literal.length > 40 ? `${literal.slice(0, 40)}...` : literal;
    return cursor.fail(`invalid JSON array ${shown}: ${(e as Error).message}`, start);
  }
}

/**
 * controller-tools' type guess for `any` values: quoted → string, `{` → map when its first
 * element is a string followed by a colon (or it is empty), else list; `true`/`false` →
 * bool; a number followed by a delimiter → int or number; otherwise a bare string. Reads
 * ahead at most to the end of the first map key; the cursor is left where it was. (A `;`
 * after the item, which makes a legacy list at the top level, is seen by the caller.)
 */
export function guessType(cursor: Cursor): ArgType {
  const save = cursor.pos;
  const depth = cursor.depth;
  try {
    const hint = cursor.peek();
    if (hint === '"' || hint === "'" || hint === "`") return { kind: "string" };
    if (hint === "[") return { kind: "list", items: { kind: "any" } };
    if (hint === "{") {
      cursor.enter();
      cursor.pos++;
      const next = cursor.peek();
      if (next === "}") return { kind: "map", values: { kind: "any" } };
      const first = guessType(cursor);
      if (first.kind === "string") {
        parseString(cursor, { inList: true, inMap: true });
        if (cursor.peek() === ":") return { kind: "map", values: { kind: "any" } };
      }
      return { kind: "list", items: first };
    }
    if (cursor.match(BOOL_WORD)) return { kind: "bool" };
    const num = cursor.match(NUMBER);
    if (num) {
      cursor.pos += num[0].length;
      const after = cursor.peek();
      if (after === "" || after === "," || after === ";" || after === "}") {
        cursor.pos = save;
        cursor.skipSpace();
        return cursor.match(INT) ? { kind: "int" } : { kind: "number" };
      }
    }
    return { kind: "string" };
  } finally {
    cursor.pos = save;
    cursor.depth = depth;
  }
}
