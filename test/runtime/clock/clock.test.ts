import { describe, expect, it } from "vitest";
import { WorkQueue } from "../../../src/runtime/queue/index.js";
import { FakeClock, realClock, setBackgroundTimeout, sleep } from "../../../src/runtime/clock/index.js";

describe("FakeClock", () => {
  it("runs callbacks in due order, each at its due time, including ones scheduled meanwhile", () => {
    const clock = new FakeClock(100);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      log.push(`a@${clock.now()}`);
      clock.setTimeout(() => log.push(`c@${clock.now()}`), 5);
    }, 10);
    clock.setTimeout(() => log.push(`a2@${clock.now()}`), 10);
    expect(clock.nextDueAt()).toBe(110);
    expect(clock.advance(50)).toBe(4);
    expect(log).toEqual(["a@110", "a2@110", "c@115", "b@120"]);
    expect(clock.now()).toBe(150);
  });

  it("cancels, and leaves callbacks due later pending", () => {
    const clock = new FakeClock();
    const log: number[] = [];
    const timer = clock.setTimeout(() => log.push(1), 10);
    clock.setTimeout(() => log.push(2), 30);
    timer.cancel();
    timer.cancel();
    clock.advance(20);
    expect(log).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
  });

  it("refuses to go backwards, and stops a timer that reschedules itself at no delay", () => {
    const clock = new FakeClock();
    expect(() => clock.advance(-1)).toThrow(/expected a finite number of milliseconds ≥ 0, got -1/);
    const loop = (): void => void clock.setTimeout(loop, 0);
    loop();
    expect(() => clock.advance(1)).toThrow(/keeps rescheduling itself/);
  });
});

describe("realClock", () => {
  it("drives a delayed add with real timers (1 ms)", async () => {
    const queue = new WorkQueue({ clock: realClock });
    const start = realClock.now();
    queue.addAfter("a", 1);
    const item = await queue.get();
    expect(item?.key).toBe("a");
    expect(realClock.now() - start).toBeGreaterThanOrEqual(1);
    queue.shutDown();
  });
});

describe("FakeClock.advanceAsync and sleep", () => {
  it("fires timers in order as time advances", async () => {
    const clock = new FakeClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b"), 20);
    clock.setTimeout(() => fired.push("a"), 10);
    const h = clock.setTimeout(() => fired.push("never"), 15);
    h.cancel();
    await clock.advanceAsync(15);
    expect(fired).toEqual(["a"]);
    expect(clock.now()).toBe(115);
    await clock.advanceAsync(5);
    expect(fired).toEqual(["a", "b"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("resolves a sleep early when aborted", async () => {
    const clock = new FakeClock();
    const c = new AbortController();
    let done = false;
    const p = sleep(clock, 1000, c.signal).then(() => (done = true));
    await clock.advanceAsync(10);
    expect(done).toBe(false);
    c.abort();
    await p;
    expect(clock.pendingTimers).toBe(0);
    await sleep(clock, 5, c.signal); // already aborted: immediate
  });

  it("lets the code woken by each timer run before the next falls due", async () => {
    const clock = new FakeClock();
    const log: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(clock, 100);
        log.push(clock.now());
      }
    })();
    expect(await clock.advanceAsync(300)).toBe(3); // each sleep is set only after the previous one woke
    expect(log).toEqual([100, 200, 300]);
  });

  it("sleeps and background timers never keep the process alive", () => {
    const unrefs: number[] = [];
    const clock = {
      now: () => 0,
      setTimeout: () => ({ cancel: () => {}, unref: () => void unrefs.push(1) }),
    };
    void sleep(clock, 10);
    setBackgroundTimeout(clock, () => {}, 10);
    expect(unrefs).toHaveLength(2);
  });
});
