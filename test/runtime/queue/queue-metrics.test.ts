import { describe, expect, it } from "vitest";
import { WorkQueue, type QueueItem, type QueueMetrics } from "../../../src/runtime/queue/index.js";
import { FakeClock, type Clock } from "../../../src/runtime/clock/index.js";

type Call = [keyof QueueMetrics, number?];

function recorder(): QueueMetrics & { calls: Call[]; take(): Call[] } {
  const calls: Call[] = [];
  const rec = (name: keyof QueueMetrics) => (value?: number) =>
    void calls.push(value === undefined ? [name] : [name, value]);
  return {
    calls,
    take: () => calls.splice(0),
    setDepth: rec("setDepth"),
    incAdds: rec("incAdds"),
    observeQueueDuration: rec("observeQueueDuration"),
    observeWorkDuration: rec("observeWorkDuration"),
    setUnfinishedWorkSeconds: rec("setUnfinishedWorkSeconds"),
    setLongestRunningProcessorSeconds: rec("setLongestRunningProcessorSeconds"),
    incRetries: rec("incRetries"),
  };
}

describe("WorkQueue metrics", () => {
  it("reports adds, depth, queue duration and work duration as client-go does", () => {
    const clock = new FakeClock();
    const metrics = recorder();
    const queue = new WorkQueue({ clock, metrics, unfinishedWorkUpdatePeriodMs: 1e9 });
    queue.add("a");
    queue.add("a"); // duplicate: not counted
    expect(metrics.take()).toEqual([["incAdds"], ["setDepth", 1]]);
    clock.advance(2_000);
    const item = queue.tryGet() as QueueItem;
    expect(metrics.take()).toEqual([
      ["setDepth", 0],
      ["observeQueueDuration", 2],
    ]);
    clock.advance(500);
    queue.add("a"); // while in flight: counted, and part of the depth
    expect(metrics.take()).toEqual([["incAdds"], ["setDepth", 1]]);
    clock.advance(1_000);
    item.done();
    expect(metrics.take()).toEqual([["observeWorkDuration", 1.5]]);
    clock.advance(250);
    queue.tryGet();
    // It waited from its add (in flight) to this get: 1.25 s.
    expect(metrics.take()).toEqual([
      ["setDepth", 0],
      ["observeQueueDuration", 1.25],
    ]);
  });

  it("counts every delayed or rate-limited add as a retry", () => {
    const clock = new FakeClock();
    const metrics = recorder();
    const queue = new WorkQueue({ clock, metrics, unfinishedWorkUpdatePeriodMs: 1e9 });
    queue.addAfter("a", 10);
    queue.addAfter("a", 0);
    queue.addRateLimited("b");
    expect(metrics.calls.filter(([name]) => name === "incRetries")).toHaveLength(3);
  });

  it("updates unfinished work and the longest-running processor periodically, until shutdown", () => {
    const clock = new FakeClock();
    const metrics = recorder();
    const queue = new WorkQueue({ clock, metrics });
    queue.add("a");
    queue.add("b");
    queue.tryGet();
    clock.advance(1_000);
    queue.tryGet();
    metrics.take();
    clock.advance(500); // tick at 1500 ms: a has run 1.5 s, b 0.5 s
    expect(metrics.take()).toEqual([
      ["setUnfinishedWorkSeconds", 2],
      ["setLongestRunningProcessorSeconds", 1.5],
    ]);
    queue.done("a");
    queue.done("b");
    metrics.take();
    clock.advance(500);
    expect(metrics.take()).toEqual([
      ["setUnfinishedWorkSeconds", 0],
      ["setLongestRunningProcessorSeconds", 0],
    ]);
    queue.shutDown();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(5_000);
    expect(metrics.take()).toEqual([]);
  });

  it("sets the depth to zero when queued keys are discarded at shutdown", () => {
    const metrics = recorder();
    const queue = new WorkQueue({ clock: new FakeClock(), metrics });
    queue.add("a");
    queue.add("b");
    metrics.take();
    queue.shutDown({ discardQueued: true });
    expect(metrics.take()).toEqual([["setDepth", 0]]);
  });

  it("without metrics, never reads the clock for them and schedules nothing", () => {
    const fake = new FakeClock();
    let reads = 0;
    const clock: Clock = { now: () => (reads++, fake.now()), setTimeout: (cb, ms) => fake.setTimeout(cb, ms) };
    const queue = new WorkQueue({ clock });
    expect(fake.pendingTimers).toBe(0);
    const before = reads;
    for (let i = 0; i < 100; i++) queue.add(`k${i % 10}`);
    for (let item = queue.tryGet(); item !== undefined; item = queue.tryGet()) item.done();
    expect(reads).toBe(before);
  });
});
