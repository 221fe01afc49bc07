import { describe, expect, it } from "vitest";
import { ItemExponentialFailureRateLimiter, WorkQueue, type QueueItem } from "../../../src/runtime/queue/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { flushMicrotasks, seededPrng } from "./prng.js";
import { QueueModel } from "./queue-model.js";

const KEYS = Array.from({ length: 16 }, (_, i) => `ns/k${i}`);
const OPS = 3_000;
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** The queue's rate limiter, as the model computes it: 1 ms · 2^failures, capped at 64 ms. */
const backoff = (_key: string, failures: number): number => Math.min(64, 2 ** failures);

/**
 * Random operations on the queue and on the reference model, in lock step, with the
 * invariants checked after every one. Delays are whole milliseconds, so many keys fall due
 * at the same instant: they must come out in the order their due times were set.
 */
async function run(seed: number): Promise<{ handedOut: number; delayedFired: number }> {
  const rng = seededPrng(seed);
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(1, 64) });
  const model = new QueueModel(backoff);
  const inFlight: QueueItem[] = [];
  const finished: QueueItem[] = [];
  const inFlightKeys = new Set<string>();
  const receivedFromWaiters: (string | undefined)[] = [];
  let handedOut = 0;
  let delayedFired = 0;

  const receive = (item: QueueItem | undefined): void => {
    if (item === undefined) return;
    // The core promise: a key is never handed to two workers at once.
    expect(inFlightKeys.has(item.key), `seed ${seed}: ${item.key} handed out while in flight`).toBe(false);
    inFlightKeys.add(item.key);
    inFlight.push(item);
    handedOut++;
  };
  const finish = (index: number): void => {
    const [item] = inFlight.splice(index, 1) as [QueueItem];
    inFlightKeys.delete(item.key);
    item.done();
    model.done(item.key);
    finished.push(item);
  };

  for (let op = 0; op < OPS; op++) {
    const key = rng.pick(KEYS);
    const roll = rng.int(100);
    const shutDownAt = OPS - 300;
    if (op === shutDownAt) {
      const discard = rng.next() < 0.5;
      queue.shutDown({ discardQueued: discard });
      model.shutDown(discard);
    } else if (roll < 30) {
      queue.add(key);
      model.add(key);
    } else if (roll < 40) {
      const delay = rng.next() < 0.2 ? 0 : rng.int(40);
      queue.addAfter(key, delay);
      model.addAfter(key, delay, clock.now());
    } else if (roll < 45) {
      queue.addRateLimited(key);
      model.addRateLimited(key, clock.now());
    } else if (roll < 48) {
      queue.forget(key);
      model.forget(key);
    } else if (roll < 63) {
      const item = queue.tryGet();
      expect(item?.key, `seed ${seed} op ${op}: tryGet`).toBe(model.tryGet());
      receive(item);
    } else if (roll < 68) {
      const expected = model.get();
      const got = queue.get();
      if (expected === "wait") {
        void got.then((item) => {
          receivedFromWaiters.push(item?.key);
          receive(item);
        });
      } else {
        const item = await got;
        expect(item?.key, `seed ${seed} op ${op}: get`).toBe(expected);
        receive(item);
      }
    } else if (roll < 88) {
      if (inFlight.length > 0) finish(rng.int(inFlight.length));
    } else if (roll < 90) {
      // A stale done(): must change nothing.
      if (finished.length > 0) rng.pick(finished).done();
    } else {
      const before = queue.len;
      clock.advance(rng.int(30));
      model.advanceTo(clock.now());
      delayedFired += Math.max(0, queue.len - before);
    }
    await flushMicrotasks(2);

    expect(queue.len, `seed ${seed} op ${op}: len`).toBe(model.fifo.length);
    expect(queue.inFlight, `seed ${seed} op ${op}: in flight`).toBe(model.processing.size);
    expect([...inFlightKeys].sort(), `seed ${seed} op ${op}: in-flight keys`).toEqual([...model.processing].sort());
    expect(receivedFromWaiters, `seed ${seed} op ${op}: keys handed to waiting workers`).toEqual(model.handedToWaiters);
    expect(clock.pendingTimers, `seed ${seed} op ${op}: one timer at most`).toBeLessThanOrEqual(1);
    if (model.shut) expect(clock.pendingTimers).toBe(0);
  }

  // Wind down: finish everything, hand out what is left, and compare to the model to the end.
  for (let guard = 0; guard < 1_000 && (inFlight.length > 0 || queue.len > 0); guard++) {
    while (inFlight.length > 0) finish(0);
    for (let item = queue.tryGet(); item !== undefined; item = queue.tryGet()) {
      expect(item.key).toBe(model.tryGet());
      receive(item);
    }
  }
  expect(queue.len).toBe(0);
  expect(model.fifo).toEqual([]);
  expect(await queue.get()).toBeUndefined();
  return { handedOut, delayedFired };
}

describe("WorkQueue: property test against a reference model", () => {
  it.each(SEEDS)("seed %i: matches client-go's semantics over thousands of random operations", async (seed) => {
    const { handedOut, delayedFired } = await run(seed);
    // The run must have exercised the queue, not idled.
    expect(handedOut).toBeGreaterThan(200);
    expect(delayedFired).toBeGreaterThan(10);
  });
});
