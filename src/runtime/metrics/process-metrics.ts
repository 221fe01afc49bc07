import { collectDefaultMetrics, type Registry } from "prom-client";

/**
 * Registers prom-client's default metrics on `registry`: the process's (`process_cpu_seconds_total`,
 * `process_resident_memory_bytes`, `process_start_time_seconds`, `process_open_fds`, ...,
 * named as Go's process collector names them, which kubebuilder's Grafana dashboards read)
 * and Node.js's own (`nodejs_eventloop_lag_seconds`, `nodejs_heap_size_used_bytes`, GC
 * durations, ...). Values are read at each scrape.
 *
 * Does nothing when `registry` has them already, so several managers given one registry
 * (or the global one) do not fail on a duplicate registration.
 */
export function registerProcessMetrics(registry: Registry): void {
  if (registry.getSingleMetric("process_cpu_seconds_total") !== undefined) return;
  collectDefaultMetrics({ register: registry });
}
