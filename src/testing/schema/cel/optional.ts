/**
 * CEL optional values (`optional.of`, `optional.none`, `hasValue()`, `value()`, `orValue()`,
 * `or()`), enough for `optionalOldSelf` rules. The optional syntax (`a.?b`, `[?x]`) is not
 * supported: `@bufbuild/cel` does not parse it.
 */
import { celFunc, celMethod, CelScalar, type CelFunc, type CelValue } from "@bufbuild/cel";
import { noSuchOverload, OpaqueValue } from "./opaque.js";

/** An optional CEL value. */
export class OptionalValue extends OpaqueValue {
  constructor(readonly inner: CelValue | undefined) {
    super();
  }

  protected identity(): CelValue | undefined {
    return this.inner;
  }
}

/** `optional.none()`. */
export const NONE = new OptionalValue(undefined);

function self(v: unknown, fn: string): OptionalValue {
  if (!(v instanceof OptionalValue)) throw noSuchOverload(fn);
  return v;
}

function isZero(v: CelValue): boolean {
  switch (typeof v) {
    case "bigint":
      return v === 0n;
    case "number":
      return v === 0;
    case "string":
      return v === "";
    case "boolean":
      return !v;
  }
  if (v === null) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  const sized = v as { size?: unknown };
  return typeof sized.size === "number" && sized.size === 0;
}

const { DYN, BOOL } = CelScalar;

/** The optional functions and methods. */
export const optionalFuncs: readonly CelFunc[] = [
  celFunc("optional.none", [], DYN, () => NONE.asCel()),
  celFunc("optional.of", [DYN], DYN, (x) => new OptionalValue(x).asCel()),
  celFunc("optional.ofNonZeroValue", [DYN], DYN, (x) => (isZero(x) ? NONE : new OptionalValue(x)).asCel()),
  celMethod("hasValue", DYN, [], BOOL, function () {
    return self(this, "hasValue").inner !== undefined;
  }),
  celMethod("value", DYN, [], DYN, function () {
    const o = self(this, "value");
    if (o.inner === undefined) throw new Error("optional.none() dereference");
    return o.inner;
  }),
  celMethod("orValue", DYN, [DYN], DYN, function (alt) {
    const o = self(this, "orValue");
    return o.inner === undefined ? alt : o.inner;
  }),
  celMethod("or", DYN, [DYN], DYN, function (alt) {
    const o = self(this, "or");
    if (!(alt instanceof OptionalValue)) throw noSuchOverload("or");
    return (o.inner === undefined ? alt : o).asCel();
  }),
];
