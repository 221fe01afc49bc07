import type { V1ObjectReference } from "@kubernetes/client-node";
import type { KubernetesObject, Resource } from "../resource.js";

/**
 * A core/v1 ObjectReference to `object` (apiVersion, kind, namespace, name, uid,
 * resourceVersion), as client-go's `reference.GetReference`: what an Event's
 * `involvedObject` or a status field pointing at another object holds. The apiVersion and
 * kind come from the object, else from `resource` (objects read from the API carry them;
 * objects you build may not). Fields the object lacks are left out. Throws a TypeError when
 * neither says the kind.
 * @example
 * ```ts
 * const ref = getReference(pod); // { apiVersion: "v1", kind: "Pod", namespace: "default", name: "web-0", uid: "...", resourceVersion: "42" }
 * job.status = { ...job.status, active: [getReference(child, Job)] };
 * ```
 */
export function getReference(object: KubernetesObject, resource?: Resource): V1ObjectReference {
  const apiVersion = object.apiVersion || resource?.apiVersion;
  const kind = object.kind || resource?.kind;
  if (!apiVersion || !kind) {
    const name = object.metadata?.name ? ` "${object.metadata.name}"` : "";
    throw new TypeError(`getReference: the object${name} has no apiVersion and kind; pass its resource, e.g. getReference(obj, ConfigMap)`);
  }
  const m = object.metadata ?? {};
  const ref: V1ObjectReference = { apiVersion, kind };
  if (m.namespace) ref.namespace = m.namespace;
  if (m.name) ref.name = m.name;
  if (m.uid) ref.uid = m.uid;
  if (m.resourceVersion) ref.resourceVersion = m.resourceVersion;
  return ref;
}
