/**
 * The CEL environment of CRD validation rules: `@bufbuild/cel`'s standard library and string
 * extensions, plus what Kubernetes adds and this module implements: the lists library
 * (`isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf`), regex `find`/`findAll`, the
 * sets extension, optionals and quantities. `matches` uses RE2 with a compiled-pattern cache.
 */
import {
  celEnv,
  celFunc,
  celMethod,
  CelScalar,
  listType,
  parse,
  plan,
  type CelEnv,
  type CelFunc,
  type CelList,
  type CelValue,
} from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { goString } from "../../../regexp/go-regexp.js";
import { compilePattern, jsRegExp } from "../pattern.js";
import { noSuchOverload } from "./opaque.js";
import { optionalFuncs } from "./optional.js";
import { quantityFuncs } from "./quantity.js";

const { DYN, INT, BOOL, STRING } = CelScalar;
const LIST = listType(DYN);

let equalsProgram: ((ctx: Record<string, unknown>) => unknown) | undefined;

/** CEL equality (heterogeneous numbers, deep lists and maps). */
function celEquals(a: CelValue, b: CelValue): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
    if ((typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number")) {
      return Number(a) === Number(b) && (typeof a !== typeof b || a === b);
    }
    return a === b;
  }
  equalsProgram ??= plan(celEnv(), parse("a == b")) as (ctx: Record<string, unknown>) => unknown;
  return equalsProgram({ a, b }) === true;
}

/** CEL ordering of two comparable values (-1, 0, 1). */
function celCompare(a: CelValue, b: CelValue, fn: string): number {
  const numeric = (v: CelValue): boolean => typeof v === "bigint" || typeof v === "number";
  if (numeric(a) && numeric(b)) {
    if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if ((typeof a === "string" && typeof b === "string") || (typeof a === "boolean" && typeof b === "boolean")) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  throw noSuchOverload(fn);
}

function items(list: CelList): CelValue[] {
  return [...list];
}

function sum(list: CelList): CelValue {
  let acc: CelValue = 0n;
  let first = true;
  for (const v of list) {
    if (first) {
      if (typeof v !== "bigint" && typeof v !== "number") throw noSuchOverload("sum");
      acc = v;
      first = false;
      continue;
    }
    if (typeof acc === "bigint" && typeof v === "bigint") acc = acc + v;
    else if (typeof acc === "number" && typeof v === "number") acc = acc + v;
    else throw noSuchOverload("sum");
  }
  return acc;
}

function extreme(list: CelList, fn: "min" | "max"): CelValue {
  let best: CelValue | undefined;
  for (const v of list) {
    if (best === undefined) best = v;
    else {
      const c = celCompare(best, v, fn);
      if ((fn === "min" && c > 0) || (fn === "max" && c < 0)) best = v;
    }
  }
  if (best === undefined) throw new Error(`${fn} called on empty list`);
  return best;
}

function regex(pattern: string, fn: string): RegExp {
  const c = compilePattern(pattern);
  if (!c.ok) throw new Error(c.error);
  const re = jsRegExp(pattern, "g");
  if (re === undefined)
    throw new Error(`${fn}: this regular expression is not supported by the test server: ${pattern}`);
  re.lastIndex = 0;
  return re;
}

/**
 * Go's `FindAllString(s, limit)` (all when `limit` < 0): leftmost-first matches, and an empty
 * match right after the previous match is skipped (JavaScript's matchAll would keep it).
 */
function findAll(text: string, pattern: string, limit: number): string[] {
  const re = regex(pattern, "findAll");
  const s = goString(text);
  const out: string[] = [];
  let prevEnd = -1;
  for (let pos = 0; pos <= s.length && (limit < 0 || out.length < limit); ) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    const accept = !(end === start && start === prevEnd);
    if (end === start) {
      // an empty match: the next search starts one character (code point) further on
      const cp = s.codePointAt(start);
      pos = start + (cp !== undefined && cp > 0xffff ? 2 : 1);
    } else pos = end;
    prevEnd = end;
    if (accept) out.push(m[0]);
  }
  return out;
}

const listFuncs: readonly CelFunc[] = [
  celMethod("isSorted", LIST, [], BOOL, function () {
    const xs = items(this);
    for (let i = 1; i < xs.length; i++) if (celCompare(xs[i - 1]!, xs[i]!, "isSorted") > 0) return false;
    return true;
  }),
  celMethod("sum", LIST, [], DYN, function () {
    return sum(this);
  }),
  celMethod("min", LIST, [], DYN, function () {
    return extreme(this, "min");
  }),
  celMethod("max", LIST, [], DYN, function () {
    return extreme(this, "max");
  }),
  celMethod("indexOf", LIST, [DYN], INT, function (x) {
    const xs = items(this);
    for (let i = 0; i < xs.length; i++) if (celEquals(xs[i]!, x)) return BigInt(i);
    return -1n;
  }),
  celMethod("lastIndexOf", LIST, [DYN], INT, function (x) {
    const xs = items(this);
    for (let i = xs.length - 1; i >= 0; i--) if (celEquals(xs[i]!, x)) return BigInt(i);
    return -1n;
  }),
];

const regexFuncs: readonly CelFunc[] = [
  celMethod("find", STRING, [STRING], STRING, function (p) {
    return findAll(this, p, 1)[0] ?? "";
  }),
  celMethod("findAll", STRING, [STRING], LIST, function (p) {
    return findAll(this, p, -1);
  }),
  celMethod("findAll", STRING, [STRING, INT], LIST, function (p, n) {
    return findAll(this, p, Number(n));
  }),
];

const setFuncs: readonly CelFunc[] = [
  celFunc("sets.contains", [LIST, LIST], BOOL, (a, b) => items(b).every((x) => items(a).some((y) => celEquals(x, y)))),
  celFunc("sets.equivalent", [LIST, LIST], BOOL, (a, b) => {
    const xs = items(a);
    const ys = items(b);
    return xs.every((x) => ys.some((y) => celEquals(x, y))) && ys.every((y) => xs.some((x) => celEquals(x, y)));
  }),
  celFunc("sets.intersects", [LIST, LIST], BOOL, (a, b) => items(a).some((x) => items(b).some((y) => celEquals(x, y)))),
];

let env: CelEnv | undefined;

/** The shared CEL environment (built once). */
export function ruleEnv(): CelEnv {
  env ??= celEnv({
    funcs: [...strings, ...listFuncs, ...regexFuncs, ...setFuncs, ...optionalFuncs, ...quantityFuncs],
    re2: {
      compile(pattern: string) {
        const c = compilePattern(pattern);
        if (!c.ok) throw new Error(c.error);
        return c.matcher;
      },
    },
  });
  return env;
}
