import { describe, expect, it } from "vitest";
import { FakeClock, realClock, WorkQueue } from "../../../src/runtime/queue/index.js";

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
