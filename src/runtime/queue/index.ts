// The work queue: client-go's rate-limited, delaying, de-duplicating queue. Named exports only.
export { NOOP_QUEUE_METRICS, type QueueMetrics } from "./queue-metrics.js";
export { PrometheusQueueMetrics, WORKQUEUE_METRIC_NAMES } from "./prometheus-metrics.js";
export {
  BucketRateLimiter,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_BURST,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_QPS,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  type BucketRateLimiterOptions,
  type RateLimiter,
} from "./rate-limiter.js";
export { type QueueItem } from "./queue-item.js";
export { WorkQueue, type ShutDownOptions, type WorkQueueOptions } from "./work-queue.js";
