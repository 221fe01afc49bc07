// Field errors for validation, as Go's k8s.io/apimachinery/pkg/util/validation/field: paths,
// one constructor per error type with the API server's message layout, and the 422 Invalid
// Status they aggregate into.
import type { StatusBody } from "../errors.js";
import { joinCauses, type FieldCause, type FieldCauseReason } from "./validation-error.js";

/**
 * A path to a field, as Go's `field.Path`: `spec.containers[0].env[PATH]`. Immutable: each
 * step returns a new path.
 * @example
 * ```ts
 * const spec = fieldPath("spec");
 * spec.child("replicas").toString(); // "spec.replicas"
 * spec.child("containers").index(0).child("image").toString(); // "spec.containers[0].image"
 * fieldPath("metadata", "labels").key("app").toString(); // "metadata.labels[app]"
 * ```
 */
export class FieldPath {
  readonly #text: string;

  private constructor(text: string) {
    this.#text = text;
  }

  /** A root path, with optional further names: `FieldPath.root("spec", "template")` is `spec.template`. */
  static root(name: string, ...more: readonly string[]): FieldPath {
    return [...more].reduce((p, n) => p.child(n), new FieldPath(name));
  }

  /** `path.name` (and `.more...`). */
  child(name: string, ...more: readonly string[]): FieldPath {
    const next = new FieldPath(this.#text === "" ? name : `${this.#text}.${name}`);
    return more.length === 0 ? next : next.child(more[0]!, ...more.slice(1));
  }

  /** `path[i]`: an element of a list. */
  index(i: number): FieldPath {
    if (!Number.isInteger(i) || i < 0) throw new TypeError(`FieldPath.index: expected a whole number >= 0, got ${i}`);
    return new FieldPath(`${this.#text}[${i}]`);
  }

  /** `path[key]`: an entry of a map (the key is not quoted, as Go prints it). */
  key(key: string): FieldPath {
    return new FieldPath(`${this.#text}[${key}]`);
  }

  toString(): string {
    return this.#text;
  }
}

/** A root {@link FieldPath}: `fieldPath("spec").child("replicas")`, or `fieldPath("spec", "replicas")`. */
export function fieldPath(name: string, ...more: readonly string[]): FieldPath {
  return FieldPath.root(name, ...more);
}

/**
 * One field error: a {@link FieldCause} (what goes into `details.causes`) that also keeps the
 * bad value and the detail. `message` is Go's `ErrorBody()`: `Invalid value: 3: must be even`.
 */
export interface FieldError extends FieldCause {
  readonly reason: FieldCauseReason;
  readonly badValue?: unknown;
  readonly detail: string;
}

const TYPE_TEXT: Readonly<Record<FieldCauseReason, string>> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  FieldValueTypeInvalid: "Invalid value",
  InternalError: "Internal error",
};

/** The types whose message shows no value (Go prints the type alone). */
const NO_VALUE = new Set<FieldError["reason"]>(["FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError"]);

/** A value as the message shows it: strings quoted, numbers and booleans bare, null as `null`, objects as JSON. */
export function renderFieldValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      return JSON.stringify(value) ?? String(value);
  }
}

const pathText = (path: FieldPath | string): string => (typeof path === "string" ? path : path.toString());

function make(reason: FieldError["reason"], path: FieldPath | string, badValue: unknown, detail: string, showValue = !NO_VALUE.has(reason)): FieldError {
  let message = TYPE_TEXT[reason];
  if (showValue) message += `: ${renderFieldValue(badValue)}`;
  if (detail !== "") message += `: ${detail}`;
  return { field: pathText(path), reason, message, detail, ...(showValue ? { badValue } : {}) };
}

const quoteValid = (v: string | number | boolean): string => (typeof v === "string" ? JSON.stringify(v) : String(v));

/**
 * Constructors of {@link FieldError}s, one per type of Go's `field` package. A path is a
 * {@link FieldPath} or its text.
 * @example
 * ```ts
 * const spec = fieldPath("spec");
 * const errs: FieldError[] = [];
 * if (job.spec.replicas < 0) errs.push(field.invalid(spec.child("replicas"), job.spec.replicas, "must be >= 0"));
 * if (!job.spec.schedule) errs.push(field.required(spec.child("schedule")));
 * if (!["Allow", "Forbid"].includes(job.spec.policy)) errs.push(field.notSupported(spec.child("policy"), job.spec.policy, ["Allow", "Forbid"]));
 * if (errs.length > 0) throw ValidationError.fields(errs); // a 422 Invalid denial listing them
 * ```
 */
export const field = {
  /** `Invalid value: <value>: <detail>`. */
  invalid: (path: FieldPath | string, value: unknown, detail: string): FieldError => make("FieldValueInvalid", path, value, detail),
  /** `Required value[: <detail>]`. */
  required: (path: FieldPath | string, detail = ""): FieldError => make("FieldValueRequired", path, undefined, detail),
  /** `Forbidden: <detail>`. */
  forbidden: (path: FieldPath | string, detail: string): FieldError => make("FieldValueForbidden", path, undefined, detail),
  /** `Unsupported value: <value>: supported values: "a", "b"`. */
  notSupported: (path: FieldPath | string, value: unknown, validValues: readonly (string | number | boolean)[]): FieldError =>
    make("FieldValueNotSupported", path, value, validValues.length > 0 ? `supported values: ${validValues.map(quoteValid).join(", ")}` : ""),
  /** `Duplicate value: <value>`. */
  duplicate: (path: FieldPath | string, value: unknown): FieldError => make("FieldValueDuplicate", path, value, ""),
  /** `Not found: <value>`. */
  notFound: (path: FieldPath | string, value: unknown): FieldError => make("FieldValueNotFound", path, value, ""),
  /** `Too long: may not be more than <max> bytes` (`value is too long` when `maxLength` is negative). */
  tooLong: (path: FieldPath | string, value: unknown, maxLength: number): FieldError => {
    const error = make("FieldValueTooLong", path, undefined, maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? "byte" : "bytes"}` : "value is too long");
    return { ...error, badValue: value };
  },
  /** `Too many: <actual>: must have at most <max> items` (no count when `actual` is negative). */
  tooMany: (path: FieldPath | string, actual: number, max: number): FieldError =>
    make("FieldValueTooMany", path, actual, max >= 0 ? `must have at most ${max} ${max === 1 ? "item" : "items"}` : "has too many items", actual >= 0),
  /** `Invalid value: <value>: <detail>` with the type `FieldValueTypeInvalid` (a value of the wrong type). */
  typeInvalid: (path: FieldPath | string, value: unknown, detail: string): FieldError => make("FieldValueTypeInvalid", path, value, detail),
  /** `Internal error: <detail>`: validation itself failed. */
  internalError: (path: FieldPath | string, error: unknown): FieldError =>
    make("InternalError", path, undefined, error instanceof Error ? error.message : String(error)),
} as const;

/** `path: message`, as Go's `field.Error.Error()`. */
export const fieldErrorText = (error: FieldCause): string => `${error.field}: ${error.message}`;

/**
 * The 422 Invalid Status of an object with field errors, as Go's `apierrors.NewInvalid`: the
 * message `<Kind>.<group> "<name>" is invalid: <errors>` and one cause per error. The
 * webhook server answers a validator's `ValidationError.fields(errors)` with this Status (the
 * request's kind and name filled in); use this one to build an error elsewhere.
 */
export function invalidStatus(kind: { readonly group: string; readonly kind: string }, name: string, errors: readonly FieldCause[]): StatusBody {
  const qualified = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  return {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    message: errors.length === 0 ? `${qualified} "${name}" is invalid` : `${qualified} "${name}" is invalid: ${joinCauses(errors)}`,
    reason: "Invalid",
    details: {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: errors.map((e) => ({ reason: e.reason ?? "FieldValueInvalid", message: e.message, field: e.field })),
    },
    code: 422,
  };
}
