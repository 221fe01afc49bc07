/**
 * The errors of kube-openapi's schema validator and their conversion to field errors
 * (apiextensions-apiserver's `kubeOpenAPIResultToFieldErrors`).
 */
import { invalid, notSupported, required, tooLong, tooMany, typeInvalid, type SchemaCause } from "./field-error.js";
import { goFloat, goJson, goNumber, goQuote } from "./go-format.js";

/** kube-openapi's validation error codes (those a CRD schema can produce). */
export type Code =
  | "invalidType"
  | "required"
  | "tooLong"
  | "tooShort"
  | "pattern"
  | "enum"
  | "multipleOf"
  | "multipleOfPositive"
  | "max"
  | "min"
  | "unique"
  | "maxItems"
  | "minItems"
  | "tooFewProperties"
  | "tooManyProperties"
  | "unallowedProperty";

/** A validation error: a coded `*errors.Validation`, or a plain error (no field). */
export type VError =
  | {
      readonly kind: "validation";
      readonly code: Code;
      readonly name: string;
      readonly message: string;
      /** The bad value; `undefined` is Go's nil. */
      readonly value?: unknown;
      readonly values?: readonly unknown[];
      readonly valid?: number;
    }
  | { readonly kind: "plain"; readonly message: string };

const IN = "body";

/** A bound as Go prints an int64 (on the integer path of the number checks). */
export const intText = (n: number): string => BigInt(Math.trunc(n)).toString();

/** A bound as Go prints a float64. */
export const floatText = goFloat;

/** `errors.InvalidType` with a string value (the only form a CRD schema produces). */
export function invalidTypeError(name: string, typeName: string, value: string): VError {
  return {
    kind: "validation",
    code: "invalidType",
    name,
    value,
    message: `${name} in ${IN} must be of type ${typeName}: ${goQuote(value)}`,
  };
}

/** A coded validation error with the message `<name> in body <text>`. */
export function vErr(code: Code, name: string, text: string, value?: unknown, valid?: number): VError {
  return { kind: "validation", code, name, value, valid, message: `${name} in ${IN} ${text}` };
}

/** `errors.Required`. */
export const requiredError = (name: string): VError => vErr("required", name, "is required");

/** `errors.EnumFail` (the message prints the values as Go's `%v` of a slice). */
export function enumError(name: string, value: unknown, values: readonly unknown[]): VError {
  const list = values
    .map((v) => (typeof v === "string" ? v : typeof v === "number" ? goNumber(v) : goJson(v)))
    .join(" ");
  return {
    kind: "validation",
    code: "enum",
    name,
    value,
    values,
    message: `${name} in ${IN} should be one of [${list}]`,
  };
}

/** A plain error (no field, no value), as `errors.New` and `fmt.Errorf` make. */
export const plain = (message: string): VError => ({ kind: "plain", message });

/** The field error the server makes of each validator error, in order. */
export function toCauses(errors: readonly VError[], basePath: string): SchemaCause[] {
  const seen = new Set<string>();
  const out: SchemaCause[] = [];
  for (const e of errors) {
    if (seen.has(e.message)) continue;
    seen.add(e.message);
    if (e.kind === "plain") {
      out.push(invalid(basePath, "", e.message));
      continue;
    }
    const sub = e.name.startsWith(".") ? e.name.slice(1) : e.name;
    const path = e.name.length > 0 && e.name !== "." ? (basePath === "" ? sub : `${basePath}.${sub}`) : basePath;
    const value = e.value === undefined ? "" : e.value;
    switch (e.code) {
      case "required":
        out.push(required(path));
        break;
      case "enum":
        out.push(
          notSupported(
            path,
            e.value === undefined ? null : e.value,
            (e.values ?? []).map((v) => (typeof v === "string" ? v : goJson(v))),
          ),
        );
        break;
      case "tooLong":
        out.push(tooLong(path, e.valid ?? -1));
        break;
      case "maxItems":
      case "tooManyProperties":
        out.push(tooMany(path, typeof e.value === "number" ? e.value : -1, e.valid ?? -1));
        break;
      case "invalidType":
        out.push(typeInvalid(path, value, e.message));
        break;
      default:
        out.push(invalid(path, value, e.message));
    }
  }
  return out;
}
