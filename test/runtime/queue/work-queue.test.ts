import { describe, expect, it } from "vitest";
import { WorkQueue, type QueueItem } from "../../../src/runtime/queue/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { flushMicrotasks } from "./prng.js";

function newQueue<K = string>(): WorkQueue<K> {
  return new WorkQueue<K>({ clock: new FakeClock() });
}

function takeAll<K>(queue: WorkQueue<K>): QueueItem<K>[] {
  const items: QueueItem<K>[] = [];
  for (let item = queue.tryGet(); item !== undefined; item = queue.tryGet()) items.push(item);
  return items;
}

describe("WorkQueue: de-duplication and order", () => {
  it("hands keys out first in, first out", () => {
    const queue = newQueue();
    for (const key of ["a", "b", "c"]) queue.add(key);
    expect(takeAll(queue).map((i) => i.key)).toEqual(["a", "b", "c"]);
  });

  it("queues a key at most once however many adds arrive", () => {
    const queue = newQueue();
    for (let i = 0; i < 100; i++) {
      queue.add("a");
      queue.add("b");
    }
    expect(queue.len).toBe(2);
    expect(takeAll(queue).map((i) => i.key)).toEqual(["a", "b"]);
    expect(queue.len).toBe(0);
  });

  it("keeps a duplicate add at its first position", () => {
    const queue = newQueue();
    queue.add("a");
    queue.add("b");
    queue.add("a");
    expect(takeAll(queue).map((i) => i.key)).toEqual(["a", "b"]);
  });

  it("compares object keys by identity", () => {
    const queue = newQueue<{ id: number }>();
    const a = { id: 1 };
    queue.add(a);
    queue.add(a);
    queue.add({ id: 1 });
    expect(queue.len).toBe(2);
  });
});

describe("WorkQueue: processing", () => {
  it("does not hand out a key that is in flight, and re-queues it once on done", () => {
    const queue = newQueue();
    queue.add("a");
    const first = queue.tryGet();
    expect(first?.key).toBe("a");
    expect(queue.inFlight).toBe(1);
    queue.add("a");
    queue.add("a");
    expect(queue.len).toBe(0);
    expect(queue.tryGet()).toBeUndefined();
    first?.done();
    expect(queue.len).toBe(1);
    const second = queue.tryGet();
    expect(second?.key).toBe("a");
    second?.done();
    expect(queue.len).toBe(0);
    expect(queue.inFlight).toBe(0);
  });

  it("puts a re-queued key behind the keys already waiting", () => {
    const queue = newQueue();
    queue.add("a");
    const a = queue.tryGet();
    queue.add("a");
    queue.add("b");
    a?.done();
    expect(takeAll(queue).map((i) => i.key)).toEqual(["b", "a"]);
  });

  it("forgets a key done without a new add", () => {
    const queue = newQueue();
    queue.add("a");
    queue.tryGet()?.done();
    expect(queue.len).toBe(0);
    queue.add("a");
    expect(queue.len).toBe(1);
  });

  it("queue.done(key) works like item.done(), and is a no-op for keys not in flight", () => {
    const queue = newQueue();
    queue.done("never-seen");
    queue.add("a");
    queue.done("a"); // queued, not in flight
    expect(queue.len).toBe(1);
    queue.tryGet();
    queue.add("a");
    queue.done("a");
    expect(queue.len).toBe(1);
    expect(queue.inFlight).toBe(0);
  });

  it("ignores a second done() from a stale item, even after the key was handed out again", () => {
    const queue = newQueue();
    queue.add("a");
    const first = queue.tryGet() as QueueItem;
    queue.add("a");
    first.done();
    const second = queue.tryGet() as QueueItem;
    queue.add("a");
    first.done(); // stale: must not finish the second hand-out
    expect(queue.inFlight).toBe(1);
    expect(queue.len).toBe(0);
    second.done();
    expect(queue.len).toBe(1);
    second.done();
    expect(queue.len).toBe(1);
  });
});

describe("WorkQueue: get", () => {
  it("resolves at once when a key is ready", async () => {
    const queue = newQueue();
    queue.add("a");
    expect((await queue.get())?.key).toBe("a");
  });

  it("waits for an add, and serves waiting workers first come, first served", async () => {
    const queue = newQueue();
    const got: string[] = [];
    const w1 = queue.get().then((item) => got.push(`w1:${item?.key}`));
    const w2 = queue.get().then((item) => got.push(`w2:${item?.key}`));
    await flushMicrotasks();
    expect(got).toEqual([]);
    queue.add("a");
    queue.add("b");
    await Promise.all([w1, w2]);
    expect(got).toEqual(["w1:a", "w2:b"]);
    expect(queue.inFlight).toBe(2);
  });

  it("hands a key to a waiting worker as in flight at once, so it is not handed out twice", async () => {
    const queue = newQueue();
    const waiting = queue.get();
    queue.add("a");
    queue.add("a");
    expect(queue.len).toBe(0);
    expect(queue.tryGet()).toBeUndefined();
    const item = await waiting;
    item?.done();
    expect(queue.len).toBe(1);
  });
});
