/**
 * Kubernetes label selectors (`app=web,tier!=db,env in (a,b),!legacy,rank>3`), parsed once
 * and matched against label maps with the API server's semantics: `!=` and `notin` also
 * match objects without the label; `in`, `=`, `==`, `>`, `<` and bare keys need it.
 */

/** The operators of a label requirement. */
export type LabelOperator = "=" | "!=" | "in" | "notin" | "exists" | "!exists" | "gt" | "lt";

/** One requirement of a label selector. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** A parsed label selector: every requirement must hold. Empty selects everything. */
export type LabelSelector = readonly LabelRequirement[];

/** A label selector that does not parse; the message says what was expected. */
export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectorParseError";
  }
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

function checkKey(key: string, term: string): string {
  if (!KEY.test(key) || key.length > 316) {
    throw new SelectorParseError(`unable to parse requirement: invalid label key "${key}" in "${term}": expected a qualified name such as "app" or "example.com/app"`);
  }
  return key;
}

function checkValue(value: string, term: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw new SelectorParseError(
      `unable to parse requirement: invalid label value "${value}" in "${term}": expected at most 63 characters of [A-Za-z0-9-_.], starting and ending with an alphanumeric`,
    );
  }
  return value;
}

function parseTerm(raw: string): LabelRequirement {
  const term = raw.trim();
  if (term.startsWith("!")) return { key: checkKey(term.slice(1).trim(), term), operator: "!exists", values: [] };
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const values = set[3]!
      .split(",")
      .map((v) => v.trim())
      .filter((v, i, all) => v !== "" || all.length > 1);
    for (const v of values) checkValue(v, term);
    if (values.length === 0) throw new SelectorParseError(`unable to parse requirement: "${term}": for 'in' and 'notin' operators, values set can't be empty`);
    return { key: checkKey(set[1]!, term), operator: set[2] as "in" | "notin", values };
  }
  const op = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(term);
  if (op) {
    const key = checkKey(op[1]!, term);
    const value = op[3]!.trim();
    switch (op[2]) {
      case ">":
      case "<":
        if (!/^-?\d+$/.test(value)) throw new SelectorParseError(`unable to parse requirement: "${term}": for 'gt', 'lt' operators, the value must be an integer`);
        return { key, operator: op[2] === ">" ? "gt" : "lt", values: [value] };
      case "!=":
        return { key, operator: "!=", values: [checkValue(value, term)] };
      default:
        return { key, operator: "=", values: [checkValue(value, term)] };
    }
  }
  if (/^\S+$/.test(term)) return { key: checkKey(term, term), operator: "exists", values: [] };
  throw new SelectorParseError(
    `unable to parse requirement: "${term}": expected "key", "!key", "key=value", "key!=value", "key in (a,b)", "key notin (a,b)", "key>n" or "key<n"`,
  );
}

/**
 * Parses a label selector string, or equality pairs given as a map.
 * @example
 * ```ts
 * const sel = parseLabelSelector("app=web,env in (prod,stage),!legacy");
 * matchesLabels(sel, { app: "web", env: "prod" }); // true
 * ```
 */
export function parseLabelSelector(selector: string | Readonly<Record<string, string>> | undefined): LabelSelector {
  if (selector === undefined) return [];
  if (typeof selector !== "string") {
    return Object.keys(selector)
      .sort()
      .map((key) => ({ key: checkKey(key, key), operator: "=" as const, values: [checkValue(selector[key]!, key)] }));
  }
  if (selector.trim() === "") return [];
  return splitTerms(selector).map(parseTerm);
}

/** Whether labels satisfy every requirement of the selector. */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.operator) {
      case "=":
      case "in":
        return has && r.values.includes(v!);
      case "!=":
      case "notin":
        return !has || !r.values.includes(v!);
      case "exists":
        return has;
      case "!exists":
        return !has;
      case "gt":
      case "lt": {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        return r.operator === "gt" ? n > bound : n < bound;
      }
      default: {
        const never: never = r.operator;
        throw new Error(`unknown label operator ${String(never)}`);
      }
    }
  });
}
