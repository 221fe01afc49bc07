import { deepCopy, jsonEqual } from "../cache/object-copy.js";
import { isNotFound } from "../errors.js";
import type { Client } from "../client/types.js";
import type { KubernetesObject, Resource } from "../resource.js";

/** What {@link createOrUpdate} did. */
export type OperationResult = "created" | "updated" | "unchanged";

/** What {@link createOrPatch} did: as controller-runtime's results, status writes told apart. */
export type PatchOperationResult = OperationResult | "updatedStatus" | "updatedStatusOnly";

function withoutStatus(o: KubernetesObject): unknown {
  const { status: _status, ...rest } = o as KubernetesObject & { status?: unknown };
  return rest;
}

/**
 * Gets the object named by `object`'s metadata, lets `mutate` set the desired state on it
 * (or on `object` itself when it does not exist yet), then creates or updates it, as
 * controller-runtime's CreateOrUpdate. Nothing is written when `mutate` changed nothing.
 * @example
 * ```ts
 * const cm = { metadata: { name: "app-config", namespace: "default" } } as V1ConfigMap;
 * await createOrUpdate(client, ConfigMap, cm, (obj) => {
 *   obj.data = { key: "value" };
 *   setControllerReference(owner, MyKind, obj);
 * });
 * ```
 */
export async function createOrUpdate<T extends KubernetesObject>(
  client: Client,
  resource: Resource<T>,
  object: T,
  mutate: (current: T) => void | Promise<void>,
): Promise<{ result: OperationResult; object: T }> {
  const found = await getOrCreate(client, resource, object, mutate);
  if (found.created) return { result: "created", object: found.object };
  const { key, object: current } = found;
  const before = deepCopy(withoutStatus(current));
  await mutate(current);
  checkKey(current, key, resource);
  if (jsonEqual(withoutStatus(current), before)) return { result: "unchanged", object: current };
  return { result: "updated", object: await client.update(resource, current) };
}

/**
 * Like {@link createOrUpdate}, but sends the change as a JSON merge patch of what `mutate`
 * changed (and, when the status changed, a status patch), as controller-runtime's
 * CreateOrPatch; concurrent writers of other fields are not overwritten.
 */
export async function createOrPatch<T extends KubernetesObject>(
  client: Client,
  resource: Resource<T>,
  object: T,
  mutate: (current: T) => void | Promise<void>,
): Promise<{ result: PatchOperationResult; object: T }> {
  const found = await getOrCreate(client, resource, object, mutate);
  if (found.created) return { result: "created", object: found.object };
  const { key, object: current } = found;
  const original = deepCopy(current);
  await mutate(current);
  checkKey(current, key, resource);
  const { status: newStatus, ...newRest } = current as T & { status?: unknown };
  const { status: oldStatus, ...oldRest } = original as T & { status?: unknown };
  const patch = mergePatch(oldRest, newRest);
  const statusPatch = mergePatch({ status: oldStatus }, { status: newStatus });
  let result: T = current;
  let what: PatchOperationResult = "unchanged";
  if (patch !== undefined) {
    result = await client.patch(resource, key, patch, { type: "merge" });
    what = "updated";
  }
  if (statusPatch !== undefined) {
    result = await client.patchStatus(resource, key, statusPatch, { type: "merge" });
    what = what === "updated" ? "updatedStatus" : "updatedStatusOnly";
  }
  return { result: what, object: result };
}

/** Reads the object named by `object`, or creates it from `object` after `mutate` when missing. */
async function getOrCreate<T extends KubernetesObject>(
  client: Client,
  resource: Resource<T>,
  object: T,
  mutate: (current: T) => void | Promise<void>,
): Promise<{ created: true; object: T } | { created: false; object: T; key: { namespace: string | undefined; name: string } }> {
  const key = { namespace: object.metadata?.namespace, name: requireName(object, resource) };
  try {
    return { created: false, object: await client.get(resource, key), key };
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await mutate(object);
    checkKey(object, key, resource);
    return { created: true, object: await client.create(resource, object) };
  }
}

/** An RFC 7386 merge patch turning `from` into `to`, or undefined when they are equal. */
export function mergePatch(from: unknown, to: unknown): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObj(from) || !isObj(to)) return jsonEqual(from, to) ? undefined : to === undefined ? null : to;
  const out: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (!(k in to) || to[k] === undefined) {
      if (k in from && from[k] !== undefined) out[k] = null;
      continue;
    }
    const sub = k in from ? mergePatch(from[k], to[k]) : to[k];
    if (sub !== undefined) out[k] = sub;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function requireName(object: KubernetesObject, resource: Resource): string {
  const name = object.metadata?.name;
  if (!name) throw new TypeError(`createOrUpdate: the ${resource.kind} needs metadata.name`);
  return name;
}

function checkKey(object: KubernetesObject, key: { namespace?: string | undefined; name: string }, resource: Resource): void {
  if (object.metadata?.name !== key.name || (object.metadata?.namespace ?? undefined) !== (key.namespace ?? undefined)) {
    throw new TypeError(`createOrUpdate: mutate must not change the ${resource.kind}'s name or namespace`);
  }
}
