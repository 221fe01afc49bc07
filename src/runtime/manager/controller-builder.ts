import { waitForSyncWithin, type InformerCache, type InformerEventHandler, type ResourceInformer } from "../cache/index.js";
import { Controller } from "../controller/controller.js";
import { ControllerNames } from "../controller/controller-name.js";
import { mappingHandler, requestForObject, requestForOwner, type MapFunction } from "../controller/event-handlers.js";
import type { Predicate } from "../controller/predicates.js";
import type { Logger } from "../log/logger.js";
import type { ControllerMetrics } from "../metrics/controller-metrics.js";
import type { Client } from "../client/types.js";
import { withSignal } from "../client/signal-client.js";
import type { Clock } from "../clock/index.js";
import { EventRecorder } from "../events/event-recorder.js";
import { PrometheusQueueMetrics, WorkQueue, type RateLimiter } from "../queue/index.js";
import type { Reconciler, Request } from "../reconcile.js";
import type { KubernetesObject, Resource } from "../resource.js";
import type { Registry } from "prom-client";

/** Options of a watch: predicates filter its events before they are mapped. */
export interface WatchOptions<T extends KubernetesObject = KubernetesObject> {
  readonly predicates?: readonly Predicate<T>[];
}

/** Options of an {@link ControllerBuilder.owns} watch. */
export interface OwnsOptions<T extends KubernetesObject = KubernetesObject> extends WatchOptions<T> {
  /**
   * Reconcile every owner of the primary's kind in the owned object's owner references, not
   * only its controller: controller-runtime's `Owns(obj, builder.MatchEveryOwner)`. Default false.
   */
  readonly matchEveryOwner?: boolean;
}

/** Options of a controller, as controller-runtime's `controller.Options`. */
export interface ControllerBuilderOptions {
  /** How many different keys are reconciled at once (a key never twice at once). Default 1. */
  readonly maxConcurrentReconciles?: number;
  /**
   * How long a failed (or `requeue`d) key waits before its next reconcile, as
   * controller-runtime's `RateLimiter`: any {@link RateLimiter} of the queue module
   * (`ItemExponentialFailureRateLimiter`, `BucketRateLimiter`, `MaxOfRateLimiter`, or your
   * own). Default {@link defaultControllerRateLimiter} on the manager's clock: per-key 5 ms
   * doubling to 1000 s, under 10 retries per second with a burst of 100. A limiter keeps
   * per-key state: give each controller its own.
   */
  readonly rateLimiter?: RateLimiter<string>;
  /**
   * `false` runs the controller on every replica, leader or not (controller-runtime's
   * `NeedLeaderElection`); it starts with the manager, without waiting for leadership.
   * Default true: only the elected leader runs it.
   */
  readonly needLeaderElection?: boolean;
  /**
   * Whether a panic in reconcile is recovered into a requeued error (default true, as
   * controller-runtime's `RecoverPanic`); `false` stops the controller on a panic. What
   * counts as a panic: see {@link isPanic}.
   */
  readonly recoverPanic?: boolean;
  /**
   * Skip the checks of the controller's name: its form ({@link validateControllerName}) and
   * its uniqueness within the manager (controller-runtime's `SkipNameValidation`). Default
   * false. Two controllers of one name then share their metric series.
   */
  readonly skipNameValidation?: boolean;
  /**
   * How long the controller waits for the caches of its watched kinds to sync before its start
   * fails (and with it the manager's), in ms. Default 120,000, as controller-runtime's
   * `CacheSyncTimeout`. A kind whose CRD is not installed never syncs: it is logged at once,
   * and named in the error.
   */
  readonly cacheSyncTimeout?: number;
}

/** controller-runtime's default `CacheSyncTimeout`: 2 minutes. */
export const DEFAULT_CACHE_SYNC_TIMEOUT_MS = 120_000;

/** What the builder needs from the manager. */
export interface BuilderContext {
  readonly cache: InformerCache;
  readonly client: Client;
  readonly registry: Registry;
  readonly metrics: ControllerMetrics;
  readonly log: Logger;
  readonly clock?: Clock | undefined;
  /** The names taken in the manager; without it only the form of a name is checked. */
  readonly names?: ControllerNames | undefined;
  /** An event recorder reporting as `name` (default: one writing through `client`). */
  eventRecorder?(name: string): EventRecorder;
  /** `start` runs the controller: it waits for the controller's caches, then runs its workers. */
  register(controller: Controller<Client>, name: string, start: (signal: AbortSignal) => Promise<void>): void;
}

interface WatchSpec {
  readonly resource: Resource;
  readonly map: MapFunction;
  readonly predicates: readonly Predicate[];
}

/**
 * Builds a controller for a primary resource, as controller-runtime's builder:
 * @example
 * ```ts
 * mgr.controller(CronJobResource)
 *   .owns(Job)
 *   .watches(ConfigMap, (cm) => [{ namespace: cm.metadata!.namespace, name: cm.metadata!.labels!.cronjob! }])
 *   .withEventFilter(generationChanged())
 *   .withOptions({ maxConcurrentReconciles: 2, rateLimiter: new ItemExponentialFailureRateLimiter(100, 60_000) })
 *   .complete(new CronJobReconciler());
 * ```
 */
export class ControllerBuilder<T extends KubernetesObject> {
  private name: string;
  private readonly watchSpecs: WatchSpec[] = [];
  private readonly filters: Predicate[] = [];
  private primaryPredicates: readonly Predicate[] = [];
  private options: ControllerBuilderOptions = {};
  private completed = false;

  constructor(
    private readonly context: BuilderContext,
    private readonly primary: Resource<T>,
  ) {
    this.name = primary.kind.toLowerCase();
  }

  /**
   * Names the controller (metrics, logs, its Events' source); default the kind in lower case.
   * The name must be unique within the manager and well-formed (see
   * {@link validateControllerName}) unless `skipNameValidation` is set; `complete()` checks it.
   */
  named(name: string): this {
    this.name = name;
    return this;
  }

  /** Predicates for the primary resource's events only. */
  withPrimaryPredicates(...predicates: Predicate<T>[]): this {
    this.primaryPredicates = predicates as Predicate[];
    return this;
  }

  /**
   * Reconciles the controlling owner (of the primary's kind) when an owned object changes;
   * with `matchEveryOwner`, every owner of that kind in its owner references.
   * @example
   * ```ts
   * mgr.controller(AppResource).owns(ConfigMap, { matchEveryOwner: true }); // a ConfigMap shared by several Apps
   * ```
   */
  owns<O extends KubernetesObject>(resource: Resource<O>, options: OwnsOptions<O> = {}): this {
    const map = requestForOwner(this.primary, { matchEveryOwner: options.matchEveryOwner });
    this.watchSpecs.push({ resource, map, predicates: (options.predicates ?? []) as Predicate[] });
    return this;
  }

  /** Reconciles the requests `map` returns for each event of `resource`. */
  watches<O extends KubernetesObject>(resource: Resource<O>, map: MapFunction<O>, options: WatchOptions<O> = {}): this {
    this.watchSpecs.push({ resource, map: map as MapFunction, predicates: (options.predicates ?? []) as Predicate[] });
    return this;
  }

  /** Filters the events of every watch of this controller. */
  withEventFilter(predicate: Predicate): this {
    this.filters.push(predicate);
    return this;
  }

  /** Sets controller options (merged over earlier calls); see {@link ControllerBuilderOptions}. */
  withOptions(options: ControllerBuilderOptions): this {
    const timeout = options.cacheSyncTimeout;
    if (timeout !== undefined && !(timeout > 0 && Number.isFinite(timeout))) {
      throw new RangeError(`controller ${this.name}: cacheSyncTimeout must be a positive number of ms, got ${timeout}`);
    }
    this.options = { ...this.options, ...options };
    return this;
  }

  /**
   * Creates the controller, wires its watches into the cache, and registers it with the
   * manager. Throws a `ControllerNameError` for a name that is malformed or taken in the
   * manager (unless `skipNameValidation`).
   */
  complete(reconciler: Reconciler<Client>): Controller<Client> {
    if (this.completed) throw new Error(`controller ${this.name} was already completed`);
    const { cache, client, registry, metrics, log, clock, names } = this.context;
    // Without the manager's names, a set of its own: the name's form is checked all the same.
    (names ?? new ControllerNames()).claim(this.name, { skipNameValidation: this.options.skipNameValidation === true });
    this.completed = true;
    const queue = new WorkQueue<string>({
      name: this.name,
      clock,
      rateLimiter: this.options.rateLimiter,
      metrics: new PrometheusQueueMetrics(registry, this.name),
    });
    const controllerLog = log.child({ controller: this.name });
    const recorder = this.context.eventRecorder?.(this.name) ?? new EventRecorder(client, this.name, controllerLog.child({ component: "events" }));
    const controller = new Controller<Client>({
      name: this.name,
      reconciler,
      client,
      queue,
      log: controllerLog,
      metrics,
      maxConcurrentReconciles: this.options.maxConcurrentReconciles,
      needLeaderElection: this.options.needLeaderElection,
      recoverPanic: this.options.recoverPanic,
      recorder,
      clock,
      bindClient: withSignal,
    });
    const enqueue = (req: Request) => controller.enqueue(req);
    const specs: WatchSpec[] = [
      { resource: this.primary, map: requestForObject, predicates: this.primaryPredicates },
      ...this.watchSpecs,
    ];
    const sources: ResourceInformer[] = [];
    for (const spec of specs) {
      const handler = mappingHandler(spec.map, [...this.filters, ...spec.predicates], enqueue);
      const adapter: InformerEventHandler = {
        onAdd: (o) => handler.onAdd(o),
        onUpdate: (a, b) => handler.onUpdate(a, b),
        onDelete: (o) => handler.onDelete(o),
      };
      const informer = cache.informerFor(spec.resource);
      informer.addEventHandler(adapter);
      sources.push(informer);
    }
    const name = this.name;
    const timeoutMs = this.options.cacheSyncTimeout ?? DEFAULT_CACHE_SYNC_TIMEOUT_MS;
    // As controller-runtime's controllers: each waits for its own sources, then starts workers.
    const start = async (signal: AbortSignal): Promise<void> => {
      let synced = false;
      try {
        synced = await waitForSyncWithin(sources, { name, timeoutMs, clock, signal });
      } finally {
        if (!synced) queue.shutDown({ discardQueued: true });
      }
      if (synced) await controller.start(signal);
    };
    this.context.register(controller, name, start);
    return controller;
  }
}
