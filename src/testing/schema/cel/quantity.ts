/**
 * Kubernetes' CEL quantity library: `quantity("1.5Gi")`, `isQuantity(s)` and the methods
 * `sign`, `isInteger`, `asInteger`, `asApproximateFloat`, `add`, `sub`, `isLessThan`,
 * `isGreaterThan`, `compareTo`. Values are exact (an integer times a power of ten).
 */
import { celFunc, celMethod, CelScalar, type CelFunc, type CelValue } from "@bufbuild/cel";
import { noSuchOverload, OpaqueValue } from "./opaque.js";

const FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX_ERROR = "unable to parse quantity's suffix";

const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Readonly<Record<string, bigint>> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };

/** A quantity: `num × 10^exp`, normalized so `num` has no trailing zero. */
export class Quantity extends OpaqueValue {
  readonly num: bigint;
  readonly exp: number;

  constructor(num: bigint, exp: number) {
    super();
    let n = num;
    let e = exp;
    if (n === 0n) e = 0;
    else
      while (n % 10n === 0n) {
        n /= 10n;
        e++;
      }
    this.num = n;
    this.exp = e;
  }

  protected identity(): CelValue {
    return `${this.num}e${this.exp}`;
  }

  compare(o: Quantity): number {
    const e = Math.min(this.exp, o.exp);
    const a = this.num * 10n ** BigInt(this.exp - e);
    const b = o.num * 10n ** BigInt(o.exp - e);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  plus(o: Quantity, sign: 1n | -1n): Quantity {
    const e = Math.min(this.exp, o.exp);
    return new Quantity(this.num * 10n ** BigInt(this.exp - e) + sign * o.num * 10n ** BigInt(o.exp - e), e);
  }

  /** The value as an int64, or undefined when it is not an integer or does not fit. */
  toInt64(): bigint | undefined {
    let v: bigint;
    if (this.exp >= 0) v = this.num * 10n ** BigInt(this.exp);
    else {
      const d = 10n ** BigInt(-this.exp);
      if (this.num % d !== 0n) return undefined;
      v = this.num / d;
    }
    return v >= -(1n << 63n) && v < 1n << 63n ? v : undefined;
  }
}

/** Parses a Kubernetes quantity, or throws with the API server's message. */
export function parseQuantity(s: string): Quantity {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/s.exec(s);
  if (m === null || s.length === 0) throw new Error(FORMAT_ERROR);
  const [, sign, whole = "", frac = "", suffix = ""] = m;
  if (whole === "" && frac === "") throw new Error(FORMAT_ERROR);
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) throw new Error(FORMAT_ERROR);
  let num = BigInt(whole + frac || "0");
  if (sign === "-") num = -num;
  let exp = -frac.length;
  if (suffix in BINARY) num *= 1024n ** BINARY[suffix]!;
  else if (suffix in DECIMAL) exp += DECIMAL[suffix]!;
  else {
    const e = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (e === null) throw new Error(SUFFIX_ERROR);
    exp += Number(e[1]);
  }
  return new Quantity(num, exp);
}

function q(v: unknown, fn: string): Quantity {
  if (!(v instanceof Quantity)) throw noSuchOverload(fn);
  return v;
}

function operand(v: unknown, fn: string): Quantity {
  if (typeof v === "bigint") return new Quantity(v, 0);
  return q(v, fn);
}

const { DYN, BOOL, INT, DOUBLE, STRING } = CelScalar;

/** The quantity functions and methods. */
export const quantityFuncs: readonly CelFunc[] = [
  celFunc("quantity", [STRING], DYN, (s) => parseQuantity(s).asCel()),
  celFunc("isQuantity", [STRING], BOOL, (s) => {
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  }),
  celMethod("sign", DYN, [], INT, function () {
    const n = q(this, "sign").num;
    return n > 0n ? 1n : n < 0n ? -1n : 0n;
  }),
  celMethod("isInteger", DYN, [], BOOL, function () {
    return q(this, "isInteger").toInt64() !== undefined;
  }),
  celMethod("asInteger", DYN, [], INT, function () {
    const v = q(this, "asInteger").toInt64();
    if (v === undefined) throw new Error("cannot convert value to integer");
    return v;
  }),
  celMethod("asApproximateFloat", DYN, [], DOUBLE, function () {
    const x = q(this, "asApproximateFloat");
    return Number(x.num) * 10 ** x.exp;
  }),
  celMethod("add", DYN, [DYN], DYN, function (o) {
    return q(this, "add").plus(operand(o, "add"), 1n).asCel();
  }),
  celMethod("sub", DYN, [DYN], DYN, function (o) {
    return q(this, "sub").plus(operand(o, "sub"), -1n).asCel();
  }),
  celMethod("isLessThan", DYN, [DYN], BOOL, function (o) {
    return q(this, "isLessThan").compare(q(o, "isLessThan")) < 0;
  }),
  celMethod("isGreaterThan", DYN, [DYN], BOOL, function (o) {
    return q(this, "isGreaterThan").compare(q(o, "isGreaterThan")) > 0;
  }),
  celMethod("compareTo", DYN, [DYN], INT, function (o) {
    return BigInt(q(this, "compareTo").compare(q(o, "compareTo")));
  }),
];
