import { describe, expect, it } from "vitest";
import { ItemExponentialFailureRateLimiter, WorkQueue, type QueueItem } from "../../../src/runtime/queue/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";

function setup(): { clock: FakeClock; queue: WorkQueue } {
  const clock = new FakeClock(1_000);
  return { clock, queue: new WorkQueue({ clock }) };
}

function keys(queue: WorkQueue): string[] {
  const out: string[] = [];
  for (let item = queue.tryGet(); item !== undefined; item = queue.tryGet()) out.push(item.key);
  return out;
}

describe("WorkQueue.addAfter", () => {
  it("adds the key once the delay has passed, not before", () => {
    const { clock, queue } = setup();
    queue.addAfter("a", 100);
    clock.advance(99);
    expect(queue.len).toBe(0);
    clock.advance(1);
    expect(queue.len).toBe(1);
  });

  it("adds at once for a delay of zero or less", () => {
    const { queue } = setup();
    queue.addAfter("a", 0);
    queue.addAfter("b", -5);
    expect(keys(queue)).toEqual(["a", "b"]);
  });

  it("keeps the earliest due time when a key is delayed twice", () => {
    const { clock, queue } = setup();
    queue.addAfter("a", 500);
    queue.addAfter("a", 100); // earlier: wins
    queue.addAfter("a", 300); // later: ignored
    clock.advance(100);
    expect(keys(queue)).toEqual(["a"]);
    clock.advance(1_000);
    expect(queue.len).toBe(0); // the key was delayed once, whatever the number of addAfter calls
  });

  it("fires delayed keys in due order, whatever the order they were added in", () => {
    const { clock, queue } = setup();
    queue.addAfter("c", 30);
    queue.addAfter("a", 10);
    queue.addAfter("b", 20);
    queue.addAfter("d", 40);
    clock.advance(35);
    expect(keys(queue)).toEqual(["a", "b", "c"]);
    clock.advance(5);
    expect(keys(queue)).toEqual(["d"]);
  });

  it("re-arms its single timer when an earlier key arrives", () => {
    const { clock, queue } = setup();
    queue.addAfter("late", 1_000);
    expect(clock.pendingTimers).toBe(1);
    queue.addAfter("early", 10);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextDueAt()).toBe(1_010);
    clock.advance(10);
    expect(keys(queue)).toEqual(["early"]);
    expect(clock.nextDueAt()).toBe(2_000);
  });

  it("does not cancel a delayed add when the key is added directly meanwhile", () => {
    const { clock, queue } = setup();
    queue.addAfter("a", 100);
    queue.add("a");
    expect(keys(queue)).toEqual(["a"]); // now in flight
    queue.done("a");
    clock.advance(100);
    expect(keys(queue)).toEqual(["a"]); // and again, as client-go's delaying queue does
  });

  it("does not duplicate a key that is already queued when its delay ends", () => {
    const { clock, queue } = setup();
    queue.addAfter("a", 100);
    queue.add("a");
    clock.advance(100);
    expect(queue.len).toBe(1);
  });

  it("marks an in-flight key dirty when its delay ends, so done re-queues it", () => {
    const { clock, queue } = setup();
    queue.add("a");
    const item = queue.tryGet() as QueueItem;
    queue.addAfter("a", 50);
    clock.advance(50);
    expect(queue.len).toBe(0);
    item.done();
    expect(keys(queue)).toEqual(["a"]);
  });

  it("rejects a delay that is not a number of milliseconds", () => {
    const { queue } = setup();
    expect(() => queue.addAfter("a", Number.NaN)).toThrow(/expected a finite delay in milliseconds, got NaN/);
    expect(() => queue.addAfter("a", Infinity)).toThrow(/got Infinity/);
  });

  it("wakes a waiting worker when a delayed key falls due", async () => {
    const { clock, queue } = setup();
    const waiting = queue.get();
    queue.addAfter("a", 10);
    clock.advance(10);
    expect((await waiting)?.key).toBe("a");
  });
});

describe("WorkQueue rate limiting", () => {
  it("addRateLimited delays by the limiter's backoff; forget resets it", () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000) });
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      queue.addRateLimited("a");
      const start = clock.now();
      clock.advance((clock.nextDueAt() as number) - start);
      delays.push(clock.now() - start);
      expect(queue.tryGet()?.key).toBe("a");
      queue.done("a");
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues("a")).toBe(4);
    queue.forget("a");
    expect(queue.numRequeues("a")).toBe(0);
    queue.addRateLimited("a");
    expect(clock.nextDueAt()).toBe(clock.now() + 5);
  });

  it("uses controller-runtime's default limiter on the queue's clock", () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock });
    queue.addRateLimited("a");
    queue.addRateLimited("a");
    expect(queue.numRequeues("a")).toBe(2);
    expect(clock.nextDueAt()).toBe(5);
  });
});

describe("WorkQueue.addAfter ties", () => {
  it("adds keys due at the same time in the order their due times were set", () => {
    const { clock, queue } = setup();
    queue.addAfter("c", 10);
    queue.addAfter("a", 10);
    queue.addAfter("b", 20);
    queue.addAfter("b", 10); // moved earlier: set last, so it comes last among equals
    queue.addAfter("d", 10);
    clock.advance(10);
    expect(keys(queue)).toEqual(["c", "a", "b", "d"]);
  });
});
