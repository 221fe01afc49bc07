import type { ListPage, ListPageOptions } from "../client/api-client.js";
import type { Client, DeleteAllOfOptions, DeleteOptions, ListOptions, ObjectKey, PatchOptions, RequestOptions, WriteOptions } from "../client/types.js";
import type { KubernetesObject, Resource } from "../resource.js";
import type { InformerCache } from "./informer-cache.js";

/** What {@link CachedClient} takes. */
export interface CachedClientOptions {
  /** Serves `get` and `list` of the resources it watches. */
  readonly cache: InformerCache;
  /** Takes every write, and is the uncached reader. */
  readonly client: Client;
}

/**
 * The manager's client (`mgr.client`, `ctx.client`): `get` and `list` read the informer
 * cache and return copies; writes go to the API server. Reading a resource the cache does
 * not watch fails with a `ResourceNotCachedError` naming the kind (no informer is started
 * behind your back); use {@link apiReader} for such reads, or for a read that must see the
 * latest state (the cache lags writes by one watch event).
 * @example
 * ```ts
 * const client = new CachedClient({ cache, client: apiClient });
 * const cm = await client.get(ConfigMap, { namespace: "default", name: "settings" });
 * cm.data = { ...cm.data, seen: "yes" };
 * await client.update(ConfigMap, cm);
 * ```
 */
export class CachedClient implements Client {
  readonly #cache: InformerCache;
  readonly #client: Client;

  constructor(options: CachedClientOptions) {
    this.#cache = options.cache;
    this.#client = options.client;
  }

  /** Reads straight from the API server. */
  get apiReader(): Client {
    return this.#client;
  }

  /** The cache reads come from. */
  get cache(): InformerCache {
    return this.#cache;
  }

  /** From the cache: `options` (signal, timeout) has nothing to cancel there. */
  get<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, _options?: RequestOptions): Promise<T> {
    return this.#cache.get(resource, key);
  }

  /** From the cache: the signal and timeout in `options` have nothing to cancel there. */
  list<T extends KubernetesObject>(resource: Resource<T>, options?: ListOptions & RequestOptions): Promise<T[]> {
    return this.#cache.list(resource, options);
  }

  create<T extends KubernetesObject>(resource: Resource<T>, object: T, options?: WriteOptions): Promise<T> {
    return this.#client.create(resource, object, options);
  }

  update<T extends KubernetesObject>(resource: Resource<T>, object: T, options?: WriteOptions): Promise<T> {
    return this.#client.update(resource, object, options);
  }

  patch<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, options: PatchOptions): Promise<T> {
    return this.#client.patch(resource, key, patch, options);
  }

  delete<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, options?: DeleteOptions): Promise<void> {
    return this.#client.delete(resource, key, options);
  }

  updateStatus<T extends KubernetesObject>(resource: Resource<T>, object: T, options?: WriteOptions): Promise<T> {
    return this.#client.updateStatus(resource, object, options);
  }

  patchStatus<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, options: PatchOptions): Promise<T> {
    return this.#client.patchStatus(resource, key, patch, options);
  }

  /** Goes to the API server (a collection DELETE). */
  deleteAllOf<T extends KubernetesObject>(resource: Resource<T>, options?: DeleteAllOfOptions): Promise<void> {
    return this.#client.deleteAllOf(resource, options);
  }

  /**
   * A page of the cache's objects in namespace/name order, with a continue token of the
   * cache's own when more remain (`resourceVersion` and `resourceVersionMatch` do not apply: the
   * cache holds one state). controller-runtime's cache instead stops at `limit` with no token
   * and refuses `continue`. A token of the API server is refused: page the API server with
   * {@link apiReader}.
   */
  listPage<T extends KubernetesObject>(resource: Resource<T>, options?: ListPageOptions): Promise<ListPage<T>> {
    return this.#cache.listPage(resource, options);
  }
}
