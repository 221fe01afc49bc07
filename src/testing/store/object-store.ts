import { realClock, type Clock } from "../clock.js";
import { startWatch, type WatchHandle, type WatchRequest } from "../watch/start-watch.js";
import type { WatchSink } from "../watch/watch-hub.js";
import { acceptAll, type AdmitFunction } from "./admission.js";
import { kindFromCrd, validateCrd } from "./crd-kinds.js";
import { beginDeletion, deleteObject, deleteSteps, type DeleteOutcome, type DeleteRequest } from "./deletion.js";
import { GarbageCollector } from "./gc.js";
import { clone, isObject, type JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";
import { listObjects, type ListRequest, type ListResult } from "./list.js";
import { present } from "./present.js";
import type { ResourceRegistry } from "./resource-registry.js";
import { badRequest, expired, notFound, resourceNotFound, StatusError } from "./status-error.js";
import { isDeleting, meta, uidOf, StoreCore } from "./store-core.js";
import type { WriteSteps } from "./steps.js";
import { createObject, createSteps, patchObject, patchSteps, updateObject, updateSteps, type PatchRequest, type UpdateRequest, type WriteRequest } from "./write.js";

/** What {@link ObjectStore} takes. */
export interface ObjectStoreOptions {
  /** Time for timestamps, bookmarks and watch timeouts (default: the real clock). */
  readonly clock?: Clock | undefined;
  /** Admission of custom resources against their schema (default: accept as is). */
  readonly admit?: AdmitFunction | undefined;
  /** How many events the history keeps for watches to resume from (default 10,000). */
  readonly historySize?: number | undefined;
  /** How often watches that allow bookmarks get one (default 1,000 ms). */
  readonly bookmarkIntervalMs?: number | undefined;
  /** Namespaces that exist from the start (default: default, kube-system, kube-public, kube-node-lease). */
  readonly namespaces?: readonly string[] | undefined;
}

const CRDS = "apiextensions.k8s.io/customresourcedefinitions";
const SEED_MANAGER = "kubebuilder-ts-testing";

/**
 * An in-memory Kubernetes API: the semantics the test server and the fake client share.
 * Objects of built-in kinds and of kinds registered by CustomResourceDefinitions, one global
 * resourceVersion, optimistic concurrency, generation, status subresources, finalizers,
 * garbage collection, namespaces, selectors, patches, server-side apply and watches. Every
 * method is synchronous; errors are {@link StatusError}s carrying the API server's Status.
 * @example
 * ```ts
 * const store = new ObjectStore();
 * const cms = store.resolve("", "v1", "configmaps");
 * store.create(cms, "default", { metadata: { name: "a" }, data: { k: "v" } }, { manager: "test" });
 * store.list(cms, { namespace: "default" }).items.length; // 1
 * ```
 */
export class ObjectStore {
  readonly #core: StoreCore;
  readonly #gc: GarbageCollector;
  readonly #bookmarkIntervalMs: number;
  readonly #watches = new Set<WatchHandle>();
  #strictExpiry = false;

  constructor(options: ObjectStoreOptions = {}) {
    const core = new StoreCore(options.clock ?? realClock, options.admit ?? acceptAll, options.historySize ?? 10_000);
    const gc = new GarbageCollector(core);
    gc.beginDeletion = (key, object, propagation) => {
      // The collector works from snapshots: act on the current state, if the object is still there and not yet deleting.
      const current = core.byUid(uidOf(object));
      if (current && !isDeleting(current.object)) beginDeletion(core, gc, key, current.object, propagation, false);
    };
    core.afterPut = (key, object, previous) => {
      if (key === CRDS && !isDeleting(object) && validateCrd(object).length === 0) core.registry.register(kindFromCrd(object));
      gc.written(object, previous);
      if (isDeleting(object)) gc.settle(uidOf(object));
    };
    core.afterRemove = (key, gone) => gc.removed(key, gone);
    this.#core = core;
    this.#gc = gc;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? 1000;
    const nsRes = this.resolve("", "v1", "namespaces");
    for (const ns of options.namespaces ?? ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      createObject(core, nsRes, undefined, { metadata: { name: ns } }, { manager: SEED_MANAGER });
    }
  }

  /** The kinds served. */
  get registry(): ResourceRegistry {
    return this.#core.registry;
  }

  /** The clock the store runs on. */
  get clock(): Clock {
    return this.#core.clock;
  }

  /** The current (last assigned) resourceVersion. */
  get resourceVersion(): string {
    return String(this.#core.rv);
  }

  /** A served version of a kind; 404 (the server could not find the requested resource) otherwise. */
  resolve(group: string, version: string, plural: string): ResolvedResource {
    const res = this.#core.registry.resolve(group, version, plural);
    if (!res) throw resourceNotFound();
    return res;
  }

  /** The resource serving `kind` at `apiVersion`; 404 otherwise. */
  resolveKind(apiVersion: string, kind: string): ResolvedResource {
    const res = this.#core.registry.resolveKind(apiVersion, kind);
    if (!res) throw resourceNotFound();
    return res;
  }

  /** One object (GET). */
  get(res: ResolvedResource, namespace: string | undefined, name: string): JsonObject {
    const stored = this.#core.get(res.storageKey, res.info.namespaced ? (namespace ?? "") : "", name);
    if (!stored) throw notFound(res.groupResource, name);
    return present(res, stored);
  }

  /** A list (GET on a collection). */
  list(res: ResolvedResource, request: ListRequest = {}): ListResult {
    return listObjects(this.#core, res, request, { strictExpiry: this.#strictExpiry });
  }

  /** Creates (POST). */
  create(res: ResolvedResource, namespace: string | undefined, body: unknown, request: WriteRequest): JsonObject {
    return createObject(this.#core, res, namespace, body, request);
  }

  /** Replaces (PUT), the main resource or `/status`. */
  update(res: ResolvedResource, namespace: string | undefined, name: string, body: unknown, request: UpdateRequest): JsonObject {
    return updateObject(this.#core, res, namespace, name, body, request);
  }

  /** Patches (PATCH); `created` when server-side apply created the object. */
  patch(res: ResolvedResource, namespace: string | undefined, name: string, request: PatchRequest): { object: JsonObject; created: boolean } {
    return patchObject(this.#core, res, namespace, name, request);
  }

  /** Deletes (DELETE). */
  delete(res: ResolvedResource, namespace: string | undefined, name: string, request: DeleteRequest = {}): DeleteOutcome {
    return deleteObject(this.#core, this.#gc, res, namespace ?? "", name, request);
  }

  /** Deletes every selected object (DELETE on a collection); returns the outcomes. */
  deleteCollection(res: ResolvedResource, request: ListRequest & DeleteRequest = {}): DeleteOutcome[] {
    const { items } = this.list(res, { namespace: request.namespace, labelSelector: request.labelSelector, fieldSelector: request.fieldSelector });
    const out: DeleteOutcome[] = [];
    for (const item of items) {
      const m = meta(item);
      try {
        out.push(this.delete(res, String(m["namespace"] ?? ""), String(m["name"] ?? ""), request));
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return out;
  }

  /**
   * The writes above taken apart where the API server waits (admission webhooks, conversion
   * webhooks): generators of {@link WriteSteps}, resumed with each step's answer. The test
   * server's request handling runs them (`src/testing/webhooks/serving-store.ts`); the methods
   * above run them with every step answered at once (no webhooks).
   */
  readonly steps = {
    create: (res: ResolvedResource, namespace: string | undefined, body: unknown, request: WriteRequest): WriteSteps<JsonObject> =>
      createSteps(this.#core, res, namespace, body, request),
    update: (res: ResolvedResource, namespace: string | undefined, name: string, body: unknown, request: UpdateRequest): WriteSteps<JsonObject> =>
      updateSteps(this.#core, res, namespace, name, body, request),
    patch: (res: ResolvedResource, namespace: string | undefined, name: string, request: PatchRequest): WriteSteps<{ object: JsonObject; created: boolean }> =>
      patchSteps(this.#core, res, namespace, name, request),
    delete: (res: ResolvedResource, namespace: string | undefined, name: string, request: DeleteRequest = {}): WriteSteps<DeleteOutcome> =>
      deleteSteps(this.#core, this.#gc, res, namespace ?? "", name, request),
  };

  /** Starts a watch; events go to `sink` until the handle or the server stops it. */
  watch(res: ResolvedResource, request: WatchRequest, sink: WatchSink): WatchHandle {
    const watches = this.#watches;
    let handle: WatchHandle | undefined;
    const wrapped: WatchSink = {
      event: (e) => sink.event(e),
      end: () => {
        if (handle) watches.delete(handle);
        sink.end();
      },
    };
    handle = startWatch(this.#core, res, request, wrapped, { clock: this.#core.clock, bookmarkIntervalMs: this.#bookmarkIntervalMs });
    if (!handle.stopped) watches.add(handle);
    return handle;
  }

  /** Sends a BOOKMARK to every open watch that allows bookmarks. */
  sendBookmarks(): void {
    for (const w of [...this.#watches]) w.bookmark();
  }

  /** Ends every open watch (clients see the stream close). */
  closeWatches(): void {
    for (const w of [...this.#watches]) w.stop();
  }

  /** The number of open watches. */
  get openWatches(): number {
    return this.#watches.size;
  }

  /**
   * Forgets the event history up to now, as an etcd compaction does: open watches get an
   * ERROR event with a 410 Expired Status and end; watches from an older resourceVersion
   * get the same; until {@link resetExpiry}, lists at an older resourceVersion get 410 too.
   */
  expireResourceVersions(): void {
    this.#core.hub.history.compact(this.#core.rv);
    this.#strictExpiry = true;
    const status = expired(`too old resource version: ${this.#core.rv} (${this.#core.rv + 1})`).status;
    for (const w of this.#core.hub.watchers()) {
      w.send({ type: "ERROR", object: status as unknown as JsonObject });
      w.stop();
    }
  }

  /** Ends the list-expiry of {@link expireResourceVersions} (the compaction itself stays). */
  resetExpiry(): void {
    this.#strictExpiry = false;
  }

  /**
   * Serves a kind without a CRD: no schema (nothing pruned, defaulted or validated), a status
   * subresource unless `statusSubresource` is false, generation kept. For quick unit tests;
   * prefer the CRD the generator wrote.
   */
  registerKind(definition: { group: string; version: string; kind: string; plural: string; namespaced: boolean }, options: { statusSubresource?: boolean } = {}): void {
    if (this.#core.registry.kind(`${definition.group}/${definition.plural}`)) return;
    this.#core.registry.register({
      group: definition.group,
      plural: definition.plural,
      kind: definition.kind,
      listKind: `${definition.kind}List`,
      singular: definition.kind.toLowerCase(),
      shortNames: [],
      categories: [],
      namespaced: definition.namespaced,
      versions: [{ name: definition.version, storage: true, statusSubresource: options.statusSubresource !== false, selectableFields: [] }],
      storageVersion: definition.version,
      builtin: false,
      generation: true,
      allowUnconditionalUpdate: false,
      deleteReturnsObject: true,
    });
  }

  /** Installs CustomResourceDefinitions: creates them, or updates those that exist. */
  installCrds(crds: readonly JsonObject[]): void {
    const res = this.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    for (const crd of crds) {
      const name = String(meta(clone(crd))["name"] ?? "");
      const existing = this.#core.get(res.storageKey, "", name);
      const body = { ...clone(crd), metadata: { ...meta(clone(crd)), ...(existing ? { resourceVersion: meta(existing)["resourceVersion"] } : {}) } };
      if (existing) this.update(res, undefined, name, body, { manager: SEED_MANAGER });
      else this.create(res, undefined, body, { manager: SEED_MANAGER });
    }
  }

  /**
   * Adds objects as a test's starting state: CRDs first, then namespaces, then the rest;
   * a missing namespace is created, and status is kept (written through `/status`).
   */
  seed(objects: readonly unknown[]): JsonObject[] {
    const items = objects.map((o) => {
      if (!isObject(o) || typeof o["apiVersion"] !== "string" || typeof o["kind"] !== "string") {
        throw badRequest("a seeded object needs apiVersion and kind, e.g. { apiVersion: \"v1\", kind: \"ConfigMap\", metadata: { name, namespace } }");
      }
      return clone(o);
    });
    const rank = (o: JsonObject): number => (o["kind"] === "CustomResourceDefinition" ? 0 : o["kind"] === "Namespace" ? 1 : 2);
    items.sort((a, b) => rank(a) - rank(b));
    const nsRes = this.resolve("", "v1", "namespaces");
    const out: JsonObject[] = [];
    for (const item of items) {
      const res = this.resolveKind(String(item["apiVersion"]), String(item["kind"]));
      const m = meta(item);
      const ns = res.info.namespaced ? String(m["namespace"] ?? "default") : undefined;
      if (ns !== undefined && !this.#core.get("/namespaces", "", ns)) this.create(nsRes, undefined, { metadata: { name: ns } }, { manager: SEED_MANAGER });
      let created = this.create(res, ns, item, { manager: SEED_MANAGER });
      if (item["status"] !== undefined && res.version.statusSubresource) {
        const name = String(meta(created)["name"]);
        created = this.update(res, ns, name, { ...created, status: item["status"] }, { manager: SEED_MANAGER, subresource: "status" });
      }
      out.push(created);
    }
    return out;
  }
}
