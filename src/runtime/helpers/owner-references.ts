import type { V1OwnerReference } from "@kubernetes/client-node";
import type { KubernetesObject, Resource } from "../resource.js";

/** Thrown when an owner reference cannot be set (missing uid, cross-namespace, a second controller). */
export class OwnerReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OwnerReferenceError";
  }
}

function referenceTo(owner: KubernetesObject, ownerResource: Resource): V1OwnerReference {
  const name = owner.metadata?.name;
  const uid = owner.metadata?.uid;
  if (!name || !uid) throw new OwnerReferenceError(`owner ${ownerResource.kind} must have metadata.name and metadata.uid (read it from the API first)`);
  return { apiVersion: ownerResource.apiVersion, kind: ownerResource.kind, name, uid };
}

function checkScope(owner: KubernetesObject, ownerResource: Resource, object: KubernetesObject): void {
  if (!ownerResource.namespaced) return;
  const ownerNs = owner.metadata?.namespace;
  const objectNs = object.metadata?.namespace;
  if (objectNs === undefined || objectNs === "") {
    throw new OwnerReferenceError(`cluster-scoped objects cannot be owned by the namespaced ${ownerResource.kind} ${ownerNs}/${owner.metadata?.name}`);
  }
  if (ownerNs !== objectNs) {
    throw new OwnerReferenceError(`cross-namespace owner references are not allowed: owner ${ownerResource.kind} is in "${ownerNs}", object in "${objectNs}"`);
  }
}

function upsert(object: KubernetesObject, ref: V1OwnerReference): void {
  object.metadata ??= {};
  const refs = object.metadata.ownerReferences ?? [];
  const same = (r: V1OwnerReference) => r.uid === ref.uid || (r.kind === ref.kind && r.name === ref.name && r.apiVersion.split("/")[0] === ref.apiVersion.split("/")[0]);
  const i = refs.findIndex(same);
  object.metadata.ownerReferences = i < 0 ? [...refs, ref] : refs.map((r, j) => (j === i ? ref : r));
}

/**
 * Makes `owner` the controller of `object` (in place), as controller-runtime's
 * SetControllerReference: `controller: true`, `blockOwnerDeletion: true`. Fails when
 * another object already controls it, or when the scopes make ownership impossible.
 */
export function setControllerReference(owner: KubernetesObject, ownerResource: Resource, object: KubernetesObject): void {
  const ref = { ...referenceTo(owner, ownerResource), controller: true, blockOwnerDeletion: true };
  checkScope(owner, ownerResource, object);
  const existing = object.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (existing && existing.uid !== ref.uid) {
    throw new OwnerReferenceError(
      `${object.metadata?.name} is already controlled by ${existing.kind} ${existing.name}; an object has at most one controller`,
    );
  }
  upsert(object, ref);
}

/** Adds `owner` as a (non-controller) owner of `object` (in place), replacing an older reference to it. */
export function setOwnerReference(owner: KubernetesObject, ownerResource: Resource, object: KubernetesObject): void {
  const ref = referenceTo(owner, ownerResource);
  checkScope(owner, ownerResource, object);
  upsert(object, ref);
}

/** The controller owner reference of an object, if any. */
export function getControllerOf(object: KubernetesObject): V1OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((r) => r.controller === true);
}
