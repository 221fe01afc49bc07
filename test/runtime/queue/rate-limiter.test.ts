import { describe, expect, it } from "vitest";
import { BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter, type RateLimiter } from "../../../src/runtime/queue/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";

describe("ItemExponentialFailureRateLimiter", () => {
  it("waits 5 ms · 2^failures per key, capped at 1000 s", () => {
    const limiter = new ItemExponentialFailureRateLimiter();
    const delays = Array.from({ length: 20 }, () => limiter.when("a"));
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    // 5 ms · 2^17 = 655.36 s, 5 ms · 2^18 = 1310.72 s > 1000 s.
    expect(delays[17]).toBe(655_360);
    expect(delays[18]).toBe(1_000_000);
    expect(delays[19]).toBe(1_000_000);
    expect(limiter.numRequeues("a")).toBe(20);
  });

  it("never overflows, however many failures", () => {
    const limiter = new ItemExponentialFailureRateLimiter(5, 1_000_000);
    let last = 0;
    for (let i = 0; i < 2_000; i++) last = limiter.when("a");
    expect(last).toBe(1_000_000);
  });

  it("tracks keys separately and forgets one", () => {
    const limiter = new ItemExponentialFailureRateLimiter(1, 1_000);
    limiter.when("a");
    limiter.when("a");
    expect(limiter.when("b")).toBe(1);
    expect(limiter.when("a")).toBe(4);
    limiter.forget("a");
    expect(limiter.numRequeues("a")).toBe(0);
    expect(limiter.numRequeues("b")).toBe(1);
    expect(limiter.when("a")).toBe(1);
  });

  it("rejects a negative or non-finite delay", () => {
    expect(() => new ItemExponentialFailureRateLimiter(-1)).toThrow(
      /baseDelayMs: expected a finite number of milliseconds ≥ 0, got -1/,
    );
    expect(() => new ItemExponentialFailureRateLimiter(5, Infinity)).toThrow(/maxDelayMs/);
  });
});

describe("BucketRateLimiter", () => {
  it("lets a burst through, then spaces retries at 1/qps", () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter({ qps: 10, burst: 100, clock });
    for (let i = 0; i < 100; i++) expect(limiter.when(`k${i}`)).toBe(0);
    expect(limiter.when("x")).toBeCloseTo(100, 9);
    expect(limiter.when("y")).toBeCloseTo(200, 9);
    expect(limiter.when("z")).toBeCloseTo(300, 9);
  });

  it("refills at qps, never above the burst", () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter({ qps: 10, burst: 5, clock });
    for (let i = 0; i < 5; i++) limiter.when("k");
    expect(limiter.tokens()).toBeCloseTo(0, 9);
    clock.advance(250); // 2.5 tokens
    expect(limiter.tokens()).toBeCloseTo(2.5, 9);
    expect(limiter.when("k")).toBe(0);
    expect(limiter.when("k")).toBe(0);
    expect(limiter.when("k")).toBeCloseTo(50, 9); // 0.5 token short at 10/s
    clock.advance(60_000);
    expect(limiter.tokens()).toBe(5);
  });

  it("owes reserved tokens: a wait already promised is subtracted from later refills", () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter({ qps: 1, burst: 1, clock });
    expect(limiter.when("a")).toBe(0);
    expect(limiter.when("b")).toBeCloseTo(1_000, 9);
    expect(limiter.when("c")).toBeCloseTo(2_000, 9);
    clock.advance(1_000);
    expect(limiter.when("d")).toBeCloseTo(2_000, 9);
  });

  it("does not track keys", () => {
    const limiter = new BucketRateLimiter({ clock: new FakeClock() });
    limiter.when("a");
    limiter.forget("a");
    expect(limiter.numRequeues("a")).toBe(0);
  });

  it("is a no-op at infinite qps and rejects a meaningless configuration", () => {
    const limiter = new BucketRateLimiter({ qps: Infinity, burst: 1, clock: new FakeClock() });
    for (let i = 0; i < 10; i++) expect(limiter.when("a")).toBe(0);
    expect(() => new BucketRateLimiter({ qps: 0 })).toThrow(/expected qps > 0/);
    expect(() => new BucketRateLimiter({ burst: 0 })).toThrow(/expected an integer burst ≥ 1, got 0/);
  });
});

describe("MaxOfRateLimiter and the default", () => {
  it("takes the longest wait and the largest count, and forgets in all", () => {
    const fixed = (ms: number, n: number): RateLimiter & { forgotten: string[] } => {
      const forgotten: string[] = [];
      return { forgotten, when: () => ms, numRequeues: () => n, forget: (key) => void forgotten.push(key) };
    };
    const a = fixed(10, 1);
    const b = fixed(30, 4);
    const limiter = new MaxOfRateLimiter(a, b, fixed(20, 2));
    expect(limiter.when("k")).toBe(30);
    expect(limiter.numRequeues("k")).toBe(4);
    limiter.forget("k");
    expect(a.forgotten).toEqual(["k"]);
    expect(b.forgotten).toEqual(["k"]);
    expect(() => new MaxOfRateLimiter()).toThrow(/at least one rate limiter/);
  });

  it("defaultControllerRateLimiter: per-key backoff under an overall 10 qps, burst 100", () => {
    const clock = new FakeClock();
    const limiter = defaultControllerRateLimiter(clock);
    // 100 different keys failing at once: the bucket lets them through at their per-key 5 ms.
    for (let i = 0; i < 100; i++) expect(limiter.when(`k${i}`)).toBe(5);
    // The 101st retry waits for a token (100 ms), longer than its own backoff.
    expect(limiter.when("k100")).toBeCloseTo(100, 9);
    // A key that has failed often waits for its own backoff.
    clock.advance(100_000);
    const own = Array.from({ length: 12 }, () => limiter.when("hot"));
    expect(own.at(-1)).toBe(5 * 2 ** 11);
    expect(limiter.numRequeues("hot")).toBe(12);
    limiter.forget("hot");
    expect(limiter.numRequeues("hot")).toBe(0);
  });
});
