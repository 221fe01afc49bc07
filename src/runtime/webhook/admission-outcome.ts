import type { Logger } from "pino";
import { ApiError } from "../errors.js";
import type { AdmissionOutcome, AdmissionRequest } from "./types.js";
import type { JsonPatchOperation } from "./json-patch.js";
import { ValidationError } from "./validation-error.js";

const withWarnings = (outcome: AdmissionOutcome, warnings: readonly string[] | undefined): AdmissionOutcome =>
  warnings && warnings.length > 0 ? { ...outcome, warnings: [...warnings] } : outcome;

/** Admits the request, with optional warnings for the client. */
export function allowed(warnings?: readonly string[]): AdmissionOutcome {
  return withWarnings({ allowed: true, result: { code: 200 } }, warnings);
}

/** Denies the request with 403 Forbidden and `message`, as controller-runtime's `Denied`. */
export function denied(message: string, warnings?: readonly string[]): AdmissionOutcome {
  return withWarnings({ allowed: false, result: { status: "Failure", code: 403, reason: "Forbidden", message } }, warnings);
}

/** Refuses the request because the webhook failed: `code` (400, 500) and `message`. */
export function errored(code: number, message: string): AdmissionOutcome {
  return { allowed: false, result: { status: "Failure", code, message } };
}

/** Admits the request with an RFC 6902 patch (no patch when `operations` is empty). */
export function patched(operations: readonly JsonPatchOperation[], warnings?: readonly string[]): AdmissionOutcome {
  if (operations.length === 0) return allowed(warnings);
  const patch = Buffer.from(JSON.stringify(operations), "utf8").toString("base64");
  return withWarnings({ allowed: true, result: { code: 200 }, patch, patchType: "JSONPatch" }, warnings);
}

/** `Kind.group` (or `Kind` for the core group), as the API server names a kind in messages. */
const qualifiedKind = (req: AdmissionRequest): string => (req.kind.group ? `${req.kind.kind}.${req.kind.group}` : req.kind.kind);

const objectName = (req: AdmissionRequest): string => req.name ?? req.object?.metadata?.name ?? req.oldObject?.metadata?.name ?? "";

/**
 * Turns what a handler threw into an answer: a {@link ValidationError} is a 403 denial (422
 * Invalid with field causes), an {@link ApiError} keeps its status, anything else is logged
 * and answered with code 500 so the API server applies the webhook's failure policy.
 */
export function outcomeFromError(err: unknown, req: AdmissionRequest, log: Logger, warnings?: readonly string[]): AdmissionOutcome {
  if (err instanceof ValidationError) {
    if (err.causes.length === 0) return denied(err.message, warnings);
    const name = objectName(req);
    return withWarnings(
      {
        allowed: false,
        result: {
          status: "Failure",
          code: 422,
          reason: "Invalid",
          message: `${qualifiedKind(req)} "${name}" is invalid: ${err.message}`,
          details: {
            name,
            group: req.kind.group,
            kind: req.kind.kind,
            causes: err.causes.map((c) => ({ reason: c.reason ?? "FieldValueInvalid", message: c.message, field: c.field })),
          },
        },
      },
      warnings,
    );
  }
  if (err instanceof ApiError) {
    return withWarnings({ allowed: false, result: { status: "Failure", ...err.body, code: err.body.code ?? err.statusCode } }, warnings);
  }
  log.error({ err }, "admission handler failed");
  const message = err instanceof Error ? err.message : String(err);
  return errored(500, `internal error in admission webhook: ${message}`);
}
