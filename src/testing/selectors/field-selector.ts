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

function unescape(value: string): string {
  return value.replace(/\\(.?)/gs, (_, c: string) => {
    if (c === "\\" || c === "," || c === "=") return c;
    throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
  });
}

/** The operators of a term, in the order the API server tries them at each position. */
const OPERATORS = ["!=", "==", "="] as const;

/** Splits one term at its first operator (escaped characters skipped), as the API server does. */
function splitTerm(term: string): FieldRequirement | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === "\\") {
      i++;
      continue;
    }
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return { path: term.slice(0, i), operator: op === "!=" ? "!=" : "=", value: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * Parses a field selector as the API server does: `metadata.name=x,status.phase!=Running`
 * (`==` also works; `\,`, `\=` and `\\` escape in values). Terms are sorted and empty ones
 * skipped; a term without an operator is `invalid selector: '<selector>'; can't understand
 * '<term>'`, a bad escape `invalid field selector: invalid escape sequence: \x`. Which paths
 * a kind accepts is the store's business (`fieldLabelsOf`).
 */
export function parseFieldSelector(selector: string | undefined): FieldSelector {
  if (selector === undefined || selector.trim() === "") return [];
  const out: FieldRequirement[] = [];
  for (const term of splitUnescaped(selector, ",").sort()) {
    if (term === "") continue;
    const split = splitTerm(term);
    if (!split) throw new SelectorParseError(`invalid selector: '${selector}'; can't understand '${term}'`);
    out.push({ path: split.path.trim(), operator: split.operator, value: unescape(split.value.trim()) });
  }
  return out;
}

/** The string a field selector compares: absent fields are "", numbers and booleans are printed. */
export function fieldValue(object: unknown, path: string): string {
  const v = getPath(object, path);
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Whether an object satisfies every term of a field selector (reading each path with `read`, by default as a dotted path). */
export function matchesFields(selector: FieldSelector, object: unknown, read: (object: unknown, path: string) => string = fieldValue): boolean {
  return selector.every((r) => (read(object, r.path) === r.value) === (r.operator === "="));
}
