import type { ApiClient, ListPage } from "../client/api-client.js";
import type { ListOptions, ObjectKey } from "../client/types.js";
import { formatLabelSelector } from "../client/query.js";
import { ApiError } from "../errors.js";
import type { KubernetesObject, Resource } from "../resource.js";
import { exponentialBackoff, type BackoffOptions } from "../watch/backoff.js";
import { realClock, sleep, type Clock } from "../clock/index.js";
import { listWatchSource, type ListWatchSource, type WatchScope } from "../watch/list-watch-source.js";
import { CacheNotSyncedError, ResourceNotCachedError } from "./cache-errors.js";
import { cachePage, type CachePageRequest } from "./cache-pages.js";
import { selectObjects } from "./select-objects.js";
import { deepCopy } from "./object-copy.js";
import type { IndexFunc } from "./object-store.js";
import { ResourceInformer } from "./resource-informer.js";
import { SharedInformer, type SharedInformerOptions } from "./shared-informer.js";

/** Which objects of a resource the cache holds. */
export interface InformerScope {
  /** Only these namespaces (one informer each); all when omitted. Ignored for cluster-scoped resources. */
  readonly namespaces?: readonly string[] | undefined;
  readonly labelSelector?: ListOptions["labelSelector"];
  readonly fieldSelector?: string | undefined;
}

/** What {@link InformerCache} takes. Durations in milliseconds. */
export interface InformerCacheOptions {
  /** Lists and watches through this client (or give `sourceFor`). */
  readonly client?: ApiClient | undefined;
  /** Makes the list+watch of a resource in a scope; replaces `client` (tests pass fakes). */
  readonly sourceFor?: (<T extends KubernetesObject>(resource: Resource<T>, scope: WatchScope) => ListWatchSource<T>) | undefined;
  /** Default namespaces of namespaced resources (the manager's `namespace` option); all when omitted. */
  readonly namespaces?: readonly string[] | undefined;
  /** Re-deliver every object to handlers this often, as controller-runtime's SyncPeriod (its default is 10 h); off by default. */
  readonly resyncPeriodMs?: number | undefined;
  /** Applied to every object before it is stored, e.g. {@link stripManagedFields}. */
  readonly transform?: (<T extends KubernetesObject>(object: T) => T) | undefined;
  /** Time for resync, backoff and read waits (default the real clock). */
  readonly clock?: Clock | undefined;
  /** Watcher settings for every informer (each gets its own backoff, see `backoff`). */
  readonly watcher?: Omit<NonNullable<SharedInformerOptions<KubernetesObject>["watcher"]>, "backoff"> | undefined;
  /** The shape of each informer's reconnect backoff (default 800 ms → 30 s, jittered). */
  readonly backoff?: BackoffOptions | undefined;
  /** Recovered watcher failures and handler errors, with the resource. */
  readonly onError?: ((error: unknown, resource: Resource) => void) | undefined;
  /** How long a read waits for its resource's first list before failing (default 30,000). */
  readonly readSyncTimeoutMs?: number | undefined;
}

interface Entry {
  readonly scopeKey: string;
  readonly informer: ResourceInformer<KubernetesObject>;
}

/**
 * The informer cache: one shared informer per resource (one per namespace when limited to
 * several), started explicitly (a controller's for/owns/watches, {@link informerFor} or
 * {@link indexField}), never by a read. Reads wait for the resource's first list, filter by
 * namespace, labels and fields (a field selector term naming a custom index uses it), and
 * return deep copies: callers may change what they get without touching the cache. Event
 * handlers get the cache's own deep-frozen objects.
 *
 * @example
 * ```ts
 * const cache = new InformerCache({ client: apiClient });
 * cache.indexField(Pod, "spec.nodeName", (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
 * cache.informerFor(ConfigMap).addEventHandler({ onAdd: (cm) => console.log(cm.metadata?.name) });
 * cache.start(signal);
 * await cache.waitForCacheSync(signal);
 * const onNode = await cache.list(Pod, { fieldSelector: "spec.nodeName=node-1" });
 * ```
 */
export class InformerCache {
  readonly #options: InformerCacheOptions;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  #signal: AbortSignal | undefined;
  #started = false;

  constructor(options: InformerCacheOptions) {
    if (!options.client && !options.sourceFor) throw new TypeError("InformerCache needs a client (or a sourceFor function)");
    this.#options = options;
    this.#clock = options.clock ?? realClock;
  }

  /** Whether {@link start} was called (and not {@link stop}). */
  get started(): boolean {
    return this.#started;
  }

  /** The resources watched. */
  resources(): Resource[] {
    return [...this.#entries.values()].map((e) => e.informer.resource);
  }

  /** Whether reads of `resource` are served from the cache. */
  isWatched(resource: Resource): boolean {
    return this.#entries.has(resource.key);
  }

  /**
   * The informer(s) of a resource, created on first call and started with the cache.
   * Without `scope` the cache's defaults apply and an existing informer is returned as is;
   * a `scope` differing from the one the resource is already watched with is an error (the
   * cache holds one scope per resource).
   */
  informerFor<T extends KubernetesObject>(resource: Resource<T>, scope?: InformerScope): ResourceInformer<T> {
    const existing = this.#entries.get(resource.key);
    const wanted = this.#effectiveScope(resource, scope);
    const scopeKey = JSON.stringify(wanted);
    if (existing) {
      if (scope !== undefined && existing.scopeKey !== scopeKey) {
        throw new Error(
          `${resource.kind} is already watched with scope ${existing.scopeKey}; the cache holds one scope per resource, asked for ${scopeKey}`,
        );
      }
      return existing.informer as unknown as ResourceInformer<T>;
    }
    const namespaces: (string | undefined)[] = wanted.namespaces.length > 0 ? wanted.namespaces : [undefined];
    const informers = namespaces.map((namespace) => {
      const watchScope: WatchScope = { namespace, labelSelector: wanted.labelSelector, fieldSelector: wanted.fieldSelector };
      const source = this.#options.sourceFor
        ? this.#options.sourceFor(resource, watchScope)
        : listWatchSource(this.#options.client!, resource, watchScope);
      const informer = new SharedInformer<T>(source, {
        clock: this.#clock,
        resyncPeriodMs: this.#options.resyncPeriodMs,
        transform: this.#options.transform,
        watcher: { ...this.#options.watcher, backoff: exponentialBackoff(this.#clock, this.#options.backoff) },
        onError: (error) => this.#options.onError?.(error, resource),
      });
      if (this.#started) informer.start(this.#signal);
      return { namespace, informer };
    });
    const entry = new ResourceInformer<T>(resource, informers);
    this.#entries.set(resource.key, { scopeKey, informer: entry as unknown as ResourceInformer<KubernetesObject> });
    return entry;
  }

  /**
   * Adds a custom index to a resource (watching it with the defaults if it is not yet), like
   * controller-runtime's `IndexField`. Read it with {@link byIndex}, or with a field selector
   * naming it: `list(Pod, { fieldSelector: "spec.nodeName=node-1" })`.
   */
  indexField<T extends KubernetesObject>(resource: Resource<T>, name: string, fn: IndexFunc<T>): void {
    this.informerFor(resource).addIndex(name, fn);
  }

  /** Copies of the objects indexed under `value` by the index `name`. */
  async byIndex<T extends KubernetesObject>(resource: Resource<T>, name: string, value: string, namespace?: string): Promise<T[]> {
    const informers = await this.#readable(resource, namespace);
    if (!informers[0]?.store.hasIndex(name)) {
      throw new Error(`no index "${name}" on ${resource.kind}: add it with cache.indexField(${resource.kind}, "${name}", fn)`);
    }
    const out: T[] = [];
    for (const informer of informers) {
      for (const object of informer.store.byIndex(name, value)) {
        if (namespace === undefined || object.metadata?.namespace === namespace) out.push(deepCopy(object));
      }
    }
    return out;
  }

  /** A copy of one object; an `ApiError` 404 (`isNotFound`) when the cache does not hold it. */
  async get<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey): Promise<T> {
    if (resource.namespaced && !key.namespace) {
      throw new TypeError(`get ${resource.kind} "${key.name}": ${resource.kind} is namespaced, so a namespace is required`);
    }
    const namespace = resource.namespaced ? key.namespace : undefined;
    const storeKey = namespace ? `${namespace}/${key.name}` : key.name;
    for (const informer of await this.#readable(resource, namespace)) {
      const object = informer.store.get(storeKey);
      if (object !== undefined) return deepCopy(object);
    }
    throw notFound(resource, key.name);
  }

  /** Copies of the matching objects, in no particular order. */
  async list<T extends KubernetesObject>(resource: Resource<T>, options: ListOptions = {}): Promise<T[]> {
    const namespace = resource.namespaced ? options.namespace : undefined;
    const informers = await this.#readable(resource, namespace);
    return selectObjects(informers, { ...options, namespace }, resource.kind).map(deepCopy);
  }

  /**
   * One page of the matching objects, in namespace/name order (see {@link cachePage}): at
   * most `limit` items and a cache continue token when more remain. The page's
   * resourceVersion is the informer's last seen one ("" when several informers serve it).
   * controller-runtime's cache differs: it stops at `limit` without a token, and refuses any
   * `continue`.
   */
  async listPage<T extends KubernetesObject>(resource: Resource<T>, options: ListOptions & CachePageRequest = {}): Promise<ListPage<T>> {
    const namespace = resource.namespaced ? options.namespace : undefined;
    const informers = await this.#readable(resource, namespace);
    const selected = selectObjects(informers, { ...options, namespace }, resource.kind);
    const resourceVersion = informers.length === 1 ? (informers[0]!.resourceVersion ?? "") : "";
    const page = cachePage(resource, selected, options, resourceVersion);
    return { ...page, items: page.items.map(deepCopy) };
  }

  /** Resolves true when every informer registered so far has synced; false if `signal` aborts or one stops. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.#entries.values()].map((e) => e.informer.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Starts every informer, and those registered later as they come; they stop when `signal` aborts or on {@link stop}. */
  start(signal?: AbortSignal): void {
    if (this.#started) return;
    this.#started = true;
    this.#signal = signal;
    for (const entry of this.#entries.values()) for (const { informer } of entry.informer.informers) informer.start(signal);
  }

  /** Stops every informer; resolves when they have stopped. */
  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all([...this.#entries.values()].flatMap((e) => e.informer.informers.map(({ informer }) => informer.stop())));
  }

  #effectiveScope(
    resource: Resource,
    scope: InformerScope | undefined,
  ): { namespaces: string[]; labelSelector?: string; fieldSelector?: string } {
    const namespaces = resource.namespaced ? [...new Set(scope?.namespaces ?? this.#options.namespaces ?? [])].sort() : [];
    const labelSelector = formatLabelSelector(scope?.labelSelector);
    const fieldSelector = scope?.fieldSelector?.trim() || undefined;
    return { namespaces, ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) };
  }

  /** The synced informers serving a read of `resource` in `namespace`, or the error saying why there are none. */
  async #readable<T extends KubernetesObject>(resource: Resource<T>, namespace: string | undefined): Promise<SharedInformer<T>[]> {
    const entry = this.#entries.get(resource.key);
    if (!entry) throw new ResourceNotCachedError(resource);
    const resourceInformer = entry.informer as unknown as ResourceInformer<T>;
    const informers = resourceInformer.informersFor(namespace);
    if (!informers) {
      throw new ResourceNotCachedError(resource, `in namespace ${namespace} (the cache watches ${resourceInformer.describeNamespaces()})`);
    }
    if (informers.every((i) => i.hasSynced())) return informers;
    if (!this.#started) throw new CacheNotSyncedError(resource, "the cache is not started (the manager starts it)");
    const timeoutMs = this.#options.readSyncTimeoutMs ?? 30_000;
    const timeout = new AbortController();
    const synced = await Promise.race([
      Promise.all(informers.map((i) => i.waitForSync(timeout.signal))).then((r) => r.every(Boolean)),
      sleep(this.#clock, timeoutMs, timeout.signal).then(() => false),
    ]);
    timeout.abort();
    if (synced) return informers;
    const lastError = informers.find((i) => i.lastError)?.lastError;
    throw new CacheNotSyncedError(
      resource,
      lastError ? `still failing after ${timeoutMs} ms: ${lastError.message}` : `no complete list within ${timeoutMs} ms`,
      { cause: lastError },
    );
  }
}

function notFound(resource: Resource, name: string): ApiError {
  return new ApiError(
    404,
    {
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      message: `${resource.plural}${resource.group ? `.${resource.group}` : ""} "${name}" not found`,
      reason: "NotFound",
      details: { name, group: resource.group, kind: resource.plural },
      code: 404,
    },
    "GET",
    `cache:${resource.key}/${name}`,
  );
}
