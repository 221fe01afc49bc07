/**
 * How Go prints values in the API server's messages: `%q` (strconv.Quote), `%v` of an int64
 * or a float64, and `json.Marshal`. Messages must match byte for byte, so these follow Go's
 * rules rather than JavaScript's.
 */
import { isInt64, isObject } from "./json.js";

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `strconv.Quote`: a double-quoted string with Go escapes for what is not printable. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += "\ufffd"; // a lone surrogate: Go's JSON decoder made it U+FFFD
    } else if (cp < 0x20 || cp === 0x7f) {
      out += "\\x" + cp.toString(16).padStart(2, "0");
    } else if (cp < 0x80 || PRINTABLE.test(ch)) {
      out += ch;
    } else if (cp < 0x10000) {
      out += "\\u" + cp.toString(16).padStart(4, "0");
    } else {
      out += "\\U" + cp.toString(16).padStart(8, "0");
    }
  }
  return out + '"';
}

/** Go's `%v` of a float64 (shortest `%g`: exponent form below 1e-4 and from 1e6 up). */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(x);
}

/** Go's `%v` of a number decoded from JSON: an int64 when integral, else a float64. */
export function goNumber(x: number): string {
  return isInt64(x) ? BigInt(x).toString() : goFloat(x);
}

function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
      out += "\\u" + c.toString(16).padStart(4, "0");
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += ch + s[i + 1]!;
        i++;
      } else out += "\\ufffd";
    } else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else out += ch;
  }
  return out + '"';
}

/** Go's `json.Marshal` of a JSON value: keys sorted, `<>&` escaped as Go escapes them. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return jsonString(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return isInt64(v) ? BigInt(v).toString() : String(v);
    case "bigint":
      return v.toString();
  }
  if (Array.isArray(v)) return "[" + v.map(goJson).join(",") + "]";
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareUtf8);
    return "{" + keys.map((k) => jsonString(k) + ":" + goJson(v[k])).join(",") + "}";
  }
  return "null";
}

/** Byte-wise (UTF-8) string order, as Go sorts map keys. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const ba = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  return Buffer.compare(ba, bb);
}
