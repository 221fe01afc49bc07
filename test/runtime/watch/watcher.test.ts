import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../../../src/runtime/errors.js";
import { exponentialBackoff } from "../../../src/runtime/watch/backoff.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { watch } from "../../../src/runtime/watch/watcher.js";
import type { WatcherError, WatcherEvent } from "../../../src/runtime/watch/watcher-event.js";
import type { WatcherStateKind } from "../../../src/runtime/watch/watcher-step.js";
import { FakeSource, FakeWatch, obj, settle } from "./fake-source.js";

const gone = () => new ApiError(410, { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" }, "GET", "/w");

interface Run {
  readonly events: WatcherEvent[];
  readonly errors: WatcherError[];
  readonly transitions: string[];
  readonly clock: FakeClock;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

const runs: Run[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) {
    r.controller.abort();
    await r.done;
  }
});

/** Runs a watcher in the background; backoff delays are exactly 800, 1600, 3200 ... ms (no jitter). */
function run(source: FakeSource, options: { pageSize?: number; minWatchDurationMs?: number } = {}): Run {
  const clock = new FakeClock(1_000_000);
  const controller = new AbortController();
  const events: WatcherEvent[] = [];
  const errors: WatcherError[] = [];
  const transitions: string[] = [];
  const iterable = watch(source, {
    clock,
    signal: controller.signal,
    backoff: exponentialBackoff(clock, { jitter: 0 }),
    pageSize: options.pageSize ?? 500,
    minWatchDurationMs: options.minWatchDurationMs ?? 0,
    onError: (e) => errors.push(e),
    onTransition: (from: WatcherStateKind, to: WatcherStateKind) => transitions.push(`${from}->${to}`),
  });
  const done = (async () => {
    for await (const e of iterable) events.push(e);
  })();
  const r = { events, errors, transitions, clock, controller, done };
  runs.push(r);
  return r;
}

const brief = (events: WatcherEvent[]) =>
  events.map((e) => {
    switch (e.type) {
      case "init":
        return "init";
      case "initApply":
      case "apply":
      case "delete":
        return `${e.type} ${e.object.metadata?.name}@${e.object.metadata?.resourceVersion}`;
      case "initDone":
      case "bookmark":
        return `${e.type} ${e.resourceVersion}`;
    }
  });

describe("watcher", () => {
  it("lists page by page, then watches from the list's resourceVersion with a read timeout", async () => {
    const source = new FakeSource();
    source.onList = (call) =>
      call.continue === undefined
        ? { items: [obj("a", "3"), obj("b", "4")], resourceVersion: "9", continue: "page2" }
        : { items: [obj("c", "5")], resourceVersion: "9" };
    const r = run(source, { pageSize: 2 });
    await settle();
    expect(brief(r.events)).toEqual(["init", "initApply a@3", "initApply b@4", "initApply c@5", "initDone 9"]);
    expect(source.lists).toEqual([
      { limit: 2, continue: undefined },
      { limit: 2, continue: "page2" },
    ]);
    expect(source.watches).toEqual([{ resourceVersion: "9", timeoutSeconds: 290, readTimeoutMs: 320_000 }]);
    expect(r.transitions).toEqual(["empty->listing", "listing->listed", "listed->watching"]);
  });

  it("turns watch events into apply/delete/bookmark and resumes from the last resourceVersion without relisting", async () => {
    const source = new FakeSource();
    const r = run(source);
    await settle();
    source.stream
      .push({ type: "ADDED", object: obj("a", "2") })
      .push({ type: "MODIFIED", object: obj("a", "3") })
      .push({ type: "DELETED", object: obj("a", "4") })
      .push({ type: "BOOKMARK", object: { metadata: { resourceVersion: "7" } } })
      .end();
    await settle();
    expect(brief(r.events).slice(2)).toEqual(["apply a@2", "apply a@3", "delete a@4", "bookmark 7"]);
    expect(source.watches.map((w) => w.resourceVersion)).toEqual(["1", "7"]);
    expect(source.lists).toHaveLength(1);
    expect(r.errors).toEqual([]);
    expect(source.streams[0]!.closed).toBe(true);
  });

  it("relists on a 410 ERROR event", async () => {
    const source = new FakeSource();
    const r = run(source);
    await settle();
    source.stream.push({
      type: "ERROR",
      object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version: 1 (20)" },
    });
    await settle();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.relist).toBe(true);
    expect(r.errors[0]!.message).toMatch(/410 Expired too old resource version/);
    source.onList = () => ({ items: [obj("b", "21")], resourceVersion: "21" });
    await r.clock.advanceAsync(800);
    await settle();
    expect(brief(r.events)).toEqual(["init", "initDone 1", "init", "initApply b@21", "initDone 21"]);
    expect(source.watches.map((w) => w.resourceVersion)).toEqual(["1", "21"]);
  });

  it("relists when the server refuses the watch with HTTP 410", async () => {
    const source = new FakeSource();
    let refused = false;
    source.onWatch = (call) => {
      if (call.resourceVersion === "1" && !refused) {
        refused = true;
        return gone();
      }
      return new FakeWatch(call.resourceVersion);
    };
    const r = run(source);
    await settle();
    expect(r.errors[0]!.phase).toBe("watch-start");
    expect(r.errors[0]!.relist).toBe(true);
    source.onList = () => ({ items: [], resourceVersion: "5" });
    await r.clock.advanceAsync(800);
    await settle();
    expect(source.lists).toHaveLength(2);
    expect(source.watches.map((w) => w.resourceVersion)).toEqual(["1", "5"]);
  });

  it("backs off on any other error, doubling to the cap, and resumes the watch at the same resourceVersion", async () => {
    const source = new FakeSource();
    let failures = 8;
    source.onWatch = (call) => (failures-- > 0 ? new Error("connection refused") : new FakeWatch(call.resourceVersion));
    const r = run(source);
    await settle();
    const delays = [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000];
    for (const [i, delay] of delays.entries()) {
      expect(source.watches).toHaveLength(i + 1);
      await r.clock.advanceAsync(delay - 1);
      await settle();
      expect(source.watches).toHaveLength(i + 1); // still sleeping
      await r.clock.advanceAsync(1);
      await settle();
    }
    expect(source.watches).toHaveLength(9);
    expect(new Set(source.watches.map((w) => w.resourceVersion))).toEqual(new Set(["1"]));
    expect(source.lists).toHaveLength(1);
    expect(r.errors.map((e) => e.phase)).toEqual(Array(8).fill("watch-start"));
  });

  it("forgets the backoff after a healthy period", async () => {
    const source = new FakeSource();
    const r = run(source);
    await settle();
    source.stream.fail(new Error("reset"));
    await settle();
    await r.clock.advanceAsync(800);
    await settle();
    source.stream.fail(new Error("reset"));
    await settle();
    await r.clock.advanceAsync(1599);
    await settle();
    expect(source.watches).toHaveLength(2); // second failure: 1600 ms
    await r.clock.advanceAsync(1);
    await settle();
    expect(source.watches).toHaveLength(3);
    await r.clock.advanceAsync(120_000); // healthy for two minutes
    source.stream.fail(new Error("reset"));
    await settle();
    await r.clock.advanceAsync(800);
    await settle();
    expect(source.watches).toHaveLength(4);
  });

  it("resumes after a broken or silent connection from the last resourceVersion", async () => {
    const source = new FakeSource();
    const r = run(source);
    await settle();
    source.stream
      .push({ type: "ADDED", object: obj("a", "2") })
      .fail(Object.assign(new Error("stream silent for 320000 ms"), { code: "read-timeout" }));
    await settle();
    expect(r.errors[0]!.phase).toBe("watch");
    expect(r.errors[0]!.relist).toBe(false);
    await r.clock.advanceAsync(800);
    await settle();
    expect(source.watches.map((w) => w.resourceVersion)).toEqual(["1", "2"]);
    expect(source.lists).toHaveLength(1);
  });

  it("treats a watch closed at once with no event as a failure", async () => {
    const source = new FakeSource();
    source.onWatch = (call) => new FakeWatch(call.resourceVersion).end();
    const r = run(source, { minWatchDurationMs: 1000 });
    await settle();
    expect(source.watches).toHaveLength(1);
    expect(r.errors[0]!.message).toMatch(/closed by the server at once/);
    await r.clock.advanceAsync(800);
    await settle();
    expect(source.watches).toHaveLength(2);
  });

  it("relists from scratch after a failed list page", async () => {
    const source = new FakeSource();
    let n = 0;
    source.onList = (call) => {
      n++;
      if (n === 2) return new Error("page failed");
      return call.continue === undefined
        ? { items: [obj("a", "1")], resourceVersion: "3", continue: "p2" }
        : { items: [obj("b", "2")], resourceVersion: "3" };
    };
    const r = run(source);
    await settle();
    expect(r.errors[0]!.phase).toBe("list");
    await r.clock.advanceAsync(800);
    await settle();
    expect(brief(r.events)).toEqual(["init", "initApply a@1", "init", "initApply a@1", "initApply b@2", "initDone 3"]);
  });

  it("relists when a list has no resourceVersion or an event has none", async () => {
    const source = new FakeSource();
    let n = 0;
    source.onList = () => (++n === 1 ? { items: [], resourceVersion: "" } : { items: [], resourceVersion: "4" });
    const r = run(source);
    await settle();
    expect(r.errors[0]!.message).toMatch(/no resourceVersion/);
    await r.clock.advanceAsync(800);
    await settle();
    source.stream.push({ type: "ADDED", object: { metadata: { name: "x" } } });
    await settle();
    expect(r.errors[1]!.relist).toBe(true);
    await r.clock.advanceAsync(1600);
    await settle();
    expect(source.lists).toHaveLength(3);
  });

  it("keeps the watch after a non-410 ERROR event by re-watching from the same resourceVersion", async () => {
    const source = new FakeSource();
    const r = run(source);
    await settle();
    source.stream
      .push({ type: "ADDED", object: obj("a", "2") })
      .push({ type: "ERROR", object: { code: 500, reason: "InternalError", message: "boom" } });
    await settle();
    expect(r.errors[0]!.relist).toBe(false);
    await r.clock.advanceAsync(800);
    await settle();
    expect(source.watches.map((w) => w.resourceVersion)).toEqual(["1", "2"]);
  });

  it("stops when the signal aborts, closing the open watch", async () => {
    const source = new FakeSource();
    const r = run(source);
    await settle();
    r.controller.abort();
    await r.done;
    expect(source.stream.closed).toBe(true);
  });

  it("stops during a backoff sleep", async () => {
    const source = new FakeSource();
    source.onList = () => new Error("down");
    const r = run(source);
    await settle();
    r.controller.abort();
    await r.done;
    expect(source.lists).toHaveLength(1);
  });
});
