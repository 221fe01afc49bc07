import { Counter, Histogram, type Registry } from "prom-client";
import { registeredMetric } from "./registered-metric.js";

/** client-go's request latency buckets (`rest_client_request_duration_seconds`), 5 ms to 60 s. */
export const REST_CLIENT_DURATION_BUCKETS: readonly number[] = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/**
 * client-go's REST client metrics, as controller-runtime registers them
 * (`pkg/metrics/client_go_adapter.go`), so dashboards written for Go operators work unchanged:
 * - `rest_client_requests_total{code,method,host}`: every request by the final answer's
 *   status code (`"<error>"` when no answer came: connection failure, timeout, abort);
 * - `rest_client_request_duration_seconds{verb,host}`: how long requests took, watches left
 *   out (controller-runtime registers this one on request only; the manager always does).
 *
 * `host` is the API server's `host:port`; `method` and `verb` the HTTP method.
 * Several instances on one registry share the metrics.
 */
export class RestClientMetrics {
  readonly requestsTotal: Counter<"code" | "method" | "host">;
  readonly requestDuration: Histogram<"verb" | "host">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requestsTotal = registeredMetric(registry, "rest_client_requests_total", Counter, () =>
      new Counter({
        name: "rest_client_requests_total",
        help: "Number of HTTP requests, partitioned by status code, method, and host.",
        labelNames: ["code", "method", "host"],
        registers,
      }),
    );
    this.requestDuration = registeredMetric(registry, "rest_client_request_duration_seconds", Histogram, () =>
      new Histogram({
        name: "rest_client_request_duration_seconds",
        help: "Request latency in seconds. Broken down by verb and host.",
        labelNames: ["verb", "host"],
        buckets: [...REST_CLIENT_DURATION_BUCKETS],
        registers,
      }),
    );
  }
}
