import type { KubernetesObject, Resource } from "../resource.js";
import { kindMismatch, requestObject } from "./admission-objects.js";
import { allowed, outcomeFromError } from "./admission-outcome.js";
import { unknownOperation } from "./defaulter.js";
import type { AdmissionContext, AdmissionHandler, AdmissionOutcome, AdmissionRequest } from "./types.js";

/** What a validation hook returns: nothing, or warnings for the client. Throw to deny. */
export type ValidationWarnings = void | undefined | readonly string[];

/**
 * The hooks of a validating webhook, as controller-runtime's `CustomValidator`. Each is
 * optional (a missing hook admits). Return warnings to admit with warnings; throw a
 * {@link ValidationError} to deny (403, or 422 with field causes); any other throw answers
 * code 500 and is logged. `req.dryRun` tells whether the change will persist.
 */
export interface ValidatorHooks<T extends KubernetesObject> {
  validateCreate?(obj: T, req: AdmissionRequest, ctx: AdmissionContext): ValidationWarnings | Promise<ValidationWarnings>;
  /** Argument order as controller-runtime's: the stored object first, then the new one. */
  validateUpdate?(oldObj: T, newObj: T, req: AdmissionRequest, ctx: AdmissionContext): ValidationWarnings | Promise<ValidationWarnings>;
  /** `obj` is the object being deleted (the request's `oldObject`). */
  validateDelete?(obj: T, req: AdmissionRequest, ctx: AdmissionContext): ValidationWarnings | Promise<ValidationWarnings>;
}

/**
 * A validating admission handler for `resource`.
 * @example
 * ```ts
 * server.register(
 *   validatingPath(CronJobResource),
 *   validator(CronJobResource, {
 *     validateCreate(job) {
 *       if (!job.spec?.schedule) throw ValidationError.fields([{ field: "spec.schedule", message: "Required value", reason: "FieldValueRequired" }]);
 *     },
 *     validateUpdate(oldJob, job) {
 *       if (oldJob.spec?.schedule !== job.spec?.schedule) return ["the schedule changed"];
 *     },
 *   }),
 * );
 * ```
 */
export function validator<T extends KubernetesObject>(resource: Resource<T>, hooks: ValidatorHooks<T>): AdmissionHandler {
  return async (req, ctx) => {
    if (req.operation === "CONNECT") return allowed();
    const mismatch = kindMismatch(resource, req);
    if (mismatch) return mismatch;
    return runHook(req, ctx, hooks);
  };
}

async function runHook<T extends KubernetesObject>(req: AdmissionRequest, ctx: AdmissionContext, hooks: ValidatorHooks<T>): Promise<AdmissionOutcome> {
  let call: () => ValidationWarnings | Promise<ValidationWarnings>;
  switch (req.operation) {
    case "CREATE": {
      const hook = hooks.validateCreate;
      if (!hook) return allowed();
      const obj = requestObject<T>(req, "object");
      if (!obj.ok) return obj.outcome;
      call = () => hook.call(hooks, obj.object, req, ctx);
      break;
    }
    case "UPDATE": {
      const hook = hooks.validateUpdate;
      if (!hook) return allowed();
      const obj = requestObject<T>(req, "object");
      if (!obj.ok) return obj.outcome;
      const old = requestObject<T>(req, "oldObject");
      if (!old.ok) return old.outcome;
      call = () => hook.call(hooks, old.object, obj.object, req, ctx);
      break;
    }
    case "DELETE": {
      const hook = hooks.validateDelete;
      if (!hook) return allowed();
      const old = requestObject<T>(req, "oldObject");
      if (!old.ok) return old.outcome;
      call = () => hook.call(hooks, old.object, req, ctx);
      break;
    }
    case "CONNECT":
      return allowed();
    default:
      return unknownOperation(req.operation);
  }
  try {
    const warnings = await call();
    return allowed(warnings ?? undefined);
  } catch (err) {
    return outcomeFromError(err, req, ctx.log);
  }
}
