import { getPath } from "../store/json.js";
import { SelectorParseError } from "./label-selector.js";

/** One term of a field selector: a dotted path compared for (in)equality with a string. */
export interface FieldRequirement {
  readonly path: string;
  readonly operator: "=" | "!=";
  readonly value: string;
}

/** A parsed field selector: every term must hold. Empty selects everything. */
export type FieldSelector = readonly FieldRequirement[];

/** Splits on an unescaped separator, keeping escapes for the next stage. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      cur += c + text[i + 1]!;
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unescape(value: string, term: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => {
    if (c === "\\" || c === "," || c === "=") return c;
    throw new SelectorParseError(`invalid field selector "${term}": invalid escape sequence "\\${c}" (only \\\\, \\, and \\= are allowed)`);
  });
}

/**
 * Parses a field selector: `metadata.name=x,status.phase!=Running` (`==` also works; `\,`,
 * `\=` and `\\` escape in values).
 */
export function parseFieldSelector(selector: string | undefined): FieldSelector {
  if (selector === undefined || selector.trim() === "") return [];
  return splitUnescaped(selector, ",").map((raw) => {
    const term = raw.trim();
    const m = /^([^=!\s]+)\s*(==|=|!=)(.*)$/s.exec(term);
    if (!m) throw new SelectorParseError(`invalid field selector "${term}": expected "path=value", "path==value" or "path!=value"`);
    return { path: m[1]!, operator: m[2] === "!=" ? "!=" : "=", value: unescape(m[3]!.trim(), term) };
  });
}

/** The string a field selector compares: absent fields are "", numbers and booleans are printed. */
export function fieldValue(object: unknown, path: string): string {
  const v = getPath(object, path);
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Whether an object satisfies every term of a field selector. */
export function matchesFields(selector: FieldSelector, object: unknown): boolean {
  return selector.every((r) => (fieldValue(object, r.path) === r.value) === (r.operator === "="));
}
