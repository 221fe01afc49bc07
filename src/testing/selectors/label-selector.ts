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

import { isQualifiedName, isValidLabelValue } from "../store/name-rules.js";

/** A label selector that does not parse; the message says what was expected. */
export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectorParseError";
  }
}

type Token =
  | "error"
  | "eos"
  | "closedPar"
  | "comma"
  | "doesNotExist"
  | "doubleEquals"
  | "equals"
  | "gt"
  | "identifier"
  | "in"
  | "lt"
  | "notEquals"
  | "notIn"
  | "openPar";

const SYMBOLS: Readonly<Record<string, Token>> = {
  ")": "closedPar",
  ",": "comma",
  "!": "doesNotExist",
  "==": "doubleEquals",
  "=": "equals",
  ">": "gt",
  "<": "lt",
  "!=": "notEquals",
  "(": "openPar",
};
const KEYWORDS: Readonly<Record<string, Token>> = { in: "in", notin: "notIn" };
const SPECIAL = new Set(["=", "!", "(", ")", ",", ">", "<"]);
const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);
const BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

/** The tokens of a selector, as the API server's lexer splits it (the last is `eos`). */
function lex(text: string): { tok: Token; lit: string }[] {
  const out: { tok: Token; lit: string }[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
    if (i >= text.length) {
      out.push({ tok: "eos", lit: "" });
      return out;
    }
    if (SPECIAL.has(text[i]!)) {
      let buffer = "";
      let last: { tok: Token; lit: string } | undefined;
      while (i < text.length && SPECIAL.has(text[i]!)) {
        buffer += text[i]!;
        const tok = Object.hasOwn(SYMBOLS, buffer) ? SYMBOLS[buffer] : undefined;
        if (tok) last = { tok, lit: buffer };
        else if (last) break;
        i++;
      }
      out.push(last ?? { tok: "error", lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let word = "";
    while (i < text.length && !WHITESPACE.has(text[i]!) && !SPECIAL.has(text[i]!)) word += text[i++]!;
    out.push({ tok: Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word]! : "identifier", lit: word });
  }
}

/** `field: Invalid value: "v": why`, the API server's text of a field error (a nil path prints as `<nil>`). */
const invalidValue = (field: string, value: string, why: string): string => `${field}: Invalid value: ${JSON.stringify(value)}: ${why}`;

function checkKey(key: string): void {
  const errs = isQualifiedName(key);
  if (errs.length > 0) throw new SelectorParseError(invalidValue("<nil>", key, errs.join("; ")));
}

/** Parses a selector string with the API server's grammar and messages. */
function parseSelectorText(text: string): LabelRequirement[] {
  const items = lex(text);
  let pos = 0;
  // In "values" context the keywords in and notin are identifiers.
  const look = (values: boolean): { tok: Token; lit: string } => {
    const it = items[Math.min(pos, items.length - 1)]!;
    return values && (it.tok === "in" || it.tok === "notIn") ? { tok: "identifier", lit: it.lit } : it;
  };
  const take = (values: boolean): { tok: Token; lit: string } => {
    const it = look(values);
    pos++;
    return it;
  };
  const parseValues = (): string[] => {
    const open = take(true);
    if (open.tok !== "openPar") throw new SelectorParseError(`found '${open.lit}' expected: '('`);
    const next = look(true);
    if (next.tok === "closedPar") {
      take(true);
      return [""];
    }
    if (next.tok !== "identifier" && next.tok !== "comma") throw new SelectorParseError(`found '${next.lit}', expected: ',', ')' or identifier`);
    const set = new Set<string>();
    for (;;) {
      const t = take(true);
      if (t.tok === "identifier") {
        set.add(t.lit);
        const t2 = look(true);
        if (t2.tok === "comma") continue;
        if (t2.tok === "closedPar") break;
        throw new SelectorParseError(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (t.tok === "comma") {
        if (set.size === 0) set.add("");
        const t2 = look(true);
        if (t2.tok === "closedPar") {
          set.add("");
          break;
        }
        if (t2.tok === "comma") {
          take(true);
          set.add("");
        }
      } else throw new SelectorParseError(`found '${t.lit}', expected: ',', or identifier`);
    }
    const close = take(true);
    if (close.tok !== "closedPar") throw new SelectorParseError(`found '${next.lit}', expected: ')'`);
    return [...set].sort();
  };
  const parseRequirement = (): LabelRequirement => {
    let t = take(true);
    let negated = false;
    if (t.tok === "doesNotExist") {
      negated = true;
      t = take(true);
    }
    if (t.tok !== "identifier") throw new SelectorParseError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    checkKey(key);
    const after = look(true).tok;
    if (after === "eos" || after === "comma") return { key, operator: negated ? "!exists" : "exists", values: [] };
    if (negated) return { key, operator: "!exists", values: [] };
    const op = take(false);
    let operator: LabelOperator;
    switch (op.tok) {
      case "in":
        operator = "in";
        break;
      case "notIn":
        operator = "notin";
        break;
      case "equals":
      case "doubleEquals":
        operator = "=";
        break;
      case "notEquals":
        operator = "!=";
        break;
      case "gt":
        operator = "gt";
        break;
      case "lt":
        operator = "lt";
        break;
      default:
        throw new SelectorParseError(`found '${op.lit}', expected: ${BINARY_OPERATORS}`);
    }
    let values: string[];
    if (operator === "in" || operator === "notin") values = parseValues();
    else {
      const v = look(true);
      if (v.tok === "eos" || v.tok === "comma") values = [""];
      else {
        const got = take(true);
        if (got.tok !== "identifier") throw new SelectorParseError(`found '${got.lit}', expected: identifier`);
        values = [got.lit];
      }
    }
    const errs: string[] = [];
    if ((operator === "gt" || operator === "lt") && !/^[+-]?\d+$/.test(values[0]!)) {
      errs.push(invalidValue("values[0]", values[0]!, "for 'Gt', 'Lt' operators, the value must be an integer"));
    }
    values.forEach((v, i) => {
      const why = isValidLabelValue(v);
      if (why.length > 0) errs.push(invalidValue(`values[${i}][${key}]`, v, why.join("; ")));
    });
    if (errs.length > 0) throw new SelectorParseError(errs.length === 1 ? errs[0]! : `[${errs.join(", ")}]`);
    return { key, operator, values };
  };
  const out: LabelRequirement[] = [];
  for (;;) {
    const t = look(true);
    if (t.tok === "eos") return out;
    if (t.tok !== "identifier" && t.tok !== "doesNotExist") throw new SelectorParseError(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
    try {
      out.push(parseRequirement());
    } catch (e) {
      if (e instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${e.message}`);
      throw e;
    }
    const next = take(true);
    if (next.tok === "eos") return out;
    if (next.tok !== "comma") throw new SelectorParseError(`found '${next.lit}', expected: ',' or 'end of string'`);
    const t2 = look(true);
    if (t2.tok !== "identifier" && t2.tok !== "doesNotExist") throw new SelectorParseError(`found '${t2.lit}', expected: identifier after ','`);
  }
}

/**
 * Parses a label selector string with the API server's grammar and error messages, or
 * equality pairs given as a map.
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
      .map((key) => {
        checkKey(key);
        const why = isValidLabelValue(selector[key]!);
        if (why.length > 0) throw new SelectorParseError(`unable to parse requirement: ${invalidValue(`values[0][${key}]`, selector[key]!, why.join("; "))}`);
        return { key, operator: "=" as const, values: [selector[key]!] };
      });
  }
  return parseSelectorText(selector);
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
