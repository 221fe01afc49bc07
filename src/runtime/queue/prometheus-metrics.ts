import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { QueueMetrics } from "./queue-metrics.js";

/** The work-queue metric names, as controller-runtime exports them. */
export const WORKQUEUE_METRIC_NAMES = Object.freeze({
  depth: "workqueue_depth",
  adds: "workqueue_adds_total",
  queueDuration: "workqueue_queue_duration_seconds",
  workDuration: "workqueue_work_duration_seconds",
  unfinishedWork: "workqueue_unfinished_work_seconds",
  longestRunningProcessor: "workqueue_longest_running_processor_seconds",
  retries: "workqueue_retries_total",
} as const);

/** controller-runtime's duration buckets: 10 ns to 1000 s, ×10 each. */
const DURATION_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];

type QueueLabel = "name" | "controller";
type DepthLabel = QueueLabel | "priority";
const QUEUE_LABELS: QueueLabel[] = ["name", "controller"];

/**
 * Returns the metric called `name` from `registry`, creating it with `create` the first
 * time, so that every queue of a manager shares one metric and differs by label.
 */
function shared<M>(registry: Registry, name: string, type: abstract new (...args: never[]) => M, create: () => M): M {
  const existing = registry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (existing instanceof type) return existing;
  throw new TypeError(
    `PrometheusQueueMetrics: expected metric "${name}" in the registry to be a ${type.name}, found another kind of metric`,
  );
}

/**
 * {@link QueueMetrics} recorded with prom-client under controller-runtime's names and
 * labels (`name` and `controller` both set to the queue's name, plus an empty `priority` on
 * `workqueue_depth`), registered in `registry`. Queues of one manager share the metrics;
 * create one of these per queue.
 *
 * @example
 * ```ts
 * const registry = new Registry();
 * const queue = new WorkQueue({ name: "cronjob", metrics: new PrometheusQueueMetrics(registry, "cronjob") });
 * ```
 */
export class PrometheusQueueMetrics implements QueueMetrics {
  readonly #depth: Gauge.Internal<DepthLabel>;
  readonly #adds: Counter.Internal;
  readonly #queueDuration: Histogram.Internal<QueueLabel>;
  readonly #workDuration: Histogram.Internal<QueueLabel>;
  readonly #unfinishedWork: Gauge.Internal<QueueLabel>;
  readonly #longestRunningProcessor: Gauge.Internal<QueueLabel>;
  readonly #retries: Counter.Internal;

  /**
   * @param registry where the metrics are registered (once, by the first queue).
   * @param name the queue's name: the `name` and `controller` label values.
   */
  constructor(registry: Registry, name: string) {
    if (name === "") throw new TypeError("PrometheusQueueMetrics: expected a non-empty queue name");
    const labels = { name, controller: name };
    const registers = [registry];
    const n = WORKQUEUE_METRIC_NAMES;
    this.#depth = shared(registry, n.depth, Gauge, () => {
      return new Gauge<DepthLabel>({
        name: n.depth,
        help: "Current depth of the work queue: keys waiting for a worker",
        labelNames: ["name", "controller", "priority"],
        registers,
      });
    }).labels({ ...labels, priority: "" });
    this.#adds = shared(registry, n.adds, Counter, () => {
      return new Counter<QueueLabel>({
        name: n.adds,
        help: "Total number of adds handled by the work queue (duplicates of a pending key not counted)",
        labelNames: QUEUE_LABELS,
        registers,
      });
    }).labels(labels);
    this.#queueDuration = shared(registry, n.queueDuration, Histogram, () => {
      return new Histogram<QueueLabel>({
        name: n.queueDuration,
        help: "How long in seconds a key waits in the work queue before a worker takes it",
        labelNames: QUEUE_LABELS,
        buckets: DURATION_BUCKETS,
        registers,
      });
    }).labels(labels);
    this.#workDuration = shared(registry, n.workDuration, Histogram, () => {
      return new Histogram<QueueLabel>({
        name: n.workDuration,
        help: "How long in seconds a worker takes to process a key from the work queue",
        labelNames: QUEUE_LABELS,
        buckets: DURATION_BUCKETS,
        registers,
      });
    }).labels(labels);
    this.#unfinishedWork = shared(registry, n.unfinishedWork, Gauge, () => {
      return new Gauge<QueueLabel>({
        name: n.unfinishedWork,
        help:
          "Seconds of work in progress that work_duration has not observed yet, summed over workers; " +
          "a steady rise means stuck workers",
        labelNames: QUEUE_LABELS,
        registers,
      });
    }).labels(labels);
    this.#longestRunningProcessor = shared(registry, n.longestRunningProcessor, Gauge, () => {
      return new Gauge<QueueLabel>({
        name: n.longestRunningProcessor,
        help: "How many seconds the longest-running worker of the work queue has been processing its key",
        labelNames: QUEUE_LABELS,
        registers,
      });
    }).labels(labels);
    this.#retries = shared(registry, n.retries, Counter, () => {
      return new Counter<QueueLabel>({
        name: n.retries,
        help: "Total number of delayed adds to the work queue (rate-limited requeues, requeueAfter, addAfter)",
        labelNames: QUEUE_LABELS,
        registers,
      });
    }).labels(labels);
    // Show every series from the start, as controller-runtime does, not only after the first event.
    this.#depth.set(0);
    this.#adds.inc(0);
    this.#retries.inc(0);
    this.#unfinishedWork.set(0);
    this.#longestRunningProcessor.set(0);
  }

  setDepth(depth: number): void {
    this.#depth.set(depth);
  }
  incAdds(): void {
    this.#adds.inc();
  }
  observeQueueDuration(seconds: number): void {
    this.#queueDuration.observe(seconds);
  }
  observeWorkDuration(seconds: number): void {
    this.#workDuration.observe(seconds);
  }
  setUnfinishedWorkSeconds(seconds: number): void {
    this.#unfinishedWork.set(seconds);
  }
  setLongestRunningProcessorSeconds(seconds: number): void {
    this.#longestRunningProcessor.set(seconds);
  }
  incRetries(): void {
    this.#retries.inc();
  }
}
