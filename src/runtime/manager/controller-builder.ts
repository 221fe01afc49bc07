import { waitForSyncWithin, type InformerCache, type InformerEventHandler, type ResourceInformer } from "../cache/index.js";
import { Controller } from "../controller/controller.js";
import { mappingHandler, requestForObject, requestForOwner, type MapFunction } from "../controller/event-handlers.js";
import type { Predicate } from "../controller/predicates.js";
import type { Logger } from "../log/logger.js";
import type { ControllerMetrics } from "../metrics/controller-metrics.js";
import type { Client } from "../client/types.js";
import type { Clock } from "../clock/index.js";
import { PrometheusQueueMetrics, WorkQueue } from "../queue/index.js";
import type { Reconciler, Request } from "../reconcile.js";
import type { KubernetesObject, Resource } from "../resource.js";
import type { Registry } from "prom-client";

/** Options of a watch: predicates filter its events before they are mapped. */
export interface WatchOptions<T extends KubernetesObject = KubernetesObject> {
  readonly predicates?: readonly Predicate<T>[];
}

/** Options of a controller. */
export interface ControllerBuilderOptions {
  /** How many different keys are reconciled at once (a key never twice at once). Default 1. */
  readonly maxConcurrentReconciles?: number;
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
 *   .withOptions({ maxConcurrentReconciles: 2 })
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

  /** Names the controller (metrics, logs); default the kind in lower case. */
  named(name: string): this {
    this.name = name;
    return this;
  }

  /** Predicates for the primary resource's events only. */
  withPrimaryPredicates(...predicates: Predicate<T>[]): this {
    this.primaryPredicates = predicates as Predicate[];
    return this;
  }

  /** Reconciles the controlling owner (of the primary's kind) when an owned object changes. */
  owns<O extends KubernetesObject>(resource: Resource<O>, options: WatchOptions<O> = {}): this {
    this.watchSpecs.push({ resource, map: requestForOwner(this.primary), predicates: (options.predicates ?? []) as Predicate[] });
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

  withOptions(options: ControllerBuilderOptions): this {
    const timeout = options.cacheSyncTimeout;
    if (timeout !== undefined && !(timeout > 0 && Number.isFinite(timeout))) {
      throw new RangeError(`controller ${this.name}: cacheSyncTimeout must be a positive number of ms, got ${timeout}`);
    }
    this.options = { ...this.options, ...options };
    return this;
  }

  /** Creates the controller, wires its watches into the cache, and registers it with the manager. */
  complete(reconciler: Reconciler<Client>): Controller<Client> {
    if (this.completed) throw new Error(`controller ${this.name} was already completed`);
    this.completed = true;
    const { cache, client, registry, metrics, log, clock } = this.context;
    const queue = new WorkQueue<string>({ name: this.name, clock, metrics: new PrometheusQueueMetrics(registry, this.name) });
    const controller = new Controller<Client>({
      name: this.name,
      reconciler,
      client,
      queue,
      log: log.child({ controller: this.name }),
      metrics,
      maxConcurrentReconciles: this.options.maxConcurrentReconciles,
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
