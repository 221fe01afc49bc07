/**
 * What a {@link WorkQueue} reports, one method per metric controller-runtime exports for
 * its queues (`workqueue_*`). The queue computes every value; an implementation only
 * records it. {@link PrometheusQueueMetrics} records them with prom-client.
 *
 * Every call happens synchronously inside a queue operation, so implementations must be
 * cheap and must not throw.
 */
export interface QueueMetrics {
  /**
   * `workqueue_depth`: keys waiting to be handed to a worker, including a key that is being
   * processed and was added again (it waits for `done`). Called whenever it changes.
   */
  setDepth(depth: number): void;
  /** `workqueue_adds_total`: a key became pending (adds of an already pending key are not counted). */
  incAdds(): void;
  /** `workqueue_queue_duration_seconds`: how long a key waited between its add and its `get`. */
  observeQueueDuration(seconds: number): void;
  /** `workqueue_work_duration_seconds`: how long a key was processed, from `get` to `done`. */
  observeWorkDuration(seconds: number): void;
  /**
   * `workqueue_unfinished_work_seconds`: the summed age of all processing still in flight.
   * Set periodically (every 500 ms by default) while the queue runs.
   */
  setUnfinishedWorkSeconds(seconds: number): void;
  /** `workqueue_longest_running_processor_seconds`: the age of the oldest processing in flight; set with the above. */
  setLongestRunningProcessorSeconds(seconds: number): void;
  /** `workqueue_retries_total`: a delayed or rate-limited add (`addAfter`, `addRateLimited`). */
  incRetries(): void;
}

const noop = (): void => {};

/**
 * Records nothing: the queue's default. The queue recognises this object and then skips
 * reading the clock for metrics altogether.
 */
export const NOOP_QUEUE_METRICS: QueueMetrics = Object.freeze({
  setDepth: noop,
  incAdds: noop,
  observeQueueDuration: noop,
  observeWorkDuration: noop,
  setUnfinishedWorkSeconds: noop,
  setLongestRunningProcessorSeconds: noop,
  incRetries: noop,
});
