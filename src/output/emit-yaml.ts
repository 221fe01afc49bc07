import { formatNumber, looksLikeOtherScalar } from "./scalars.js";

/**
 * A small YAML emitter for plain JSON data, in go-yaml's block style: map keys sorted,
 * sequences not indented under their key, `{}` and `[]` for empty collections, `|-`
 * literals for multi-line strings, double quotes for strings a reader would take for
 * another type (or that need escapes), single quotes for strings that cannot be plain
 * for syntax reasons, numbers as go-yaml writes the ints and float64s it reads from Go's
 * JSON (scalars.ts). Written by hand because the general YAML library spent most of
 * `kb generate`'s time building and visiting documents for what is a fixed style.
 */
export function emitYaml(value: unknown): string {
  const out: string[] = [];
  emitValue(value, 0, out, "");
  return out.join("");
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isMap(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function entries(map: Record<string, unknown>): [string, unknown][] {
  return Object.entries(map)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Emits `value` as the body of a document or of a map entry / sequence item. */
function emitValue(value: unknown, indent: number, out: string[], prefix: string): void {
  const pad = " ".repeat(indent);
  if (isMap(value)) {
    const es = entries(value);
    if (es.length === 0) {
      out.push(`${prefix}{}\n`);
      return;
    }
    let first = true;
    for (const [k, v] of es) {
      const lead = first ? prefix : pad;
      first = false;
      emitEntry(k, v, indent, lead, out);
    }
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`${prefix}[]\n`);
      return;
    }
    let first = true;
    for (const item of value) {
      const lead = first ? prefix : pad;
      first = false;
      emitItem(item, indent, lead, out);
    }
    return;
  }
  out.push(`${prefix}${scalar(value, indent)}\n`);
}

function emitEntry(key: string, v: unknown, indent: number, lead: string, out: string[]): void {
  const k = scalar(key, indent);
  if (isMap(v) && Object.keys(v).some((x) => v[x] !== undefined)) {
    out.push(`${lead}${k}:\n`);
    emitValue(v, indent + 2, out, " ".repeat(indent + 2));
  } else if (Array.isArray(v) && v.length > 0) {
    out.push(`${lead}${k}:\n`);
    emitValue(v, indent, out, " ".repeat(indent));
  } else if (isMap(v)) {
    out.push(`${lead}${k}: {}\n`);
  } else if (Array.isArray(v)) {
    out.push(`${lead}${k}: []\n`);
  } else {
    out.push(`${lead}${k}: ${scalar(v, indent)}\n`);
  }
}

function emitItem(item: unknown, indent: number, lead: string, out: string[]): void {
  if ((isMap(item) && entries(item).length > 0) || (Array.isArray(item) && item.length > 0)) {
    emitValue(item, indent + 2, out, `${lead}- `);
  } else {
    out.push(`${lead}- ${isMap(item) ? "{}" : Array.isArray(item) ? "[]" : scalar(item, indent)}\n`);
  }
}

/** A scalar in go-yaml's style; `indent` is that of the key or dash it belongs to. */
function scalar(v: unknown, indent: number): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "bigint") return v.toString();
  const s = String(v);
  if (s.includes("\n") && isLiteralSafe(s)) {
    const body = s.endsWith("\n") ? s.slice(0, -1) : s;
    const pad = " ".repeat(indent + 2);
    return `${s.endsWith("\n") ? "|" : "|-"}\n${body
      .split("\n")
      .map((l) => (l === "" ? "" : pad + l))
      .join("\n")}`;
  }
  if (looksLikeOtherScalar(s) || !isPrintable(s)) return JSON.stringify(s);
  if (isPlainSafe(s)) return s;
  return `'${s.replace(/'/g, "''")}'`;
}

const PRINTABLE = /^[\t\x20-\x7e\u0085\u00a0-\ud7ff\ue000-\ufffd\ud800-\udfff]*$/;

function isPrintable(s: string): boolean {
  return PRINTABLE.test(s) && !s.includes("\t");
}

/** A multi-line string that a `|` block keeps exactly (no trailing spaces, no leading space). */
function isLiteralSafe(s: string): boolean {
  if (!isPrintable(s.replace(/\n/g, ""))) return false;
  if (s.startsWith(" ") || s.startsWith("\n")) return false;
  if (/\n\n$/.test(s)) return false;
  return !s.split("\n").some((l) => / $/.test(l));
}

/** Whether a string can be written plain (unquoted) in block context. */
function isPlainSafe(s: string): boolean {
  if (s === "" || s !== s.trim()) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) {
    // `-`, `?` and `:` may start a plain scalar when followed by a non-space
    if (!/^[-?:][^\s]/.test(s)) return false;
    if (/^[-?:][,[\]{}]/.test(s)) return false;
  }
  if (s.includes(": ") || s.includes(" #") || s.endsWith(":")) return false;
  if (/[\u0085\u2028\u2029\ufeff]/.test(s)) return false;
  return true;
}
