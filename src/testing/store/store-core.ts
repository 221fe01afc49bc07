import { formatTimestamp, type Clock } from "../clock.js";
import { WatchHub } from "../watch/watch-hub.js";
import type { AdmitFunction } from "./admission.js";
import { isObject, type JsonObject } from "./json.js";
import { ResourceRegistry } from "./resource-registry.js";

/** Reads `metadata` of a stored object. */
export function meta(object: JsonObject): JsonObject {
  return isObject(object["metadata"]) ? object["metadata"] : (object["metadata"] = {});
}

/** `metadata.namespace` or "". */
export const namespaceOf = (object: JsonObject): string => (typeof meta(object)["namespace"] === "string" ? (meta(object)["namespace"] as string) : "");
/** `metadata.name` or "". */
export const nameOf = (object: JsonObject): string => (typeof meta(object)["name"] === "string" ? (meta(object)["name"] as string) : "");
/** `metadata.uid` or "". */
export const uidOf = (object: JsonObject): string => (typeof meta(object)["uid"] === "string" ? (meta(object)["uid"] as string) : "");
/** `metadata.finalizers` (a copy). */
export const finalizersOf = (object: JsonObject): string[] =>
  Array.isArray(meta(object)["finalizers"]) ? (meta(object)["finalizers"] as unknown[]).filter((f): f is string => typeof f === "string") : [];
/** Whether `metadata.deletionTimestamp` is set. */
export const isDeleting = (object: JsonObject): boolean => typeof meta(object)["deletionTimestamp"] === "string";
/** The uids in `metadata.ownerReferences`. */
export function ownerUids(object: JsonObject): string[] {
  const refs = meta(object)["ownerReferences"];
  return Array.isArray(refs) ? refs.filter(isObject).map((r) => String(r["uid"] ?? "")) : [];
}

/** An object and the kind it is stored under. */
export interface StoredRef {
  readonly storageKey: string;
  readonly object: JsonObject;
}

/**
 * The store's state: objects by kind and key, the global resourceVersion, a uid index and an
 * owner → dependents index, and the watch hub every commit feeds. Every change goes through
 * {@link put} or {@link remove}, which bump the resourceVersion and record one event.
 */
export class StoreCore {
  readonly registry = new ResourceRegistry();
  readonly hub: WatchHub;
  readonly #objects = new Map<string, Map<string, JsonObject>>();
  readonly #uids = new Map<string, { storageKey: string; key: string }>();
  readonly #dependents = new Map<string, Set<string>>();
  #rv = 0;
  /** Runs after each put (the store wires CRD registration here). */
  afterPut: (storageKey: string, object: JsonObject, previous: JsonObject | undefined) => void = () => {};
  /** Runs after each removal (the store wires garbage collection here). */
  afterRemove: (storageKey: string, object: JsonObject) => void = () => {};

  constructor(
    readonly clock: Clock,
    readonly admit: AdmitFunction,
    historySize: number,
  ) {
    this.hub = new WatchHub(historySize);
  }

  /** The last resourceVersion handed out. */
  get rv(): number {
    return this.#rv;
  }

  /** Now, as a `metav1.Time`. */
  now(): string {
    return formatTimestamp(this.clock.now());
  }

  /** The stored object (do not change it: copy first). */
  get(storageKey: string, namespace: string, name: string): JsonObject | undefined {
    return this.#objects.get(storageKey)?.get(`${namespace}/${name}`);
  }

  /** Every stored object of a kind, in no particular order. */
  all(storageKey: string): JsonObject[] {
    return [...(this.#objects.get(storageKey)?.values() ?? [])];
  }

  /** The kinds that hold objects. */
  storageKeys(): string[] {
    return [...this.#objects.keys()];
  }

  /** The object with this uid. */
  byUid(uid: string): StoredRef | undefined {
    const at = this.#uids.get(uid);
    const object = at && this.#objects.get(at.storageKey)?.get(at.key);
    return at && object ? { storageKey: at.storageKey, object } : undefined;
  }

  /** The objects that name `uid` in their ownerReferences. */
  dependents(uid: string): StoredRef[] {
    const out: StoredRef[] = [];
    for (const d of this.#dependents.get(uid) ?? []) {
      const ref = this.byUid(d);
      if (ref) out.push(ref);
    }
    return out;
  }

  #index(object: JsonObject, add: boolean): void {
    const uid = uidOf(object);
    for (const owner of ownerUids(object)) {
      const set = this.#dependents.get(owner) ?? new Set<string>();
      if (add) set.add(uid);
      else set.delete(uid);
      if (set.size > 0) this.#dependents.set(owner, set);
      else this.#dependents.delete(owner);
    }
  }

  /** Stores `object` (taking it over) at a new resourceVersion, records ADDED or MODIFIED. */
  put(storageKey: string, object: JsonObject, previous: JsonObject | undefined): JsonObject {
    const rv = ++this.#rv;
    meta(object)["resourceVersion"] = String(rv);
    const key = `${namespaceOf(object)}/${nameOf(object)}`;
    let kind = this.#objects.get(storageKey);
    if (!kind) this.#objects.set(storageKey, (kind = new Map()));
    if (previous) this.#index(previous, false);
    kind.set(key, object);
    this.#uids.set(uidOf(object), { storageKey, key });
    this.#index(object, true);
    this.hub.record({ rv, storageKey, namespace: namespaceOf(object), type: previous ? "MODIFIED" : "ADDED", object, previous });
    this.afterPut(storageKey, object, previous);
    return object;
  }

  /** Removes a stored object at a new resourceVersion and records DELETED; returns it as deleted. */
  remove(storageKey: string, object: JsonObject): JsonObject {
    const key = `${namespaceOf(object)}/${nameOf(object)}`;
    const kind = this.#objects.get(storageKey);
    if (!kind || kind.get(key) !== object) return object;
    const rv = ++this.#rv;
    kind.delete(key);
    if (kind.size === 0) this.#objects.delete(storageKey);
    this.#uids.delete(uidOf(object));
    this.#index(object, false);
    const gone: JsonObject = { ...object, metadata: { ...meta(object), resourceVersion: String(rv) } };
    this.hub.record({ rv, storageKey, namespace: namespaceOf(object), type: "DELETED", object: gone, previous: object });
    this.afterRemove(storageKey, gone);
    return gone;
  }
}
