import { isObject, type Json, type JsonObject } from "./json.js";
import { finalizersOf, isDeleting, meta, namespaceOf, nameOf, ownerUids, uidOf, type StoreCore } from "./store-core.js";

/** The garbage collector's finalizer of orphan propagation. */
export const ORPHAN = "orphan";
/** The garbage collector's finalizer of foreground propagation. */
export const FOREGROUND = "foregroundDeletion";
/** The finalizer the CRD cleanup controller puts on a deleted CRD. */
export const CRD_CLEANUP = "customresourcecleanup.apiextensions.k8s.io";
const NAMESPACES = "/namespaces";
const CRDS = "apiextensions.k8s.io/customresourcedefinitions";

/** How dependents are treated when their owner is deleted. */
export type Propagation = "Background" | "Foreground" | "Orphan";

/** Starts deleting an object the way a delete request does; given by the store. */
export type BeginDeletion = (storageKey: string, object: JsonObject, propagation: Propagation) => void;

/**
 * The controllers a real cluster runs around deletion, run synchronously after each commit:
 * the garbage collector (background: dependents of a removed owner are deleted, or lose the
 * dangling reference when another owner remains; foreground: an owner waits for its
 * blocking dependents; orphan: dependents lose the reference), the namespace controller
 * (a terminating namespace is emptied, then removed) and the CRD cleanup (instances of a
 * deleted CRD are deleted, then the CRD and its kind go).
 */
export class GarbageCollector {
  readonly #queue: string[] = [];
  #draining = false;
  beginDeletion: BeginDeletion = () => {};

  constructor(private readonly core: StoreCore) {}

  /** Looks at an object being deleted again (its finalizers may be done). */
  settle(uid: string): void {
    if (uid && !this.#queue.includes(uid)) this.#queue.push(uid);
    this.#drain();
  }

  /** What follows the removal of an object. */
  removed(storageKey: string, gone: JsonObject): void {
    const uid = uidOf(gone);
    for (const dep of this.core.dependents(uid)) {
      const alive = this.#refs(dep.object).filter((r) => this.core.byUid(String(r["uid"] ?? "")) !== undefined);
      if (alive.length === 0) {
        if (!isDeleting(dep.object)) this.beginDeletion(dep.storageKey, dep.object, "Background");
      } else {
        this.#filterOwnerRefs(dep.storageKey, dep.object, (r) => this.core.byUid(String(r["uid"] ?? "")) !== undefined);
      }
    }
    for (const owner of ownerUids(gone)) this.settle(owner);
    const ns = namespaceOf(gone);
    if (ns) this.#settleIfDeleting(NAMESPACES, ns);
    const crdName = this.core.registry.kind(storageKey)?.crdName;
    if (crdName) this.#settleIfDeleting(CRDS, crdName);
    if (storageKey === CRDS) this.#dropKind(gone);
  }

  /** What follows a write: owners waiting in foreground deletion may be unblocked. */
  written(object: JsonObject, previous: JsonObject | undefined): void {
    const owners = new Set([...ownerUids(object), ...(previous ? ownerUids(previous) : [])]);
    for (const o of owners) {
      const owner = this.core.byUid(o);
      if (owner && isDeleting(owner.object) && finalizersOf(owner.object).includes(FOREGROUND)) this.settle(o);
    }
  }

  #settleIfDeleting(storageKey: string, name: string): void {
    const obj = this.core.get(storageKey, "", name);
    if (obj && isDeleting(obj)) this.settle(uidOf(obj));
  }

  #refs(object: JsonObject): JsonObject[] {
    const refs = meta(object)["ownerReferences"];
    return Array.isArray(refs) ? refs.filter(isObject) : [];
  }

  /** Keeps only the owner references `keep` accepts, on the current state of the object. */
  #filterOwnerRefs(storageKey: string, snapshot: JsonObject, keep: (ref: JsonObject) => boolean): void {
    const object = this.core.byUid(uidOf(snapshot))?.object;
    if (!object) return;
    const before = this.#refs(object);
    const refs = before.filter(keep);
    if (refs.length === before.length) return;
    const next: JsonObject = { ...object, metadata: { ...meta(object) } };
    if (refs.length > 0) meta(next)["ownerReferences"] = refs;
    else delete meta(next)["ownerReferences"];
    this.core.put(storageKey, next, object);
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let i = 0; this.#queue.length > 0; i++) {
        if (i > 1_000_000) throw new Error("garbage collector: deletion did not settle after 1,000,000 steps");
        const ref = this.core.byUid(this.#queue.shift()!);
        if (ref && isDeleting(ref.object)) this.#process(ref.storageKey, ref.object);
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Advances the deletion of one object: does what its controller-owned finalizers wait for. */
  #process(storageKey: string, object: JsonObject): void {
    const uid = uidOf(object);
    const done = new Set<string>();
    const finalizers = finalizersOf(object);
    if (finalizers.includes(ORPHAN)) {
      for (const dep of this.core.dependents(uid)) this.#filterOwnerRefs(dep.storageKey, dep.object, (r) => r["uid"] !== uid);
      done.add(ORPHAN);
    }
    if (finalizers.includes(FOREGROUND)) {
      for (const dep of this.core.dependents(uid)) if (!isDeleting(dep.object)) this.beginDeletion(dep.storageKey, dep.object, "Foreground");
      const blocking = this.core.dependents(uid).filter((d) => this.#refs(d.object).some((r) => r["uid"] === uid && r["blockOwnerDeletion"] === true));
      if (blocking.length === 0) done.add(FOREGROUND);
    }
    if (finalizers.includes(CRD_CLEANUP) && storageKey === CRDS) {
      const spec = isObject(object["spec"]) ? object["spec"] : {};
      const names = isObject(spec["names"]) ? spec["names"] : {};
      const kindKey = `${String(spec["group"] ?? "")}/${String(names["plural"] ?? "")}`;
      for (const inst of this.core.all(kindKey)) if (!isDeleting(inst)) this.beginDeletion(kindKey, inst, "Background");
      if (this.core.all(kindKey).length === 0) done.add(CRD_CLEANUP);
    }
    let namespaceDone = true;
    if (storageKey === NAMESPACES) namespaceDone = this.#emptyNamespace(nameOf(object));
    const current = this.core.byUid(uid);
    if (!current) return;
    const left = finalizersOf(current.object).filter((f) => !done.has(f));
    if (left.length === 0 && namespaceDone) {
      this.core.remove(storageKey, current.object);
    } else if (left.length !== finalizersOf(current.object).length) {
      const next: JsonObject = { ...current.object, metadata: { ...meta(current.object), finalizers: left as Json[] } };
      if (left.length === 0) delete meta(next)["finalizers"];
      this.core.put(storageKey, next, current.object);
    }
  }

  /** Deletes everything in a terminating namespace; true once it is empty. */
  #emptyNamespace(ns: string): boolean {
    const kinds = this.core.registry
      .all()
      .filter((info) => info.namespaced)
      .map((info) => `${info.group}/${info.plural}`);
    const contents = (): { key: string; obj: JsonObject }[] =>
      kinds.flatMap((key) => this.core.all(key).filter((o) => namespaceOf(o) === ns).map((obj) => ({ key, obj })));
    for (const { key, obj } of contents()) if (!isDeleting(obj)) this.beginDeletion(key, obj, "Background");
    return contents().length === 0;
  }

  /** A removed CRD takes its kind with it: no more discovery, routing or watches. */
  #dropKind(crd: JsonObject): void {
    const spec = isObject(crd["spec"]) ? crd["spec"] : {};
    const names = isObject(spec["names"]) ? spec["names"] : {};
    const group = String(spec["group"] ?? "");
    const plural = String(names["plural"] ?? "");
    if (this.core.registry.kind(`${group}/${plural}`)?.crdName !== nameOf(crd)) return;
    this.core.registry.unregister(group, plural);
    for (const w of this.core.hub.watchers()) if (w.filter.storageKey === `${group}/${plural}`) w.stop();
  }
}
