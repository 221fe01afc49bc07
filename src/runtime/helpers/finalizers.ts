import type { KubernetesObject } from "../resource.js";

/** Whether the object carries `finalizer`. */
export function hasFinalizer(object: KubernetesObject, finalizer: string): boolean {
  return object.metadata?.finalizers?.includes(finalizer) ?? false;
}

/**
 * Adds `finalizer` to the object's metadata (in place). Returns true when it was added, so
 * the caller knows an update is needed.
 * @example
 * ```ts
 * if (addFinalizer(obj, "example.com/cleanup")) await ctx.client.update(MyKind, obj);
 * ```
 */
export function addFinalizer(object: KubernetesObject, finalizer: string): boolean {
  if (hasFinalizer(object, finalizer)) return false;
  object.metadata ??= {};
  object.metadata.finalizers = [...(object.metadata.finalizers ?? []), finalizer];
  return true;
}

/** Removes `finalizer` (in place). Returns true when it was there. */
export function removeFinalizer(object: KubernetesObject, finalizer: string): boolean {
  if (!hasFinalizer(object, finalizer)) return false;
  object.metadata!.finalizers = object.metadata!.finalizers!.filter((f) => f !== finalizer);
  return true;
}

/** Whether the object is being deleted (it has a deletionTimestamp). */
export function isBeingDeleted(object: KubernetesObject): boolean {
  return object.metadata?.deletionTimestamp !== undefined && object.metadata?.deletionTimestamp !== null;
}
