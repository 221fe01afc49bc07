import { BOOL, DYN, INT, isOpen, listOf, optionalOf, scalar, type CelType } from "./cel-types.js";
import { CelCode, withArticle, type Finding } from "./findings.js";
import type { CelExpr } from "./parse-rule.js";

/** What the checker offers macro handling: typing, scoped variables, iteration and reports. */
export interface MacroHost {
  check(e: CelExpr | undefined): CelType;
  within<T>(vars: Record<string, CelType>, body: () => T): T;
  /** The variables a comprehension over `range` binds, reporting cost and misuse at `e`. */
  iterate(range: CelType, what: string, e: CelExpr, twoVar: boolean): [CelType, CelType];
  report(f: Omit<Finding, "offset">, at: CelExpr): void;
}

const TWO_VAR_PREDICATES = new Set(["all", "exists", "existsOne", "exists_one"]);
const TWO_VAR_TRANSFORMS = new Set(["transformList", "transformMap", "transformMapEntry"]);

/**
 * Types the macros `@bufbuild/cel` leaves as plain calls: two-variable comprehensions
 * (`all(i, v, p)`, `transformList`, `transformMap`, `transformMapEntry`), `sortBy` and the
 * optional `optMap` / `optFlatMap`. Returns undefined when the call is none of these.
 * `binders` holds, for each argument, its name when it is a bare identifier.
 */
export function checkUnexpandedMacro(
  host: MacroHost,
  fn: string,
  target: CelExpr,
  args: readonly CelExpr[],
  binders: readonly (string | undefined)[],
  e: CelExpr,
): CelType | undefined {
  const [a, b] = binders;
  const n = args.length;
  if (a !== undefined && b !== undefined) {
    if (n === 3 && TWO_VAR_PREDICATES.has(fn)) {
      const [first, second] = host.iterate(host.check(target), fn, e, true);
      host.within({ [a]: first, [b]: second }, () => host.check(args[2]));
      return BOOL;
    }
    if ((n === 3 || n === 4) && TWO_VAR_TRANSFORMS.has(fn)) {
      const range = host.check(target);
      const [first, second] = host.iterate(range, fn, e, true);
      const out = host.within({ [a]: first, [b]: second }, () => {
        if (n === 4) host.check(args[2]);
        return computed(host.check(args[n - 1]));
      });
      if (fn === "transformList") return listOf(out);
      if (fn === "transformMap") return { kind: "map", key: range.kind === "map" ? range.key : INT, value: out };
      return { kind: "map", key: DYN, value: DYN };
    }
  }
  if (a === undefined || n !== 2) return undefined;
  if (fn === "sortBy") {
    const range = host.check(target);
    const [elem] = host.iterate(range, fn, e, false);
    host.within({ [a]: elem }, () => host.check(args[1]));
    return range.kind === "list" ? listOf(range.elem) : listOf(DYN);
  }
  if (fn === "optMap" || fn === "optFlatMap") {
    const on = host.check(target);
    if (!isOpen(on) && on.kind !== "optional") {
      host.report(
        {
          severity: "error",
          code: CelCode.noOverload,
          message: `${fn}() needs an optional value, not ${withArticle(on)}`,
        },
        e,
      );
    }
    const out = host.within({ [a]: on.kind === "optional" ? on.inner : DYN }, () => host.check(args[1]));
    return fn === "optMap" ? optionalOf(computed(out)) : out;
  }
  return undefined;
}

/** The same type without schema or path (a computed value). */
export function computed(t: CelType): CelType {
  return t.kind === "scalar" ? scalar(t.name) : t;
}
