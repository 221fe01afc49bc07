/**
 * Work-queue throughput, with the real clock: de-duplicating adds, add → get → done cycles
 * (async `get`, as workers use it), concurrent async workers with re-adds while keys are in
 * flight, and delayed adds into the binary heap. Each figure is the median of several
 * measured runs after a warm-up run.
 *
 * Run it on its own with `tsx bench/suites/work-queue.ts`.
 */
import { fileURLToPath } from "node:url";
import { WorkQueue } from "../../src/runtime/queue/index.js";

/** One row of the benchmark table. */
export interface WorkQueueBenchRow {
  readonly name: string;
  readonly value: string;
  readonly target: string;
}

/** The target for the queue. */
const TARGET_OPS_PER_SECOND = 100_000;
const TARGET = `≥ ${TARGET_OPS_PER_SECOND.toLocaleString("en-US")} ops/s`;
const RUNS = 5;

function makeKeys(count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) keys.push(`namespace-${i % 100}/object-${i}`);
  return keys;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Runs `measure` once to warm up, then `RUNS` times; returns the median of the operations per second. */
async function opsPerSecond(measure: () => Promise<{ ops: number; ms: number }>): Promise<number> {
  await measure();
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { ops, ms } = await measure();
    rates.push((ops / ms) * 1000);
  }
  return median(rates);
}

function format(rate: number, unit: string): string {
  return `${Math.round(rate).toLocaleString("en-US")} ${unit}`;
}

/** 1,000,000 adds over 10,000 keys: all but 10,000 are de-duplicated. */
async function dedupAdds(keys: string[], adds: number): Promise<{ ops: number; ms: number }> {
  const queue = new WorkQueue<string>();
  const start = performance.now();
  for (let i = 0, k = 0; i < adds; i++) {
    queue.add(keys[k] as string);
    if (++k === keys.length) k = 0;
  }
  const ms = performance.now() - start;
  if (queue.len !== keys.length)
    throw new Error(`dedup bench: expected ${keys.length} queued keys, found ${queue.len}`);
  queue.shutDown({ discardQueued: true });
  return { ops: adds, ms };
}

/** add, then `await get()`, then `done()`, `cycles` times over `keys`. */
async function getDoneCycles(keys: string[], cycles: number): Promise<{ ops: number; ms: number }> {
  const queue = new WorkQueue<string>();
  const start = performance.now();
  for (let i = 0, k = 0; i < cycles; i++) {
    queue.add(keys[k] as string);
    const item = await queue.get();
    item?.done();
    if (++k === keys.length) k = 0;
  }
  const ms = performance.now() - start;
  if (queue.len !== 0 || queue.inFlight !== 0) throw new Error("get/done bench: the queue should be empty");
  queue.shutDown();
  return { ops: cycles, ms };
}

/**
 * `workers` async workers (each item takes one microtask of "work") while a producer adds
 * `adds` keys over `keys` in batches, yielding between batches, so keys are often added
 * again while in flight. Counts adds + gets + dones as operations.
 */
async function concurrentWorkers(keys: string[], adds: number, workers: number): Promise<{ ops: number; ms: number }> {
  const queue = new WorkQueue<string>();
  let processed = 0;
  const worker = async (): Promise<void> => {
    for (let item = await queue.get(); item !== undefined; item = await queue.get()) {
      await Promise.resolve();
      processed++;
      item.done();
    }
  };
  const start = performance.now();
  const running = Array.from({ length: workers }, worker);
  const batch = 1_000;
  for (let i = 0, k = 0; i < adds; i += batch) {
    for (let j = 0; j < batch; j++) {
      queue.add(keys[k] as string);
      if (++k === keys.length) k = 0;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await queue.shutDownWithDrain();
  await Promise.all(running);
  const ms = performance.now() - start;
  return { ops: adds + 2 * processed, ms };
}

/** `addAfter` of `keys` with spread delays, then again with earlier ones (heap decrease-key). */
async function delayedAdds(keys: string[]): Promise<{ ops: number; ms: number }> {
  const queue = new WorkQueue<string>();
  const start = performance.now();
  for (let i = 0; i < keys.length; i++) queue.addAfter(keys[i] as string, 60_000 + ((i * 7919) % 60_000));
  for (let i = 0; i < keys.length; i++) queue.addAfter(keys[i] as string, 1_000 + ((i * 104_729) % 50_000));
  const ms = performance.now() - start;
  queue.shutDown();
  return { ops: 2 * keys.length, ms };
}

/**
 * The work-queue rows of `npm run bench`.
 *
 * @example
 * ```ts
 * for (const row of await benchWorkQueue()) console.log(row.name, row.value, row.target);
 * ```
 */
export async function benchWorkQueue(): Promise<WorkQueueBenchRow[]> {
  const keys = makeKeys(10_000);
  const bigKeys = makeKeys(100_000);
  const dedup = await opsPerSecond(() => dedupAdds(keys, 1_000_000));
  const cycles = await opsPerSecond(() => getDoneCycles(keys, 200_000));
  const concurrent = await opsPerSecond(() => concurrentWorkers(keys, 500_000, 8));
  const delayed = await opsPerSecond(() => delayedAdds(bigKeys));
  return [
    {
      name: "work queue: adds with de-duplication (1,000,000 adds over 10,000 keys)",
      value: format(dedup, "adds/s"),
      target: TARGET,
    },
    {
      name: "work queue: add → await get → done cycles (200,000 cycles over 10,000 keys)",
      value: format(cycles, "cycles/s"),
      target: TARGET,
    },
    {
      name: "work queue: 8 async workers, 500,000 adds over 10,000 keys (adds + gets + dones)",
      value: format(concurrent, "ops/s"),
      target: TARGET,
    },
    {
      name: "work queue: delayed adds into the heap (100,000 keys, then earlier due times)",
      value: format(delayed, "addAfter/s"),
      target: TARGET,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await benchWorkQueue()) console.log(`${row.name}: ${row.value} (target ${row.target})`);
}
