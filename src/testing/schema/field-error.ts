/**
 * Field errors as the API server reports them in a 422 Status (`details.causes`): the cause
 * type, the message (Go's `field.Error.ErrorBody()`) and the field path.
 */
import { goJson, goNumber, goQuote } from "./go-format.js";

/** One cause of a rejected custom resource, as in `Status.details.causes`. */
export interface SchemaCause {
  /** The cause type (`FieldValueRequired`, `FieldValueInvalid`, ...). */
  readonly reason: string;
  /** The message without the field, e.g. `Required value`. */
  readonly message: string;
  /** The field path, e.g. `spec.items[0].name`; `<nil>` for an error about no field. */
  readonly field: string;
}

/** The cause types the CRD admission produces. */
export type CauseType =
  | "FieldValueRequired"
  | "FieldValueInvalid"
  | "FieldValueTypeInvalid"
  | "FieldValueNotSupported"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueDuplicate"
  | "FieldValueForbidden"
  | "InternalError";

/** A bad value left out of the message (Go's `field.OmitValueType`). */
export const OMIT: unique symbol = Symbol("omit");

function typeText(t: CauseType): string {
  switch (t) {
    case "FieldValueRequired":
      return "Required value";
    case "FieldValueInvalid":
    case "FieldValueTypeInvalid":
      return "Invalid value";
    case "FieldValueNotSupported":
      return "Unsupported value";
    case "FieldValueTooLong":
      return "Too long";
    case "FieldValueTooMany":
      return "Too many";
    case "FieldValueDuplicate":
      return "Duplicate value";
    case "FieldValueForbidden":
      return "Forbidden";
    case "InternalError":
      return "Internal error";
  }
}

/** `%v`-style rendering of a bad value, as `ErrorBody` prints it. */
export function renderBadValue(v: unknown): string {
  switch (typeof v) {
    case "number":
      return goNumber(v);
    case "boolean":
      return v ? "true" : "false";
    case "string":
      return goQuote(v);
  }
  return goJson(v);
}

/** A cause with Go's message layout: `<Type text>[: <value>][: <detail>]`. */
export function cause(type: CauseType, path: string, badValue: unknown, detail: string): SchemaCause {
  let s = typeText(type);
  const withValue =
    type === "FieldValueInvalid" ||
    type === "FieldValueTypeInvalid" ||
    type === "FieldValueNotSupported" ||
    type === "FieldValueDuplicate" ||
    type === "FieldValueTooMany";
  if (withValue && badValue !== OMIT) s += ": " + renderBadValue(badValue);
  if (detail.length > 0) s += ": " + detail;
  return { reason: type, message: s, field: path === "" ? "<nil>" : path };
}

/** `field.Invalid`. */
export const invalid = (path: string, value: unknown, detail: string): SchemaCause =>
  cause("FieldValueInvalid", path, value, detail);

/** `field.Required`. */
export const required = (path: string, detail = ""): SchemaCause => cause("FieldValueRequired", path, "", detail);

/** `field.Forbidden`. */
export const forbidden = (path: string, detail: string): SchemaCause => cause("FieldValueForbidden", path, "", detail);

/** `field.Duplicate`. */
export const duplicate = (path: string, value: unknown): SchemaCause => cause("FieldValueDuplicate", path, value, "");

/** `field.TypeInvalid`. */
export const typeInvalid = (path: string, value: unknown, detail: string): SchemaCause =>
  cause("FieldValueTypeInvalid", path, value, detail);

/** `field.NotSupported` with the allowed values listed. */
export function notSupported(path: string, value: unknown, valid: readonly string[]): SchemaCause {
  const detail = valid.length > 0 ? "supported values: " + valid.map(goQuote).join(", ") : "";
  return cause("FieldValueNotSupported", path, value, detail);
}

/** `field.TooLong` (the detail says bytes, as the server's does, though it counts characters). */
export function tooLong(path: string, max: number): SchemaCause {
  const detail = max >= 0 ? `may not be more than ${max} ${max === 1 ? "byte" : "bytes"}` : "value is too long";
  return cause("FieldValueTooLong", path, "", detail);
}

/** `field.TooMany`. */
export function tooMany(path: string, actual: number, max: number): SchemaCause {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? "item" : "items"}` : "has too many items";
  return cause("FieldValueTooMany", path, actual >= 0 ? actual : OMIT, detail);
}

/** `field.InternalError`. */
export const internalError = (path: string, detail: string): SchemaCause => cause("InternalError", path, OMIT, detail);

/** Child path `a.b` (Go's `Path.Child`). */
export function childPath(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}

/** Subscript path `a[k]` (Go's `Path.Index` / `Path.Key`). */
export function keyPath(parent: string, key: string | number): string {
  return `${parent}[${key}]`;
}

/** Causes that make the server skip CEL rules (`hasBlockingErr`). */
export function isBlocking(c: SchemaCause): boolean {
  return (
    c.reason === "FieldValueNotSupported" ||
    c.reason === "FieldValueRequired" ||
    c.reason === "FieldValueTooLong" ||
    c.reason === "FieldValueTooMany" ||
    c.reason === "FieldValueTypeInvalid"
  );
}

/**
 * The `message` of the 422 Status the server returns for these causes:
 * `<Kind>.<group> "<name>" is invalid: <field>: <body>` (several in brackets, repeats once).
 */
export function invalidMessage(qualifiedKind: string, name: string, causes: readonly SchemaCause[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const c of causes) {
    const text = `${c.field}: ${c.message}`;
    if (seen.has(text)) continue;
    seen.add(text);
    parts.push(text);
  }
  const head = `${qualifiedKind} ${goQuote(name)} is invalid`;
  if (parts.length === 0) return head;
  return parts.length === 1 ? `${head}: ${parts[0]}` : `${head}: [${parts.join(", ")}]`;
}
