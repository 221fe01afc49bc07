/** One requirement of a field selector: the field at a dotted path equals (or not) a value. */
export interface FieldRequirement {
  /** A dotted path such as `metadata.name` or `status.phase`, or the name of a cache index. */
  readonly field: string;
  readonly op: "=" | "!=";
  readonly value: string;
}

/** A parsed field selector: every requirement must hold. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  /** Checks an object, reading each field by its dotted path (a missing field reads as ""). */
  matches(object: unknown): boolean;
}

/**
 * Parses a field selector as the API server does: `key=value`, `key==value` and
 * `key!=value`, joined by commas; `\,`, `\=`, `\!` and `\\` escape. Throws a `SyntaxError`
 * naming the term and what was expected.
 * @example
 * ```ts
 * parseFieldSelector("metadata.name=web,status.phase!=Failed").matches(pod);
 * ```
 */
export function parseFieldSelector(selector: string | undefined): FieldSelector {
  const requirements: FieldRequirement[] = [];
  if (selector !== undefined && selector.trim() !== "") {
    for (const term of splitUnescaped(selector, ",")) requirements.push(parseTerm(term, selector));
  }
  return { requirements, matches: (object) => requirements.every((r) => (readField(object, r.field) === r.value) === (r.op === "=")) };
}

/** Reads a dotted path; scalars become strings, a missing field "". */
export function readField(object: unknown, path: string): string {
  let at: unknown = object;
  for (const part of path.replace(/^\./, "").split(".")) {
    if (typeof at !== "object" || at === null) return "";
    at = (at as Record<string, unknown>)[part];
  }
  if (at === undefined || at === null) return "";
  return typeof at === "object" ? JSON.stringify(at) : String(at);
}

function parseTerm(term: string, whole: string): FieldRequirement {
  for (let i = 0; i < term.length; i++) {
    const ch = term[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "!" && term[i + 1] === "=") return build(term.slice(0, i), "!=", term.slice(i + 2), whole);
    if (ch === "=") {
      const skip = term[i + 1] === "=" ? 2 : 1;
      return build(term.slice(0, i), "=", term.slice(i + skip), whole);
    }
  }
  throw new SyntaxError(`field selector "${whole}": expected "field=value" or "field!=value", found "${term}"`);
}

function build(field: string, op: "=" | "!=", value: string, whole: string): FieldRequirement {
  const name = unescape(field.trim());
  if (name === "") throw new SyntaxError(`field selector "${whole}": expected a field name before "${op}"`);
  return { field: name, op, value: unescape(value.trim()) };
}

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}
