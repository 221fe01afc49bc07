import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { registeredMetric } from "./registered-metric.js";

/** The reconcile outcome label values, as controller-runtime's. */
export type ReconcileOutcome = "success" | "error" | "requeue" | "requeue_after";

/**
 * Controller metrics named as controller-runtime names them, so dashboards and alerts
 * written for Go operators work unchanged.
 */
export class ControllerMetrics {
  readonly reconcileTotal: Counter<"controller" | "result">;
  readonly reconcileErrors: Counter<"controller">;
  readonly terminalErrors: Counter<"controller">;
  readonly reconcilePanics: Counter<"controller">;
  readonly reconcileTime: Histogram<"controller">;
  readonly maxConcurrent: Gauge<"controller">;
  readonly activeWorkers: Gauge<"controller">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.reconcileTotal = registeredMetric(registry, "controller_runtime_reconcile_total", Counter, () =>
      new Counter({
        name: "controller_runtime_reconcile_total",
        help: "Total number of reconciliations per controller",
        labelNames: ["controller", "result"],
        registers,
      }),
    );
    this.reconcileErrors = registeredMetric(registry, "controller_runtime_reconcile_errors_total", Counter, () =>
      new Counter({
        name: "controller_runtime_reconcile_errors_total",
        help: "Total number of reconciliation errors per controller",
        labelNames: ["controller"],
        registers,
      }),
    );
    this.terminalErrors = registeredMetric(registry, "controller_runtime_terminal_reconcile_errors_total", Counter, () =>
      new Counter({
        name: "controller_runtime_terminal_reconcile_errors_total",
        help: "Total number of terminal reconciliation errors per controller",
        labelNames: ["controller"],
        registers,
      }),
    );
    this.reconcilePanics = registeredMetric(registry, "controller_runtime_reconcile_panics_total", Counter, () =>
      new Counter({
        name: "controller_runtime_reconcile_panics_total",
        help: "Total number of reconciliation panics per controller",
        labelNames: ["controller"],
        registers,
      }),
    );
    this.reconcileTime = registeredMetric(registry, "controller_runtime_reconcile_time_seconds", Histogram, () =>
      new Histogram({
        name: "controller_runtime_reconcile_time_seconds",
        help: "Length of time per reconciliation per controller",
        labelNames: ["controller"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60],
        registers,
      }),
    );
    this.maxConcurrent = registeredMetric(registry, "controller_runtime_max_concurrent_reconciles", Gauge, () =>
      new Gauge({
        name: "controller_runtime_max_concurrent_reconciles",
        help: "Maximum number of concurrent reconciles per controller",
        labelNames: ["controller"],
        registers,
      }),
    );
    this.activeWorkers = registeredMetric(registry, "controller_runtime_active_workers", Gauge, () =>
      new Gauge({
        name: "controller_runtime_active_workers",
        help: "Number of currently used workers per controller",
        labelNames: ["controller"],
        registers,
      }),
    );
  }

  /** Starts every series of a controller at zero, as controller-runtime does on start. */
  initController(controller: string, maxConcurrentReconciles: number): void {
    for (const result of ["success", "error", "requeue", "requeue_after"] as const) this.reconcileTotal.inc({ controller, result }, 0);
    this.reconcileErrors.inc({ controller }, 0);
    this.terminalErrors.inc({ controller }, 0);
    this.reconcilePanics.inc({ controller }, 0);
    this.maxConcurrent.set({ controller }, maxConcurrentReconciles);
    this.activeWorkers.set({ controller }, 0);
  }
}
