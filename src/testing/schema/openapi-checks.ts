/**
 * kube-openapi's value validators for scalars: numbers (range of the type and format,
 * multipleOf, minimum, maximum), strings (lengths in characters, pattern), formats and enum.
 */
import type { CompiledNode } from "./compile.js";
import { fitsNumericType } from "./compile.js";
import { deepEqual, isInt64 } from "./json.js";
import { enumError, floatText, intText, invalidTypeError, plain, vErr, type VError } from "./openapi-errors.js";

/** swag's `IsFloat64AJSONInteger`. */
export function isFloatAJsonInteger(f: number): boolean {
  if (!Number.isFinite(f) || f < -(2 ** 53) || f > 2 ** 53) return false;
  if (Number.isInteger(f)) return true;
  const g = Math.trunc(f);
  const diff = Math.abs(f - g);
  if (g === 0) return false;
  return diff / Math.min(Math.abs(f) + Math.abs(g), Number.MAX_VALUE) < 1e-9;
}

function rangeError(prefix: string, node: CompiledNode, path: string): VError {
  const f = node.numFormat !== "" ? ` with format ${node.numFormat}` : " (default format)";
  return plain(`${prefix} value must be of type ${node.numType}${f} in ${path}`);
}

/** The number validator; `native` when the value is an int64 (else a float64). */
export function checkNumber(node: CompiledNode, path: string, data: number, native: boolean, out: VError[]): number {
  if (!fitsNumericType(data, node.numType, node.numFormat)) out.push(rangeError("Checked", node, path));
  const m = node.multipleOf;
  if (m !== undefined) {
    if (!m.fitsType) out.push(rangeError("MultipleOf", node, path));
    if (m.fitsType && native) {
      const factor = BigInt(Math.trunc(m.value));
      if (factor <= 0n) out.push(vErrPositive(path, intText(m.value), m.value));
      else if (BigInt(data) % factor !== 0n)
        out.push(vErr("multipleOf", path, `should be a multiple of ${factor}`, data));
    } else if (m.value <= 0) {
      out.push(vErrPositive(path, floatText(m.value), m.value));
    } else {
      const mult = m.value < 1 ? (1 / m.value) * data : data / m.value;
      if (!isFloatAJsonInteger(mult))
        out.push(vErr("multipleOf", path, `should be a multiple of ${floatText(m.value)}`, data));
    }
  }
  const min = node.minimum;
  if (min !== undefined) {
    if (!min.fitsType) out.push(rangeError("Minimum boundary", node, path));
    const excl = node.schema.exclusiveMinimum === true;
    const useInt = min.fitsType && native;
    const bound = useInt ? Math.trunc(min.value) : min.value;
    if (excl ? data <= bound : data < bound) {
      const text = useInt ? intText(bound) : floatText(bound);
      out.push(vErr("min", path, `should be greater than ${excl ? "" : "or equal to "}${text}`, data));
    }
  }
  const max = node.maximum;
  if (max !== undefined) {
    if (!max.fitsType) out.push(rangeError("Maximum boundary", node, path));
    const excl = node.schema.exclusiveMaximum === true;
    const useInt = max.fitsType && native;
    const bound = useInt ? Math.trunc(max.value) : max.value;
    if (excl ? data >= bound : data > bound) {
      const text = useInt ? intText(bound) : floatText(bound);
      out.push(vErr("max", path, `should be less than ${excl ? "" : "or equal to "}${text}`, data));
    }
  }
  return 1;
}

function vErrPositive(path: string, text: string, factor: number): VError {
  return {
    kind: "validation",
    code: "multipleOfPositive",
    name: path,
    value: factor,
    message: `factor MultipleOf declared for ${path} must be positive: ${text}`,
  };
}

/** The string validator: the first of maxLength, minLength, pattern that fails. */
export function checkString(node: CompiledNode, path: string, s: string, out: VError[]): number {
  const { maxLength, minLength } = node.schema;
  if (maxLength !== undefined || minLength !== undefined) {
    let runes = 0;
    for (const _ of s) runes++;
    if (maxLength !== undefined && runes > maxLength) {
      out.push(vErr("tooLong", path, `should be at most ${maxLength} chars long`, s, maxLength));
      return 0;
    }
    if (minLength !== undefined && runes < minLength) {
      out.push(vErr("tooShort", path, `should be at least ${minLength} chars long`, s, minLength));
      return 0;
    }
  }
  const p = node.pattern;
  if (p !== undefined) {
    const source = node.schema.pattern!;
    if (!p.ok) out.push(vErr("pattern", path, `should match '${source}, but pattern is invalid: ${p.error}'`, s));
    else if (!p.matcher.test(s)) out.push(vErr("pattern", path, `should match '${source}'`, s));
  }
  return 0;
}

/** The format validator. */
export function checkFormat(node: CompiledNode, path: string, s: string, out: VError[]): number {
  if (!node.formatCheck!(s)) out.push(invalidTypeError(path, node.format, s));
  return 0;
}

/** Go's enum comparison: deep equality, or equality after converting the value to the enum's type. */
function enumMatches(data: unknown, e: unknown): boolean {
  if (deepEqual(data, e)) return true;
  if (typeof data === "number") {
    if (typeof e === "number") return isInt64(e) && Math.trunc(data) === e;
    if (typeof e === "string" && isInt64(data)) {
      const cp = data >= 0 && data <= 0x10ffff && !(data >= 0xd800 && data <= 0xdfff) ? data : 0xfffd;
      return String.fromCodePoint(cp) === e;
    }
  }
  return false;
}

/** The enum validator (null never matches). */
export function checkEnum(node: CompiledNode, path: string, data: unknown, out: VError[]): number {
  const values = node.enumValues;
  if (values === undefined) return 0;
  if (data !== null && data !== undefined && values.some((e) => e !== null && enumMatches(data, e))) return 0;
  out.push(enumError(path, data === null ? undefined : data, values));
  return 0;
}
