import { describe, expect, it } from "vitest";
import { ItemExponentialFailureRateLimiter, WorkQueue } from "../../../src/runtime/queue/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { flushMicrotasks, seededPrng, type Prng } from "./prng.js";

const KEYS = Array.from({ length: 10 }, (_, i) => `ns/k${i}`);
const WORKERS = 16;
const PRODUCER_STEPS = 1_500;

async function yieldRandomly(rng: Prng, max: number): Promise<void> {
  const turns = rng.int(max + 1);
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/**
 * Many async workers and a producer, interleaved at random by seeded numbers of microtask
 * yields; workers re-add their key, delay it or fail it (rate-limited) while processing.
 * Every bounded: a fixed number of producer steps, then a bounded wind-down.
 */
async function run(
  seed: number,
): Promise<{ violations: string[]; maxParallel: number; missed: string[]; processed: number }> {
  const rng = seededPrng(seed);
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(1, 20) });
  const active = new Set<string>();
  const violations: string[] = [];
  // A logical time: every accepted direct add and every start of processing gets the next tick.
  let tick = 0;
  const lastAdd = new Map<string, number>();
  const lastStart = new Map<string, number>();
  let maxParallel = 0;
  let processed = 0;

  const add = (key: string): void => {
    if (queue.shuttingDown) return;
    queue.add(key);
    lastAdd.set(key, ++tick);
  };

  const worker = async (): Promise<void> => {
    for (let item = await queue.get(); item !== undefined; item = await queue.get()) {
      if (active.has(item.key)) violations.push(`${item.key} processed by two workers at tick ${tick}`);
      active.add(item.key);
      lastStart.set(item.key, ++tick);
      maxParallel = Math.max(maxParallel, active.size);
      await yieldRandomly(rng, 6);
      const roll = rng.int(10);
      if (roll === 0)
        add(item.key); // an event for the key arrives mid-reconcile
      else if (roll === 1)
        queue.addRateLimited(item.key); // the reconcile failed
      else if (roll === 2)
        queue.addAfter(item.key, 1 + rng.int(15)); // requeueAfter
      else queue.forget(item.key);
      await yieldRandomly(rng, 2);
      processed++;
      active.delete(item.key);
      item.done();
    }
  };

  const workers = Array.from({ length: WORKERS }, worker);
  for (let step = 0; step < PRODUCER_STEPS; step++) {
    const burst = 1 + rng.int(4);
    for (let i = 0; i < burst; i++) add(rng.pick(KEYS));
    if (rng.int(5) === 0) clock.advance(rng.int(10));
    await yieldRandomly(rng, 4);
  }

  // Wind down: let delayed and rate-limited keys fall due, and the workers empty the queue.
  for (let round = 0; round < 200 && (queue.len > 0 || queue.inFlight > 0 || clock.pendingTimers > 0); round++) {
    clock.advance(25);
    await flushMicrotasks(50);
  }
  await queue.shutDownWithDrain();
  await Promise.all(workers);

  // Level-triggered: every accepted add was followed by a processing of its key.
  const missed = [...lastAdd].filter(([key, at]) => (lastStart.get(key) ?? 0) < at).map(([key]) => key);
  return { violations, maxParallel, missed, processed };
}

describe("WorkQueue: many async workers, random interleavings", () => {
  it.each([11, 22, 33, 44, 55])("seed %i: never processes one key twice at once, misses no add", async (seed) => {
    const { violations, maxParallel, missed, processed } = await run(seed);
    expect(violations).toEqual([]);
    expect(missed).toEqual([]);
    // The workers really overlapped, and did real work.
    expect(maxParallel).toBeGreaterThan(3);
    expect(processed).toBeGreaterThan(500);
  });
});
