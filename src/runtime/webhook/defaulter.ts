import type { KubernetesObject, Resource } from "../resource.js";
import { kindMismatch, requestObject } from "./admission-objects.js";
import { allowed, outcomeFromError, patched } from "./admission-outcome.js";
import { jsonPatchDiff } from "./json-patch.js";
import type { AdmissionContext, AdmissionHandler, AdmissionRequest } from "./types.js";

/** Sets defaults on an object in place. `req.dryRun` tells whether the change will persist. */
export type DefaultFunction<T extends KubernetesObject> = (obj: T, req: AdmissionRequest, ctx: AdmissionContext) => void | Promise<void>;

/**
 * A mutating admission handler for `resource`, as controller-runtime's `CustomDefaulter`:
 * `fn` gets a deep copy of `request.object` and changes it in place; the answer is the RFC 6902
 * JSON patch from the original to the changed object (none when nothing changed).
 * DELETE and CONNECT requests are admitted untouched. A thrown {@link ValidationError} denies
 * the request; any other throw answers code 500 and is logged.
 * @example
 * ```ts
 * server.register(
 *   defaultingPath(CronJobResource),
 *   defaulter(CronJobResource, (job) => {
 *     job.spec ??= {};
 *     job.spec.concurrencyPolicy ??= "Allow";
 *   }),
 * );
 * ```
 */
export function defaulter<T extends KubernetesObject>(resource: Resource<T>, fn: DefaultFunction<T>): AdmissionHandler {
  return async (req, ctx) => {
    switch (req.operation) {
      case "DELETE":
      case "CONNECT":
        return allowed();
      case "CREATE":
      case "UPDATE":
        break;
      default:
        return unknownOperation(req.operation);
    }
    const mismatch = kindMismatch(resource, req);
    if (mismatch) return mismatch;
    const original = requestObject<T>(req, "object");
    if (!original.ok) return original.outcome;
    const copy = structuredClone(original.object);
    try {
      await fn(copy, req, ctx);
    } catch (err) {
      return outcomeFromError(err, req, ctx.log);
    }
    return patched(jsonPatchDiff(original.object, copy));
  };
}

/** The answer to an operation the admission protocol does not have (exhaustiveness guard). */
export function unknownOperation(operation: never): never {
  throw new Error(`unknown admission operation "${String(operation)}": expected CREATE, UPDATE, DELETE or CONNECT`);
}
