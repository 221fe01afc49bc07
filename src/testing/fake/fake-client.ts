import { abortError } from "../../runtime/client/transport-error.js";
import type { ListPage, ListPageOptions, WatchRequestOptions, WatchStream } from "../../runtime/client/api-client.js";
import type { DeleteAllOfOptions, DeleteOptions, ListOptions, ObjectKey, PatchOptions, RequestOptions, WriteOptions } from "../../runtime/client/types.js";
import type { RawWatchEvent } from "../../runtime/client/watch-event.js";
import { cachePage } from "../../runtime/cache/cache-pages.js";
import { parseFieldSelector } from "../../runtime/cache/field-selector.js";
import { ObjectStore as IndexStore, type IndexFunc } from "../../runtime/cache/object-store.js";
import { selectObjects } from "../../runtime/cache/select-objects.js";
import { ApiError } from "../../runtime/errors.js";
import { resourcePath, type KubernetesObject, type Resource } from "../../runtime/resource.js";
import { buildStore, type StoreSetup } from "../env/build-store.js";
import type { JsonObject } from "../store/json.js";
import type { ResolvedResource } from "../store/kind-info.js";
import type { ObjectStore } from "../store/object-store.js";
import { methodNotAllowed, StatusError } from "../store/status-error.js";
import type { WatchEvent } from "../watch/watch-hub.js";
import { interceptClient, type InterceptorFuncs, type WatchingClient } from "./interceptor.js";

/** A field index of the fake client: made with {@link fakeIndex}. */
export interface FakeIndex {
  readonly resource: Resource;
  /** The name a field selector uses, e.g. "spec.nodeName" or ".status.owner". */
  readonly field: string;
  readonly extract: IndexFunc;
}

/**
 * A field index for {@link FakeClientOptions.indexes}, as controller-runtime's fake client
 * builder's `WithIndex` (and the cache's `indexField`): `extract` gives the values an object is
 * listed under; a field selector `field=value` then selects the objects with that value.
 */
export function fakeIndex<T extends KubernetesObject>(resource: Resource<T>, field: string, extract: (object: T) => readonly string[]): FakeIndex {
  return { resource, field, extract: extract as IndexFunc };
}

/** What {@link fakeClient} takes: a starting state, and the field manager of its writes. */
export interface FakeClientOptions extends StoreSetup {
  /** The field manager of writes that name none (default "kubebuilder-ts", as the runtime's HTTP client's User-Agent gives). */
  readonly fieldManager?: string | undefined;
  /** Share a store (e.g. a test server's) instead of building one; the setup options are then ignored. */
  readonly store?: ObjectStore | undefined;
  /**
   * Field indexes (controller-runtime's `WithIndex`). A kind with an index is read as the
   * manager's cache reads it: a field selector names a registered index, `metadata.name` or
   * `metadata.namespace`, and any other field is an error naming the index to register.
   */
  readonly indexes?: readonly FakeIndex[] | undefined;
  /**
   * How field selectors are answered: `"cache"`, as the manager's cached client (indexes,
   * `metadata.name`, `metadata.namespace`); `"api-server"`, as the API server (its field labels
   * and a CRD's selectableFields). Default: "cache" for kinds with an index, else "api-server".
   */
  readonly fieldSelectors?: "cache" | "api-server" | undefined;
  /** Per-call hooks to inject errors or answers (controller-runtime's `interceptor.Funcs`). */
  readonly interceptor?: InterceptorFuncs | undefined;
}

/**
 * A {@link Client} over an in-memory store; `store` is there to inspect or to share. It also
 * watches (the events of every change to the store, as the API server's watch), and takes
 * field indexes after it is made.
 */
export interface FakeClient extends WatchingClient {
  readonly store: ObjectStore;
  /** Registers a field index, as {@link fakeIndex} in the options. */
  indexField<T extends KubernetesObject>(resource: Resource<T>, field: string, extract: (object: T) => readonly string[]): void;
}

const DEFAULT_MANAGER = "kubebuilder-ts";

function namespaceFor(resource: Resource, namespace: string | undefined, verb: string, name: string | undefined): string | undefined {
  if (!resource.namespaced) return undefined;
  if (!namespace) throw new TypeError(`${verb} ${resource.kind}${name ? ` "${name}"` : ""}: ${resource.kind} is namespaced, so a namespace is required`);
  return namespace;
}

function keyOf(resource: Resource, key: ObjectKey, verb: string): { namespace: string | undefined; name: string } {
  if (!key.name) throw new TypeError(`${verb} ${resource.kind}: a name is required`);
  return { namespace: namespaceFor(resource, key.namespace, verb, key.name), name: key.name };
}

function withTypeMeta<T extends KubernetesObject>(object: JsonObject, resource: Resource): T {
  if (!object["apiVersion"]) object["apiVersion"] = resource.apiVersion;
  if (!object["kind"]) object["kind"] = resource.kind;
  return object as unknown as T;
}

/**
 * A fake {@link Client} for plain unit tests of a reconciler: the test server's semantics
 * (resourceVersion and 409 conflicts, generation, the status subresource, finalizers,
 * garbage collection, selectors, patches, server-side apply, CRD schema validation) in
 * memory, with no HTTP. Errors are the same {@link ApiError}s, with the same Status bodies,
 * that the runtime's HTTP client gets from the test server.
 * @example
 * ```ts
 * const client = fakeClient({ crdDirectoryPaths: ["config/crd/bases"], objects: [myWidget] });
 * await reconciler.reconcile({ namespace: "default", name: "w" }, reconcileContext(client));
 * const cm = await client.get(ConfigMap, { namespace: "default", name: "w-config" });
 * ```
 */
export function fakeClient(options: FakeClientOptions = {}): FakeClient {
  const client = baseClient(options);
  return options.interceptor ? interceptClient(client, options.interceptor) : client;
}

function baseClient(options: FakeClientOptions): FakeClient {
  const store = options.store ?? buildStore(options);
  const indexes = new Map<string, Map<string, IndexFunc>>();
  const indexField = (resource: Resource, field: string, extract: IndexFunc): void => {
    const byField = indexes.get(resource.key) ?? new Map<string, IndexFunc>();
    if (byField.has(field)) throw new Error(`an index "${field}" on ${resource.kind} is already registered`);
    byField.set(field, extract);
    indexes.set(resource.key, byField);
  };
  for (const index of options.indexes ?? []) indexField(index.resource, index.field, index.extract);
  /** The kind's indexes when its field selectors are answered as the cache answers them. */
  const cacheIndexes = (resource: Resource): Map<string, IndexFunc> | undefined => {
    const mode = options.fieldSelectors ?? (indexes.has(resource.key) ? "cache" : "api-server");
    return mode === "cache" ? (indexes.get(resource.key) ?? new Map<string, IndexFunc>()) : undefined;
  };
  const defaultManager = options.fieldManager ?? DEFAULT_MANAGER;
  const manager = (o?: WriteOptions): string => o?.fieldManager ?? defaultManager;
  const resolve = (resource: Resource): ResolvedResource => store.resolve(resource.group, resource.version, resource.plural);
  // Calls answer at once, so only an already-aborted signal has anything to cancel.
  const call = <R>(method: string, path: string, fn: () => R, signal?: AbortSignal): Promise<R> => {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    try {
      return Promise.resolve(fn());
    } catch (e) {
      if (e instanceof StatusError) return Promise.reject(new ApiError(e.code, e.status, method, path));
      return Promise.reject(e);
    }
  };

  /** A list answered by the store, or, with the cache's field selectors, filtered as the cache does. */
  const selectList = <T extends KubernetesObject>(resource: Resource<T>, opts: ListOptions): T[] => {
    const byField = cacheIndexes(resource);
    const namespace = resource.namespaced ? opts.namespace : undefined;
    if (!byField || parseFieldSelector(opts.fieldSelector).requirements.length === 0) {
      return store.list(resolve(resource), { namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector }).items.map((i) => withTypeMeta<T>(i, resource));
    }
    const held = new IndexStore<T>({
      onIndexError: (name, error) => {
        throw new Error(`index "${name}" on ${resource.kind} failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    });
    for (const [field, extract] of byField) held.addIndex(field, extract as IndexFunc<T>);
    for (const item of store.list(resolve(resource), { namespace, labelSelector: opts.labelSelector }).items) held.upsert(withTypeMeta<T>(item, resource));
    return selectObjects([{ store: held }], { ...opts, namespace }, resource.kind);
  };

  const client: FakeClient = {
    store,
    indexField<T extends KubernetesObject>(resource: Resource<T>, field: string, extract: (object: T) => readonly string[]): void {
      indexField(resource, field, extract as IndexFunc);
    },
    async get<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, opts: RequestOptions = {}): Promise<T> {
      const { namespace, name } = keyOf(resource, key, "get");
      return call("GET", resourcePath(resource, { namespace, name }), () => withTypeMeta<T>(store.get(resolve(resource), namespace, name), resource), opts.signal);
    },
    async list<T extends KubernetesObject>(resource: Resource<T>, opts: ListOptions & RequestOptions = {}): Promise<T[]> {
      const path = resourcePath(resource, { namespace: opts.namespace });
      return call("GET", path, () => selectList(resource, opts), opts.signal);
    },
    async listPage<T extends KubernetesObject>(resource: Resource<T>, opts: ListPageOptions = {}): Promise<ListPage<T>> {
      const namespace = resource.namespaced ? opts.namespace : undefined;
      const path = resourcePath(resource, { namespace });
      return call("GET", path, () => {
        if (cacheIndexes(resource) && parseFieldSelector(opts.fieldSelector).requirements.length > 0) {
          return cachePage(resource, selectList(resource, opts), opts, store.resourceVersion);
        }
        const list = store.list(resolve(resource), {
          namespace,
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.limit,
          continue: opts.continue,
          resourceVersion: opts.resourceVersion,
          resourceVersionMatch: opts.resourceVersionMatch,
        });
        const items = list.items.map((i) => withTypeMeta<T>(i, resource));
        return { items, resourceVersion: list.metadata.resourceVersion, continue: list.metadata.continue || undefined };
      }, opts.signal);
    },
    async deleteAllOf<T extends KubernetesObject>(resource: Resource<T>, opts: DeleteAllOfOptions = {}): Promise<void> {
      const namespace = resource.namespaced ? opts.namespace : undefined;
      return call("DELETE", resourcePath(resource, { namespace }), () => {
        // As the API server: a namespaced kind's collection DELETE is served only in a namespace.
        if (resource.namespaced && !namespace) throw methodNotAllowed();
        const res = resolve(resource);
        const request = { propagationPolicy: opts.propagationPolicy, dryRun: opts.dryRun };
        if (!opts.fieldSelector || !cacheIndexes(resource)) {
          store.deleteCollection(res, { ...request, namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
          return;
        }
        for (const item of selectList(resource, opts)) {
          try {
            store.delete(res, item.metadata?.namespace, item.metadata?.name ?? "", request);
          } catch (e) {
            if (!(e instanceof StatusError && e.code === 404)) throw e;
          }
        }
      }, opts.signal);
    },
    async watch<T extends KubernetesObject>(resource: Resource<T>, opts: WatchRequestOptions = {}): Promise<WatchStream<T>> {
      const namespace = resource.namespaced ? opts.namespace : undefined;
      return call("GET", resourcePath(resource, { namespace }), () => watchStore(store, resolve(resource), resource, opts), opts.signal);
    },
    async create<T extends KubernetesObject>(resource: Resource<T>, object: T, opts: WriteOptions = {}): Promise<T> {
      const namespace = namespaceFor(resource, object.metadata?.namespace, "create", object.metadata?.name);
      const body = { ...object, apiVersion: object.apiVersion ?? resource.apiVersion, kind: object.kind ?? resource.kind };
      return call("POST", resourcePath(resource, { namespace }), () =>
        withTypeMeta<T>(store.create(resolve(resource), namespace, body, { manager: manager(opts), dryRun: opts.dryRun }), resource),
        opts.signal,
      );
    },
    async update<T extends KubernetesObject>(resource: Resource<T>, object: T, opts: WriteOptions = {}): Promise<T> {
      return put(resource, object, opts, undefined, "update");
    },
    async updateStatus<T extends KubernetesObject>(resource: Resource<T>, object: T, opts: WriteOptions = {}): Promise<T> {
      return put(resource, object, opts, "status", "updateStatus");
    },
    async patch<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, opts: PatchOptions): Promise<T> {
      return patchWith(resource, key, patch, opts, undefined, "patch");
    },
    async patchStatus<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, opts: PatchOptions): Promise<T> {
      return patchWith(resource, key, patch, opts, "status", "patchStatus");
    },
    async delete<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, opts: DeleteOptions = {}): Promise<void> {
      const { namespace, name } = keyOf(resource, key, "delete");
      return call("DELETE", resourcePath(resource, { namespace, name }), () => {
        store.delete(resolve(resource), namespace, name, {
          propagationPolicy: opts.propagationPolicy,
          preconditions: opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : undefined,
        });
      }, opts.signal);
    },
  };
  return client;

  async function put<T extends KubernetesObject>(resource: Resource<T>, object: T, opts: WriteOptions, subresource: "status" | undefined, verb: string): Promise<T> {
    const { namespace, name } = keyOf(resource, { namespace: object.metadata?.namespace, name: object.metadata?.name ?? "" }, verb);
    const body = { ...object, apiVersion: object.apiVersion ?? resource.apiVersion, kind: object.kind ?? resource.kind };
    return call("PUT", resourcePath(resource, { namespace, name, subresource }), () =>
      withTypeMeta<T>(store.update(resolve(resource), namespace, name, body, { manager: manager(opts), dryRun: opts.dryRun, subresource }), resource),
      opts.signal,
    );
  }

  async function patchWith<T extends KubernetesObject>(
    resource: Resource<T>,
    key: ObjectKey,
    patch: unknown,
    opts: PatchOptions,
    subresource: "status" | undefined,
    verb: string,
  ): Promise<T> {
    const { namespace, name } = keyOf(resource, key, verb);
    let body = patch;
    const fieldManager = opts.fieldManager ?? options.fieldManager;
    if (opts.type === "apply") {
      if (!fieldManager) throw new TypeError(`${verb} ${resource.kind} "${name}": server-side apply needs a field manager (options.fieldManager)`);
      if (typeof patch === "object" && patch !== null && !Array.isArray(patch)) {
        const p = patch as KubernetesObject;
        body = {
          ...p,
          apiVersion: p.apiVersion ?? resource.apiVersion,
          kind: p.kind ?? resource.kind,
          metadata: { ...(p.metadata ?? {}), name: p.metadata?.name ?? name, ...(resource.namespaced && !p.metadata?.namespace ? { namespace } : {}) },
        };
      }
    } else if (opts.type === "json" && !Array.isArray(patch)) {
      throw new TypeError(`${verb} ${resource.kind} "${name}": a JSON patch is an array of operations ({ op, path, value })`);
    }
    return call("PATCH", resourcePath(resource, { namespace, name, subresource }), () =>
      withTypeMeta<T>(
        store.patch(resolve(resource), namespace, name, {
          type: opts.type,
          patch: body,
          manager: opts.type === "apply" ? (fieldManager ?? "") : manager(opts),
          force: opts.force,
          dryRun: opts.dryRun,
          subresource,
        }).object,
        resource,
      ),
      opts.signal,
    );
  }
}

/**
 * A watch on the store as the client's stream: events of changes after
 * `opts.resourceVersion` (ADDED events for the current objects when it is unset or "0"),
 * ending when closed, when `opts.signal` aborts or when the store ends the watch.
 */
function watchStore<T extends KubernetesObject>(store: ObjectStore, res: ResolvedResource, resource: Resource<T>, opts: WatchRequestOptions): WatchStream<T> {
  const queue: RawWatchEvent<T>[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const handle = store.watch(
    res,
    {
      namespace: resource.namespaced ? opts.namespace : undefined,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks ?? true,
      timeoutSeconds: opts.timeoutSeconds,
    },
    {
      event: (e: WatchEvent) => {
        const object = e.type === "ERROR" || e.type === "BOOKMARK" ? e.object : withTypeMeta<T>(e.object, resource);
        queue.push({ type: e.type, object } as RawWatchEvent<T>);
        notify();
      },
      end: () => {
        ended = true;
        notify();
      },
    },
  );
  const close = (): void => {
    handle.stop();
    ended = true;
    notify();
  };
  if (opts.signal) {
    if (opts.signal.aborted) close();
    else opts.signal.addEventListener("abort", close, { once: true });
  }
  async function* events(): AsyncGenerator<RawWatchEvent<T>> {
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      close();
      opts.signal?.removeEventListener("abort", close);
    }
  }
  return { [Symbol.asyncIterator]: events, close };
}
