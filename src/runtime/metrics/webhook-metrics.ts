import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { registeredMetric } from "./registered-metric.js";

/** A request being served: call `done` once with the HTTP status code sent. */
export interface WebhookRequestTimer {
  done(statusCode: number): void;
}

/**
 * The webhook server's request metrics, named and labelled as controller-runtime's
 * (`pkg/webhook/internal/metrics`), so dashboards written for Go operators work unchanged:
 * `controller_runtime_webhook_requests_total{webhook,code}`,
 * `controller_runtime_webhook_requests_in_flight{webhook}` and the histogram
 * `controller_runtime_webhook_latency_seconds{webhook}` (Prometheus' default buckets).
 * `webhook` is the served path (`/mutate-batch-v1-cronjob`, `/convert`); `code` the HTTP
 * status code of the answer.
 * @example
 * ```ts
 * const metrics = new WebhookMetrics(registry);
 * metrics.initWebhook("/convert");
 * const timer = metrics.begin("/convert");
 * // ... answer the request ...
 * timer.done(200);
 * ```
 */
export class WebhookMetrics {
  readonly requestsTotal: Counter<"webhook" | "code">;
  readonly requestsInFlight: Gauge<"webhook">;
  readonly latency: Histogram<"webhook">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requestsTotal = registeredMetric(registry, "controller_runtime_webhook_requests_total", Counter, () =>
      new Counter({
        name: "controller_runtime_webhook_requests_total",
        help: "Total number of admission requests by HTTP status code.",
        labelNames: ["webhook", "code"],
        registers,
      }),
    );
    this.requestsInFlight = registeredMetric(registry, "controller_runtime_webhook_requests_in_flight", Gauge, () =>
      new Gauge({
        name: "controller_runtime_webhook_requests_in_flight",
        help: "Current number of admission requests being served.",
        labelNames: ["webhook"],
        registers,
      }),
    );
    this.latency = registeredMetric(registry, "controller_runtime_webhook_latency_seconds", Histogram, () =>
      new Histogram({
        name: "controller_runtime_webhook_latency_seconds",
        help: "Histogram of the latency of processing admission requests",
        labelNames: ["webhook"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
    );
  }

  /** Starts a served path's series at zero, as controller-runtime does: in-flight, and the counts of codes 200 and 500. */
  initWebhook(webhook: string): void {
    this.requestsInFlight.set({ webhook }, 0);
    for (const code of ["200", "500"]) this.requestsTotal.inc({ webhook, code }, 0);
  }

  /** Counts a request to `webhook` in flight until its timer is done, then counts it by code and observes its latency. */
  begin(webhook: string): WebhookRequestTimer {
    const started = performance.now();
    this.requestsInFlight.inc({ webhook });
    let finished = false;
    return {
      done: (statusCode) => {
        if (finished) return;
        finished = true;
        this.requestsInFlight.dec({ webhook });
        this.requestsTotal.inc({ webhook, code: String(statusCode) });
        this.latency.observe({ webhook }, (performance.now() - started) / 1000);
      },
    };
  }
}
