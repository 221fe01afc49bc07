import { describe, expect, it } from "vitest";
import { exponentialBackoff } from "../../../src/runtime/watch/backoff.js";
import { manualClock, sleep } from "../../../src/runtime/watch/clock.js";

describe("exponentialBackoff", () => {
  it("doubles from 800 ms to a 30 s cap", () => {
    const b = exponentialBackoff(manualClock(), { jitter: 0 });
    expect(Array.from({ length: 9 }, () => b.next())).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
    b.reset();
    expect(b.next()).toBe(800);
  });

  it("jitters within ±20% and never above the cap", () => {
    let r = 0;
    const randoms = [0, 0.999999, 0.5];
    const b = exponentialBackoff(manualClock(), { random: () => randoms[r++ % 3]! });
    expect(b.next()).toBe(640);
    expect(b.next()).toBe(1920);
    expect(b.next()).toBe(3200);
    const capped = exponentialBackoff(manualClock(), { initialMs: 30_000, random: () => 0.999 });
    expect(capped.next()).toBe(30_000);
  });

  it("starts over after a failure-free period", async () => {
    const clock = manualClock();
    const b = exponentialBackoff(clock, { jitter: 0, resetAfterMs: 1000 });
    expect([b.next(), b.next()]).toEqual([800, 1600]);
    await clock.advance(999);
    expect(b.next()).toBe(3200);
    await clock.advance(1000);
    expect(b.next()).toBe(800);
  });
});

describe("manualClock and sleep", () => {
  it("fires timers in order as time advances", async () => {
    const clock = manualClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b"), 20);
    clock.setTimeout(() => fired.push("a"), 10);
    const h = clock.setTimeout(() => fired.push("never"), 15);
    clock.clearTimeout(h);
    await clock.advance(15);
    expect(fired).toEqual(["a"]);
    expect(clock.now()).toBe(115);
    await clock.advance(5);
    expect(fired).toEqual(["a", "b"]);
    expect(clock.pending()).toBe(0);
  });

  it("resolves a sleep early when aborted", async () => {
    const clock = manualClock();
    const c = new AbortController();
    let done = false;
    const p = sleep(clock, 1000, c.signal).then(() => (done = true));
    await clock.advance(10);
    expect(done).toBe(false);
    c.abort();
    await p;
    expect(clock.pending()).toBe(0);
    await sleep(clock, 5, c.signal); // already aborted: immediate
  });
});
