import { describe, expect, it } from "vitest";
import { exponentialBackoff } from "../../../src/runtime/watch/backoff.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";

describe("exponentialBackoff", () => {
  it("doubles from 800 ms to a 30 s cap", () => {
    const b = exponentialBackoff(new FakeClock(), { jitter: 0 });
    expect(Array.from({ length: 9 }, () => b.next())).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
    b.reset();
    expect(b.next()).toBe(800);
  });

  it("jitters within ±20% and never above the cap", () => {
    let r = 0;
    const randoms = [0, 0.999999, 0.5];
    const b = exponentialBackoff(new FakeClock(), { random: () => randoms[r++ % 3]! });
    expect(b.next()).toBe(640);
    expect(b.next()).toBe(1920);
    expect(b.next()).toBe(3200);
    const capped = exponentialBackoff(new FakeClock(), { initialMs: 30_000, random: () => 0.999 });
    expect(capped.next()).toBe(30_000);
  });

  it("starts over after a failure-free period", async () => {
    const clock = new FakeClock();
    const b = exponentialBackoff(clock, { jitter: 0, resetAfterMs: 1000 });
    expect([b.next(), b.next()]).toEqual([800, 1600]);
    await clock.advanceAsync(999);
    expect(b.next()).toBe(3200);
    await clock.advanceAsync(1000);
    expect(b.next()).toBe(800);
  });
});
