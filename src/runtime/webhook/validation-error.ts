/** The reasons of a field error, as the API server's `details.causes[].reason` spells them. */
export type FieldCauseReason =
  | "FieldValueInvalid"
  | "FieldValueRequired"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueDuplicate"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueNotFound"
  | "FieldValueTypeInvalid"
  | "InternalError";

/** One invalid field: its path (`spec.schedule`, `spec.containers[0].image`) and what is wrong. */
export interface FieldCause {
  readonly field: string;
  readonly message: string;
  /** Defaults to "FieldValueInvalid". */
  readonly reason?: FieldCauseReason;
}

/**
 * Thrown by a validator (or defaulter) to deny a request. Without causes the denial is a 403
 * Forbidden carrying `message`; with field causes it is a 422 Invalid whose message and
 * `details.causes` are shaped as the API server shapes its own validation errors, which is
 * what controller-runtime answers for `apierrors.NewInvalid`.
 * @example
 * ```ts
 * validateCreate(job) {
 *   if (!job.spec?.schedule) throw ValidationError.fields([{ field: "spec.schedule", message: "Required value", reason: "FieldValueRequired" }]);
 *   if (job.metadata?.name === "forbidden") throw new ValidationError("this name is reserved");
 * }
 * ```
 */
export class ValidationError extends Error {
  /** The invalid fields; empty for a plain denial. */
  readonly causes: readonly FieldCause[];

  constructor(message: string, causes: readonly FieldCause[] = []) {
    super(message);
    this.name = "ValidationError";
    this.causes = causes;
  }

  /** A 422 Invalid denial listing `causes`; its message joins them as the API server does. */
  static fields(causes: readonly FieldCause[]): ValidationError {
    if (causes.length === 0) throw new TypeError("ValidationError.fields: expected at least one field cause");
    return new ValidationError(joinCauses(causes), causes);
  }
}

/** `field: message` for one cause, `[a: x, b: y]` for several, each text once (as Go's aggregate error prints). */
export function joinCauses(causes: readonly FieldCause[]): string {
  const parts = [...new Set(causes.map((c) => `${c.field}: ${c.message}`))];
  return parts.length === 1 ? (parts[0] ?? "") : `[${parts.join(", ")}]`;
}
