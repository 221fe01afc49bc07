import type { KubernetesObject, Resource } from "../resource.js";
import { errored } from "./admission-outcome.js";
import type { AdmissionOutcome, AdmissionRequest } from "./types.js";

const qualified = (kind: string, group: string): string => (group ? `${kind}.${group}` : kind);

/**
 * Checks that a request is about `resource`'s group and kind (any version: with matchPolicy
 * Equivalent the API server may send another version than the one a handler was written for
 * only if the webhook registered it). Returns the 400 answer to send when it is not.
 */
export function kindMismatch(resource: Resource, req: AdmissionRequest): AdmissionOutcome | undefined {
  if (req.kind.group === resource.group && req.kind.kind === resource.kind) return undefined;
  return errored(
    400,
    `expected a request for ${qualified(resource.kind, resource.group)}, got one for ${qualified(req.kind.kind, req.kind.group)}: ` +
      "check the webhook configuration's rules and path",
  );
}

/** `request.object` (or `oldObject`) as a typed object, or the 400 answer when it is missing. */
export function requestObject<T extends KubernetesObject>(
  req: AdmissionRequest,
  field: "object" | "oldObject",
): { readonly ok: true; readonly object: T } | { readonly ok: false; readonly outcome: AdmissionOutcome } {
  const value = req[field];
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, outcome: errored(400, `expected request.${field} to be an object for a ${req.operation} request`) };
  }
  return { ok: true, object: value as T };
}
