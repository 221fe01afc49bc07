import { describe, expect, it } from "vitest";
import { WorkQueue, type QueueItem } from "../../../src/runtime/queue/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { flushMicrotasks } from "./prng.js";

function setup(): { clock: FakeClock; queue: WorkQueue } {
  const clock = new FakeClock();
  return { clock, queue: new WorkQueue({ clock }) };
}

describe("WorkQueue.shutDown", () => {
  it("resolves waiting workers with undefined", async () => {
    const { queue } = setup();
    const waiting = [queue.get(), queue.get()];
    queue.shutDown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
    expect(await queue.get()).toBeUndefined();
    expect(queue.shuttingDown).toBe(true);
  });

  it("ignores adds, delayed adds and rate-limited adds afterwards", () => {
    const { clock, queue } = setup();
    queue.shutDown();
    queue.add("a");
    queue.addAfter("b", 10);
    queue.addRateLimited("c");
    clock.advance(1_000);
    expect(queue.len).toBe(0);
    expect(queue.numRequeues("c")).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("drops delayed keys and cancels the timer", () => {
    const { clock, queue } = setup();
    queue.addAfter("a", 10);
    expect(clock.pendingTimers).toBe(1);
    queue.shutDown();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    expect(queue.len).toBe(0);
  });

  it("still hands out the keys already queued, as client-go does, then undefined", async () => {
    const { queue } = setup();
    queue.add("a");
    queue.add("b");
    queue.shutDown();
    expect((await queue.get())?.key).toBe("a");
    expect((await queue.get())?.key).toBe("b");
    expect(await queue.get()).toBeUndefined();
  });

  it("re-queues a key added while in flight before the shutdown", async () => {
    const { queue } = setup();
    queue.add("a");
    const item = (await queue.get()) as QueueItem;
    queue.add("a");
    queue.shutDown();
    item.done();
    expect((await queue.get())?.key).toBe("a");
  });

  it("with discardQueued, drops what is queued and what was added while in flight", async () => {
    const { queue } = setup();
    queue.add("a");
    queue.add("b");
    const a = (await queue.get()) as QueueItem;
    queue.add("a");
    queue.shutDown({ discardQueued: true });
    expect(queue.len).toBe(0);
    expect(await queue.get()).toBeUndefined();
    a.done();
    expect(queue.len).toBe(0);
    expect(queue.inFlight).toBe(0);
  });

  it("is idempotent", () => {
    const { queue } = setup();
    queue.add("a");
    queue.shutDown();
    queue.shutDown();
    expect(queue.len).toBe(1);
    queue.shutDown({ discardQueued: true });
    expect(queue.len).toBe(0);
  });
});

describe("WorkQueue.shutDownWithDrain", () => {
  it("resolves at once when nothing is queued or in flight", async () => {
    const { queue } = setup();
    await queue.shutDownWithDrain();
    expect(queue.shuttingDown).toBe(true);
  });

  it("waits for the keys in flight to be done", async () => {
    const { queue } = setup();
    queue.add("a");
    queue.add("b");
    const a = (await queue.get()) as QueueItem;
    const b = (await queue.get()) as QueueItem;
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => (drained = true));
    a.done();
    await flushMicrotasks();
    expect(drained).toBe(false);
    b.done();
    await drain;
    expect(drained).toBe(true);
  });

  it("waits for queued keys too, which workers keep getting", async () => {
    const { queue } = setup();
    for (const key of ["a", "b", "c"]) queue.add(key);
    const processed: string[] = [];
    const worker = async (): Promise<void> => {
      for (let item = await queue.get(); item !== undefined; item = await queue.get()) {
        await flushMicrotasks(2);
        processed.push(item.key);
        item.done();
      }
    };
    const drain = queue.shutDownWithDrain();
    const workers = [worker(), worker()];
    await drain;
    expect(processed.sort()).toEqual(["a", "b", "c"]);
    await Promise.all(workers);
  });

  it("with discardQueued, waits only for the keys in flight", async () => {
    const { queue } = setup();
    queue.add("a");
    queue.add("b");
    const a = (await queue.get()) as QueueItem;
    let drained = false;
    const drain = queue.shutDownWithDrain({ discardQueued: true }).then(() => (drained = true));
    await flushMicrotasks();
    expect(drained).toBe(false);
    a.done();
    await drain;
    expect(queue.len).toBe(0);
  });

  it("a later shutDown() ends the wait", async () => {
    const { queue } = setup();
    queue.add("a");
    await queue.get(); // never done
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => (drained = true));
    await flushMicrotasks();
    expect(drained).toBe(false);
    queue.shutDown();
    await drain;
    expect(drained).toBe(true);
  });
});
