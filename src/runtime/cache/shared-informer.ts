import type { KubernetesObject } from "../resource.js";
import { realClock, setBackgroundTimeout, type Clock, type ClockTimer } from "../clock/index.js";
import type { ListWatchSource } from "../watch/list-watch-source.js";
import { watch, type WatcherOptions } from "../watch/watcher.js";
import type { WatcherError } from "../watch/watcher-event.js";
import { deepFreeze } from "./object-copy.js";
import { ObjectStore, objectKey, type IndexFunc, type StoreReader } from "./object-store.js";

/** Context of an add: `initialList` is true for objects of the informer's first list. */
export interface AddInfo {
  readonly initialList: boolean;
}
/** Context of an update: `resync` is true when nothing changed and the resync period re-delivered it. */
export interface UpdateInfo {
  readonly resync: boolean;
}
/**
 * Context of a delete: `finalStateUnknown` is true when the delete was missed (the object
 * vanished from a relist) and the object is the last state the cache knew.
 */
export interface DeleteInfo {
  readonly finalStateUnknown: boolean;
}

/**
 * Callbacks for changes in an informer's store. Objects are the cache's own, deep-frozen:
 * read them, copy them to change them. Keep callbacks quick (enqueue a key); one that throws
 * is reported to `onError` and the others still run.
 */
export interface InformerEventHandler<T extends KubernetesObject = KubernetesObject> {
  onAdd?(object: T, info: AddInfo): void;
  onUpdate?(oldObject: T, newObject: T, info: UpdateInfo): void;
  onDelete?(object: T, info: DeleteInfo): void;
}

/** What {@link SharedInformer} takes. */
export interface SharedInformerOptions<T extends KubernetesObject> {
  /** Time for resync and the watcher's backoff (default the real clock). */
  readonly clock?: Clock | undefined;
  /** Re-deliver every object as an update this often (ms); off when 0 or unset. */
  readonly resyncPeriodMs?: number | undefined;
  /** Applied to each object before it is stored (e.g. {@link stripManagedFields}); may change it in place. */
  readonly transform?: ((object: T) => T) | undefined;
  /** Watcher settings: page size, timeouts, backoff, transitions. */
  readonly watcher?: Omit<WatcherOptions, "signal" | "clock" | "onError"> | undefined;
  /** Watcher failures (recovered from) and handler or index errors. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/**
 * One list+watch feeding one store, shared by every handler that needs the resource in this
 * scope. The store changes only here; it serves the previous state during a relist and
 * swaps at its end, when objects that vanished are reported as deletes with
 * `finalStateUnknown` (the tombstones of missed deletes) and changed ones as updates.
 *
 * @example
 * ```ts
 * const informer = new SharedInformer(listWatchSource(apiClient, ConfigMap, { namespace: "default" }));
 * informer.addEventHandler({ onAdd: (cm) => queue.add(requestKey(cm.metadata!)) });
 * informer.start(signal);
 * await informer.waitForSync(signal);
 * ```
 */
export class SharedInformer<T extends KubernetesObject = KubernetesObject> {
  readonly #source: ListWatchSource<T>;
  readonly #options: SharedInformerOptions<T>;
  readonly #clock: Clock;
  readonly #store: ObjectStore<T>;
  readonly #handlers = new Set<InformerEventHandler<T>>();
  #synced = false;
  #syncWaiters = new Set<(synced: boolean) => void>();
  #controller: AbortController | undefined;
  #done: Promise<void> | undefined;
  #resyncTimer: ClockTimer | undefined;
  #lastError: WatcherError | undefined;
  #resourceVersion: string | undefined;

  constructor(source: ListWatchSource<T>, options: SharedInformerOptions<T> = {}) {
    this.#source = source;
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#store = new ObjectStore<T>({
      onIndexError: (name, error) =>
        this.#report(new Error(`index "${name}" of ${source.description} threw: ${String(error)}`, { cause: error })),
    });
  }

  /** What is watched, e.g. "ConfigMap in namespace default". */
  get description(): string {
    return this.#source.description;
  }

  /** The objects, read-only. */
  get store(): StoreReader<T> {
    return this.#store;
  }

  /** Whether the informer is running. */
  get running(): boolean {
    return this.#controller !== undefined;
  }

  /** The last failure the watcher recovered from; explains a cache that does not sync. */
  get lastError(): WatcherError | undefined {
    return this.#lastError;
  }

  /** The last resourceVersion seen (list, object or bookmark). */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** True once the first list is in the store. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves true once synced; false if `signal` aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (synced: boolean): void => {
        this.#syncWaiters.delete(done);
        signal?.removeEventListener("abort", onAbort);
        resolve(synced);
      };
      const onAbort = (): void => done(false);
      this.#syncWaiters.add(done);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Adds a handler; returns a function removing it. Added after the first sync, it is first
   * told of every stored object as an add (`initialList: true`).
   */
  addEventHandler(handler: InformerEventHandler<T>): () => void {
    this.#handlers.add(handler);
    if (this.#synced && handler.onAdd) {
      for (const object of this.#store.list()) this.#call(() => handler.onAdd!(object, { initialList: true }));
    }
    return () => void this.#handlers.delete(handler);
  }

  /** Adds a custom index (before or after start); see {@link StoreReader.byIndex}. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.#store.addIndex(name, fn);
  }

  /** Starts list+watch in the background; a no-op when running. Stops when `signal` aborts or on {@link stop}. */
  start(signal?: AbortSignal): void {
    if (this.#controller) return;
    const controller = new AbortController();
    this.#controller = controller;
    if (signal) {
      if (signal.aborted) controller.abort();
      else signal.addEventListener("abort", () => controller.abort(), { once: true });
    }
    this.#done = this.#run(controller.signal)
      .catch((error: unknown) => this.#report(error))
      .finally(() => {
        if (this.#controller === controller) this.#controller = undefined;
        this.#resyncTimer?.cancel();
        this.#resyncTimer = undefined;
        for (const waiter of [...this.#syncWaiters]) waiter(false);
      });
  }

  /** Stops the watch and resolves when it has stopped. The store keeps its content. */
  async stop(): Promise<void> {
    this.#controller?.abort();
    await this.#done;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let buffer: Map<string, T> | undefined;
    const events = watch(this.#source, {
      ...this.#options.watcher,
      clock: this.#clock,
      signal,
      onError: (error) => {
        this.#lastError = error;
        this.#report(error);
      },
    });
    for await (const event of events) {
      switch (event.type) {
        case "init":
          buffer = new Map();
          break;
        case "initApply": {
          const object = this.#prepare(event.object);
          (buffer ??= new Map()).set(objectKey(object), object);
          break;
        }
        case "initDone":
          this.#resourceVersion = event.resourceVersion;
          this.#finishList(buffer ?? new Map());
          buffer = undefined;
          break;
        case "apply": {
          const object = this.#prepare(event.object);
          this.#resourceVersion = object.metadata?.resourceVersion ?? this.#resourceVersion;
          const old = this.#store.upsert(object);
          if (old === undefined) this.#each((h) => h.onAdd?.(object, { initialList: false }));
          else this.#each((h) => h.onUpdate?.(old, object, { resync: false }));
          break;
        }
        case "delete": {
          const object = this.#prepare(event.object);
          this.#resourceVersion = object.metadata?.resourceVersion ?? this.#resourceVersion;
          if (this.#store.remove(objectKey(object)) !== undefined) {
            this.#each((h) => h.onDelete?.(object, { finalStateUnknown: false }));
          }
          break;
        }
        case "bookmark":
          this.#resourceVersion = event.resourceVersion;
          break;
        default: {
          const never: never = event;
          throw new Error(`unknown watcher event ${JSON.stringify(never)}`);
        }
      }
    }
  }

  #finishList(objects: Map<string, T>): void {
    const first = !this.#synced;
    const diff = this.#store.replace(objects);
    for (const object of diff.deleted) this.#each((h) => h.onDelete?.(object, { finalStateUnknown: true }));
    for (const object of diff.added) this.#each((h) => h.onAdd?.(object, { initialList: first }));
    for (const [old, object] of diff.updated) this.#each((h) => h.onUpdate?.(old, object, { resync: false }));
    if (first) {
      this.#synced = true;
      for (const waiter of [...this.#syncWaiters]) waiter(true);
      this.#scheduleResync();
    }
  }

  #scheduleResync(): void {
    const period = this.#options.resyncPeriodMs;
    if (!period || period <= 0 || !this.#controller) return;
    this.#resyncTimer = setBackgroundTimeout(this.#clock, () => {
      this.#resyncTimer = undefined;
      if (!this.#controller) return;
      for (const object of this.#store.list()) this.#each((h) => h.onUpdate?.(object, object, { resync: true }));
      this.#scheduleResync();
    }, period);
  }

  #prepare(object: T): T {
    let prepared = object;
    const transform = this.#options.transform;
    if (transform) {
      try {
        prepared = transform(object);
      } catch (error) {
        this.#report(new Error(`transform of ${this.#source.description} threw: ${String(error)}`, { cause: error }));
      }
    }
    return deepFreeze(prepared);
  }

  #each(call: (handler: InformerEventHandler<T>) => void): void {
    for (const handler of this.#handlers) this.#call(() => call(handler));
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#report(new Error(`an event handler of ${this.#source.description} threw: ${String(error)}`, { cause: error }));
    }
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // A failing error callback must not stop the informer.
    }
  }
}
