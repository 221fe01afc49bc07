import { clone, isObject, type Json, type JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";
import { presentSteps, runNow, StaleWrite, type WriteSteps } from "./steps.js";
import { conflict, notFound } from "./status-error.js";
import { CRD_CLEANUP, FOREGROUND, ORPHAN, type GarbageCollector, type Propagation } from "./gc.js";
import { finalizersOf, isDeleting, meta, uidOf, type StoreCore } from "./store-core.js";

/** What a delete request says besides the object. */
export interface DeleteRequest {
  readonly propagationPolicy?: Propagation | undefined;
  /** The deprecated boolean form: true is Orphan, false is Background. */
  readonly orphanDependents?: boolean | undefined;
  readonly preconditions?: { readonly uid?: string | undefined; readonly resourceVersion?: string | undefined } | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * How a delete ended: `deleted` (the object is gone), `pending` (it now has a
 * deletionTimestamp and waits for finalizers), or `already-deleting` (it was already
 * waiting; nothing changed).
 */
export type DeleteOutcome =
  | { readonly kind: "deleted"; readonly object: JsonObject }
  | { readonly kind: "pending"; readonly object: JsonObject }
  | { readonly kind: "already-deleting"; readonly object: JsonObject };

const NAMESPACES = "/namespaces";
const CRDS = "apiextensions.k8s.io/customresourcedefinitions";

function propagationOf(request: DeleteRequest, finalizers: readonly string[]): Propagation {
  if (request.orphanDependents !== undefined) return request.orphanDependents ? "Orphan" : "Background";
  if (request.propagationPolicy) return request.propagationPolicy;
  if (finalizers.includes(ORPHAN)) return "Orphan";
  if (finalizers.includes(FOREGROUND)) return "Foreground";
  return "Background";
}

/**
 * The deletion step shared by requests and the garbage collector: sets the GC finalizers the
 * propagation policy asks for, then removes the object at once when no finalizer (and for a
 * namespace, no content) holds it, or marks it with a deletionTimestamp (bumping a kept
 * generation) and lets the collector work. Returns the outcome (nothing is stored on a dry run).
 */
export function beginDeletion(
  core: StoreCore,
  gc: GarbageCollector,
  storageKey: string,
  stored: JsonObject,
  propagation: Propagation,
  dryRun: boolean,
): DeleteOutcome {
  const finalizers = finalizersOf(stored).filter((f) => f !== ORPHAN && f !== FOREGROUND);
  if (propagation === "Orphan") finalizers.push(ORPHAN);
  if (propagation === "Foreground") finalizers.push(FOREGROUND);
  if (storageKey === CRDS && !finalizers.includes(CRD_CLEANUP)) finalizers.push(CRD_CLEANUP);
  const holdsContent = storageKey === NAMESPACES;
  if (finalizers.length === 0 && !holdsContent) {
    if (dryRun) return { kind: "deleted", object: clone(stored) };
    return { kind: "deleted", object: core.remove(storageKey, stored) };
  }
  const next = clone(stored);
  const m = meta(next);
  if (finalizers.length > 0) m["finalizers"] = finalizers as Json[];
  m["deletionTimestamp"] = core.now();
  m["deletionGracePeriodSeconds"] = 0;
  if (typeof m["generation"] === "number" && m["generation"] > 0) m["generation"] = m["generation"] + 1;
  if (storageKey === NAMESPACES) next["status"] = { ...(isObject(next["status"]) ? next["status"] : {}), phase: "Terminating" };
  if (storageKey === CRDS) markCrdTerminating(next, core.now());
  if (dryRun) return { kind: "pending", object: next };
  const marked = clone(core.put(storageKey, next, stored));
  gc.settle(uidOf(next));
  return { kind: "pending", object: marked };
}

function markCrdTerminating(crd: JsonObject, now: string): void {
  const status = isObject(crd["status"]) ? crd["status"] : (crd["status"] = {});
  const conditions = Array.isArray(status["conditions"]) ? status["conditions"].filter(isObject) : [];
  status["conditions"] = [
    ...conditions.filter((c) => c["type"] !== "Terminating"),
    { type: "Terminating", status: "True", lastTransitionTime: now, reason: "InstanceDeletionInProgress", message: "CustomResource deletion is in progress" },
  ];
}

/** The DeleteOptions of a request, as admission webhooks get them. */
function deleteOptionsOf(request: DeleteRequest): JsonObject {
  const out: JsonObject = { kind: "DeleteOptions", apiVersion: "meta.k8s.io/v1" };
  if (request.propagationPolicy) out["propagationPolicy"] = request.propagationPolicy;
  if (request.orphanDependents !== undefined) out["orphanDependents"] = request.orphanDependents;
  const pre: JsonObject = {};
  if (request.preconditions?.uid) pre["uid"] = request.preconditions.uid;
  if (request.preconditions?.resourceVersion) pre["resourceVersion"] = request.preconditions.resourceVersion;
  if (Object.keys(pre).length > 0) out["preconditions"] = pre;
  if (request.dryRun) out["dryRun"] = ["All"];
  return out;
}

/**
 * A delete request, as the API server's steps: preconditions, mutating admission (which, as
 * on the API server, gets neither object nor old object), validating admission with the
 * object as `oldObject`, then {@link beginDeletion}; the outcome is shown at the requested version.
 */
export function* deleteSteps(
  core: StoreCore,
  gc: GarbageCollector,
  res: ResolvedResource,
  namespace: string,
  name: string,
  request: DeleteRequest,
): WriteSteps<DeleteOutcome> {
  const ns = res.info.namespaced ? namespace : "";
  const stored = core.get(res.storageKey, ns, name);
  if (!stored) throw notFound(res.groupResource, name);
  const m = meta(stored);
  const pre = request.preconditions;
  // The API server names the kind here, not the resource.
  const byKind = { group: res.info.group, resource: res.info.kind };
  if (pre?.uid && pre.uid !== m["uid"]) {
    throw conflict(
      byKind,
      name,
      `the UID in the precondition (${pre.uid}) does not match the UID in record (${String(m["uid"] ?? "")}). The object might have been deleted and then recreated`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== m["resourceVersion"]) {
    throw conflict(
      byKind,
      name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${String(m["resourceVersion"] ?? "")}). The object might have been modified`,
    );
  }
  const attributes = {
    operation: "DELETE" as const,
    res,
    subresource: "",
    namespace: ns,
    name,
    object: undefined,
    dryRun: request.dryRun === true,
    options: deleteOptionsOf(request),
  };
  yield { kind: "admission", phase: "mutating", attributes: { ...attributes, oldObject: undefined } };
  const before = yield* presentSteps(res, stored);
  yield { kind: "admission", phase: "validating", attributes: { ...attributes, oldObject: before } };
  if (core.get(res.storageKey, ns, name) !== stored) throw new StaleWrite();
  if (isDeleting(stored)) return { kind: "already-deleting", object: before };
  const outcome = beginDeletion(core, gc, res.storageKey, stored, propagationOf(request, finalizersOf(stored)), request.dryRun === true);
  return { kind: outcome.kind, object: yield* presentSteps(res, outcome.object) };
}

/** A delete request without webhooks. */
export function deleteObject(
  core: StoreCore,
  gc: GarbageCollector,
  res: ResolvedResource,
  namespace: string,
  name: string,
  request: DeleteRequest,
): DeleteOutcome {
  return runNow(deleteSteps(core, gc, res, namespace, name, request));
}
