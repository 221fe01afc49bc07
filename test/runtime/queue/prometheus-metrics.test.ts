import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { PrometheusQueueMetrics, WORKQUEUE_METRIC_NAMES, WorkQueue } from "../../../src/runtime/queue/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";

async function valueOf(
  registry: Registry,
  metric: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const json = await registry.getMetricsAsJSON();
  const found = json.find((m) => m.name === metric);
  const sample = found?.values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return sample?.value;
}

describe("PrometheusQueueMetrics", () => {
  it("registers controller-runtime's workqueue metric names", async () => {
    const registry = new Registry();
    new PrometheusQueueMetrics(registry, "cronjob");
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name).sort();
    expect(names).toEqual(Object.values(WORKQUEUE_METRIC_NAMES).sort());
    expect(names).toEqual([
      "workqueue_adds_total",
      "workqueue_depth",
      "workqueue_longest_running_processor_seconds",
      "workqueue_queue_duration_seconds",
      "workqueue_retries_total",
      "workqueue_unfinished_work_seconds",
      "workqueue_work_duration_seconds",
    ]);
  });

  it("records a queue's activity under its name, and queues share one registry", async () => {
    const registry = new Registry();
    const clock = new FakeClock();
    const alpha = new WorkQueue({ clock, metrics: new PrometheusQueueMetrics(registry, "alpha") });
    const beta = new WorkQueue({ clock, metrics: new PrometheusQueueMetrics(registry, "beta") });
    alpha.add("a");
    alpha.add("b");
    alpha.add("a");
    beta.add("x");
    beta.addAfter("y", 100);
    clock.advance(3);
    alpha.tryGet();
    clock.advance(600);
    const text = await registry.metrics();
    expect(text).toContain('workqueue_depth{name="alpha",controller="alpha",priority=""} 1');
    expect(text).toContain('workqueue_depth{name="beta",controller="beta",priority=""} 2');
    expect(text).toContain('workqueue_adds_total{name="alpha",controller="alpha"} 2');
    expect(text).toContain('workqueue_retries_total{name="beta",controller="beta"} 1');
    expect(text).toContain('workqueue_retries_total{name="alpha",controller="alpha"} 0');
    // Queued 3 ms: in the 0.01 s bucket, not in the 0.001 s one.
    expect(text).toContain('workqueue_queue_duration_seconds_bucket{le="0.001",name="alpha",controller="alpha"} 0');
    expect(text).toContain('workqueue_queue_duration_seconds_bucket{le="0.01",name="alpha",controller="alpha"} 1');
    // The last update ran at 500 ms; "a" was handed out at 3 ms.
    expect(await valueOf(registry, "workqueue_longest_running_processor_seconds", { name: "alpha" })).toBeCloseTo(
      0.497,
      9,
    );
    expect(await valueOf(registry, "workqueue_unfinished_work_seconds", { name: "beta" })).toBe(0);
    alpha.done("a");
    expect(await registry.getSingleMetricAsString("workqueue_work_duration_seconds")).toContain(
      'workqueue_work_duration_seconds_sum{name="alpha",controller="alpha"} 0.6',
    );
    alpha.shutDown();
    beta.shutDown();
  });

  it("says what it expected when the registry holds another kind of metric under a queue name", () => {
    const registry = new Registry();
    new Counter({ name: "workqueue_depth", help: "not a gauge", registers: [registry] });
    expect(() => new PrometheusQueueMetrics(registry, "q")).toThrow(
      /expected metric "workqueue_depth" in the registry to be a Gauge/,
    );
    expect(() => new PrometheusQueueMetrics(new Registry(), "")).toThrow(/non-empty queue name/);
  });
});
