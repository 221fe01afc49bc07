import { createRequire } from "node:module";
import type { parse as celParse } from "@bufbuild/cel";

/** A CEL expression node as `@bufbuild/cel` parses it. */
export type CelExpr = ReturnType<typeof celParse>["expr"];

let loadedParse: typeof celParse | undefined;

/**
 * `@bufbuild/cel`'s parser, loaded on the first rule: it takes a quarter of a second to load,
 * and most projects (every freshly scaffolded one) have no CEL rules.
 */
function parse(source: string): ReturnType<typeof celParse> {
  loadedParse ??= (createRequire(import.meta.url)("@bufbuild/cel") as typeof import("@bufbuild/cel")).parse;
  return loadedParse(source);
}

/** A parsed rule: the AST plus what the checker needs to read it. */
export interface ParsedRule {
  readonly text: string;
  readonly expr: CelExpr;
  /** Character offset in `text` of each node, by node id. */
  readonly positions: Readonly<Record<string, number>>;
  /** The macro call (`all`, `exists`, `map`, ...) an expanded comprehension came from, by node id. */
  readonly macroCalls: Readonly<Record<string, CelExpr>>;
  /** Offsets of the `.` of optional field selections (`a.?b`). */
  readonly optionalSelects: ReadonlySet<number>;
  /** Offsets of the `[` of optional indexes (`a[?0]`). */
  readonly optionalIndexes: ReadonlySet<number>;
}

/** Why a rule does not parse, and where (a character offset in the rule). */
export interface ParseFailure {
  readonly message: string;
  readonly offset: number | undefined;
}

/** The outcome of {@link parseRule}. */
export type ParseOutcome =
  { readonly ok: true; readonly rule: ParsedRule } | { readonly ok: false; readonly error: ParseFailure };

interface Scan {
  /** The rule with the `?` of optional syntax blanked out (same length, same offsets). */
  readonly source: string;
  readonly optionalSelects: Set<number>;
  readonly optionalIndexes: Set<number>;
  readonly error?: ParseFailure;
}

const CLOSERS: Readonly<Record<string, string>> = { ")": "(", "]": "[", "}": "{" };

/**
 * How deep a rule may nest: cel-go's parser refuses expressions past 250 levels of
 * recursion ("expression recursion limit exceeded"), and the checker here recurses once per
 * level. Brackets are counted while scanning; operator chains (`a + a + ...`) after parsing.
 */
export const MAX_RULE_DEPTH = 250;

/**
 * Scans a rule once for what the parser of `@bufbuild/cel` does not handle or reports
 * poorly: CEL's optional syntax (`a.?b`, `a[?i]`, `[?x]`, `{?k: v}`, which the API server
 * accepts since Kubernetes 1.29), unterminated strings and unbalanced brackets. String
 * literals (raw, bytes, triple-quoted) and `//` comments are skipped.
 */
function scan(text: string): Scan {
  // UTF-16 offsets, as the parser reports them.
  const src = text.split("");
  const optionalSelects = new Set<number>();
  const optionalIndexes = new Set<number>();
  const stack: { ch: string; at: number }[] = [];
  let lastSignificant = -1; // offset of the last non-space character outside strings/comments
  const fail = (message: string, offset: number): Scan => ({
    source: text,
    optionalSelects,
    optionalIndexes,
    error: { message, offset },
  });
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      i++;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      // blanked: the parser does not accept a comment that ends the input
      while (i < text.length && text[i] !== "\n") src[i++] = " ";
      continue;
    }
    if (c === '"' || c === "'") {
      const start = stringStart(text, i);
      const end = skipString(text, i, isRaw(text, start, i));
      if (end < 0) return fail("unterminated string literal", start);
      i = end;
      lastSignificant = i - 1;
      continue;
    }
    if (/[A-Za-z_0-9]/.test(c)) {
      while (i < text.length && /[A-Za-z_0-9]/.test(text[i]!)) i++;
      lastSignificant = i - 1;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") {
      if (stack.length >= MAX_RULE_DEPTH) return fail(`brackets nest deeper than ${MAX_RULE_DEPTH} levels (the API server's CEL parser stops at ${MAX_RULE_DEPTH})`, i);
      stack.push({ ch: c, at: i });
      lastSignificant = i;
      i++;
      continue;
    }
    if (c === ")" || c === "]" || c === "}") {
      const open = stack.pop();
      if (!open || open.ch !== CLOSERS[c]) {
        const message = open
          ? `"${c}" does not close the "${open.ch}" opened at ${where(text, open.at)}`
          : `unbalanced "${c}"`;
        return fail(message, i);
      }
      lastSignificant = i;
      i++;
      continue;
    }
    if (c === "?" && lastSignificant >= 0) {
      const prev = text[lastSignificant]!;
      const top = stack[stack.length - 1];
      const inLiteral = top !== undefined && (top.ch === "[" || top.ch === "{");
      if (prev === ".") {
        optionalSelects.add(lastSignificant);
        src[i] = " ";
      } else if (prev === "[" && top !== undefined && top.at === lastSignificant) {
        optionalIndexes.add(lastSignificant);
        src[i] = " ";
      } else if ((prev === "{" || prev === ",") && inLiteral) {
        src[i] = " ";
      }
    }
    lastSignificant = i;
    i++;
  }
  const open = stack.pop();
  if (open) return fail(`"${open.ch}" is never closed`, open.at);
  return { source: src.join(""), optionalSelects, optionalIndexes };
}

/** The offset where the string literal whose quote is at `quote` starts (its r/b prefix). */
function stringStart(text: string, quote: number): number {
  let s = quote;
  while (s > 0 && s > quote - 2 && /[rRbB]/.test(text[s - 1]!)) s--;
  // The prefix letters must not be the tail of a longer identifier.
  if (s > 0 && /[A-Za-z_0-9]/.test(text[s - 1]!)) return quote;
  return s;
}

function isRaw(text: string, start: number, quote: number): boolean {
  return /[rR]/.test(text.slice(start, quote));
}

/** The offset just after the string literal whose opening quote is at `i`, or -1 if unterminated. */
function skipString(text: string, i: number, raw: boolean): number {
  const q = text[i]!;
  const triple = text.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  while (j < text.length) {
    const c = text[j]!;
    if (c === "\\" && !raw) {
      j += 2;
      continue;
    }
    if (!triple && (c === "\n" || c === "\r")) return -1;
    if (text.startsWith(close, j)) return j + close.length;
    j++;
  }
  return -1;
}

/** `column 7`, or `line 2, column 3` for a rule of several lines (1-based). */
export function where(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === "\n") {
      line++;
      lineStart = k + 1;
    }
  }
  const column = offset - lineStart + 1;
  return text.includes("\n") ? `line ${line}, column ${column}` : `column ${column}`;
}

interface PeggyLikeError {
  readonly rawMessage?: unknown;
  readonly message?: unknown;
  readonly location?: { readonly start?: { readonly offset?: unknown } };
}

/**
 * Parses a CEL rule with `@bufbuild/cel`, once. Optional syntax is accepted (and recorded);
 * a syntax error comes back with the parser's message and its offset in the rule.
 */
export function parseRule(text: string): ParseOutcome {
  let hit = parsedRules.get(text);
  if (hit === undefined) {
    hit = parseUncached(text);
    if (parsedRules.size >= PARSE_CACHE_LIMIT) parsedRules.clear();
    parsedRules.set(text, hit);
  }
  return hit;
}

/**
 * Parsed rules by text: a rule is checked at its marker and again, for its cost, in each CRD
 * that holds it; it is parsed once. Outcomes are never changed after parsing.
 */
const parsedRules = new Map<string, ParseOutcome>();
const PARSE_CACHE_LIMIT = 5_000;

function parseUncached(text: string): ParseOutcome {
  const scanned = scan(text);
  if (scanned.error) return { ok: false, error: scanned.error };
  try {
    const parsed = parse(scanned.source);
    const deep = deepestNode(parsed.expr);
    if (deep !== undefined) {
      const offset = (parsed.sourceInfo?.positions as Record<string, number> | undefined)?.[String(deep)];
      return { ok: false, error: { message: `the expression nests deeper than ${MAX_RULE_DEPTH} levels (the API server's CEL parser stops at ${MAX_RULE_DEPTH})`, offset } };
    }
    return {
      ok: true,
      rule: {
        text,
        expr: parsed.expr,
        positions: (parsed.sourceInfo?.positions ?? {}) as Record<string, number>,
        macroCalls: (parsed.sourceInfo?.macroCalls ?? {}) as Record<string, CelExpr>,
        optionalSelects: scanned.optionalSelects,
        optionalIndexes: scanned.optionalIndexes,
      },
    };
  } catch (e) {
    const err = (e ?? {}) as PeggyLikeError;
    const raw =
      typeof err.rawMessage === "string" ? err.rawMessage : typeof err.message === "string" ? err.message : String(e);
    const offset = typeof err.location?.start?.offset === "number" ? err.location.start.offset : undefined;
    // The parser stops before a dangling operator and says it expected the end of input.
    const rest = offset === undefined ? "" : text.slice(offset).trim();
    if (/expecting end of input/.test(raw) && /^(\|\||&&|==|!=|<=|>=|<|>|\+|-|\*|\/|%|\?|:|\.|!|in)$/.test(rest)) {
      return { ok: false, error: { message: `nothing follows "${rest}": the expression is incomplete`, offset } };
    }
    return { ok: false, error: { message: raw, offset } };
  }
}

/**
 * The id of the first node nested deeper than {@link MAX_RULE_DEPTH}, or undefined. Walks
 * the parsed expression with a stack of its own (recursion is what a deep rule would break):
 * every object with an `exprKind` is a node, whatever field of its parent holds it.
 */
function deepestNode(root: unknown): bigint | number | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    const isNode = "exprKind" in value;
    const d = isNode ? depth + 1 : depth;
    if (isNode && d > MAX_RULE_DEPTH) return (value as { id?: bigint | number }).id ?? 0;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === "object") stack.push({ value: child, depth: d });
    }
  }
  return undefined;
}
