import { describe, expect, it } from "vitest";
import { Controller } from "../../../src/runtime/controller/controller.js";
import { TerminalError } from "../../../src/runtime/controller/terminal-error.js";
import { mappingHandler, requestForObject, requestForOwner } from "../../../src/runtime/controller/event-handlers.js";
import { generationChanged, and, not, hasLabels, labelChanged } from "../../../src/runtime/controller/predicates.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { WorkQueue, ItemExponentialFailureRateLimiter } from "../../../src/runtime/queue/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { defineResource, type Request, type Result } from "../../../src/runtime/index.js";

const tick = () => new Promise((r) => setTimeout(r, 0));

function setup(reconcile: (req: Request) => Promise<Result | void>, workers = 2) {
  const clock = new FakeClock();
  const queue = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000) });
  const controller = new Controller({
    name: "test",
    reconciler: { reconcile: (req) => reconcile(req) },
    client: undefined,
    queue,
    log: silentLogger(),
    maxConcurrentReconciles: workers,
  });
  const abort = new AbortController();
  const running = controller.start(abort.signal);
  return { clock, queue, controller, abort, running };
}

describe("Controller", () => {
  it("reconciles each key once however many events arrive, never two at once", async () => {
    const active = new Set<string>();
    const calls: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { controller, abort, running } = setup(async (req) => {
      expect(active.has(req.name)).toBe(false);
      active.add(req.name);
      calls.push(req.name);
      await gate;
      active.delete(req.name);
    });
    for (let i = 0; i < 10; i++) controller.enqueue({ namespace: "ns", name: "a" });
    controller.enqueue({ namespace: "ns", name: "b" });
    await tick();
    // a is in flight; events while it runs queue it once more
    for (let i = 0; i < 5; i++) controller.enqueue({ namespace: "ns", name: "a" });
    await tick();
    expect(calls.sort()).toEqual(["a", "b"]);
    release();
    for (let i = 0; i < 5; i++) await tick();
    expect(calls.filter((c) => c === "a")).toHaveLength(2);
    abort.abort();
    await running;
  });

  it("requeues errors with exponential backoff, requeueAfter after its delay, and not terminal errors", async () => {
    const calls: [string, number][] = [];
    let failures = 0;
    const { controller, clock, abort, running } = setup(async (req) => {
      calls.push([req.name, clock.now()]);
      if (req.name === "flaky" && failures++ < 3) throw new Error("boom");
      if (req.name === "later" && calls.filter((c) => c[0] === "later").length === 1) return { requeueAfter: 30_000 };
      if (req.name === "bad") throw new TerminalError("invalid spec");
    });
    controller.enqueue({ name: "flaky" });
    controller.enqueue({ name: "later" });
    controller.enqueue({ name: "bad" });
    for (let i = 0; i < 5; i++) await tick();
    for (const step of [5, 10, 20]) {
      await clock.advance(step);
      for (let i = 0; i < 5; i++) await tick();
    }
    expect(calls.filter((c) => c[0] === "flaky").map((c) => c[1])).toEqual([0, 5, 15, 35]);
    await clock.advance(30_000);
    for (let i = 0; i < 5; i++) await tick();
    expect(calls.filter((c) => c[0] === "later").map((c) => c[1])).toEqual([0, 30_035]);
    expect(calls.filter((c) => c[0] === "bad")).toHaveLength(1);
    abort.abort();
    await running;
  });

  it("finishes in-flight reconciles on shutdown and takes no new keys", async () => {
    const calls: string[] = [];
    let finished = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { controller, abort, running } = setup(async (req) => {
      calls.push(req.name);
      await gate;
      finished = true;
    }, 1);
    controller.enqueue({ name: "x" });
    controller.enqueue({ name: "y" });
    await tick();
    abort.abort();
    let stopped = false;
    void running.then(() => (stopped = true));
    for (let i = 0; i < 5; i++) await tick();
    // still waiting for the reconcile in flight
    expect(stopped).toBe(false);
    release();
    await running;
    expect(finished).toBe(true);
    // the queued key was dropped, not reconciled after the stop
    expect(calls).toEqual(["x"]);
  });
});

describe("event handlers and predicates", () => {
  const Owner = defineResource({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });
  const obj = (gen: number, labels: Record<string, string> = {}, rv = String(gen)) => ({
    metadata: { name: "o", namespace: "ns", generation: gen, resourceVersion: rv, labels, ownerReferences: [{ apiVersion: "example.com/v1", kind: "Widget", name: "owner", uid: "u", controller: true }] },
  });

  it("maps owned objects to their controller", () => {
    expect(requestForOwner(Owner)(obj(1))).toEqual([{ namespace: "ns", name: "owner" }]);
    const Other = defineResource({ group: "other.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });
    expect(requestForOwner(Other)(obj(1))).toEqual([]);
    expect(requestForObject(obj(1))).toEqual([{ namespace: "ns", name: "o" }]);
  });

  it("enqueues each distinct request of an update once: the object's own, and both owners when the owner changed", () => {
    const got: Request[] = [];
    const own = mappingHandler(requestForObject, [], (r) => got.push(r));
    own.onUpdate(obj(1), obj(2));
    expect(got).toEqual([{ namespace: "ns", name: "o" }]);
    got.length = 0;
    const owned = mappingHandler(requestForOwner(Owner), [], (r) => got.push(r));
    owned.onUpdate(obj(1), obj(2));
    expect(got).toEqual([{ namespace: "ns", name: "owner" }]);
    got.length = 0;
    const moved = { ...obj(3), metadata: { ...obj(3).metadata, ownerReferences: [{ apiVersion: "example.com/v1", kind: "Widget", name: "other", uid: "v", controller: true }] } };
    owned.onUpdate(obj(2), moved);
    expect(got).toEqual([{ namespace: "ns", name: "owner" }, { namespace: "ns", name: "other" }]);
  });

  it("reconciles once for one update when a worker is idle", async () => {
    const calls: string[] = [];
    const { controller, abort, running } = setup(async (req) => {
      calls.push(req.name);
    }, 1);
    const handler = mappingHandler(requestForObject, [], (r) => controller.enqueue(r));
    handler.onUpdate(obj(1), obj(2));
    for (let i = 0; i < 10; i++) await tick();
    expect(calls).toEqual(["o"]);
    abort.abort();
    await running;
  });

  it("filters with predicates and treats same-resourceVersion updates as resyncs", () => {
    const got: Request[] = [];
    const handler = mappingHandler(requestForObject, [generationChanged()], (r) => got.push(r));
    handler.onUpdate(obj(1, {}, "5"), obj(1, {}, "6"));
    expect(got).toEqual([]);
    handler.onUpdate(obj(1), obj(2));
    expect(got).toEqual([{ namespace: "ns", name: "o" }]);
    handler.onUpdate(obj(2, {}, "7"), obj(2, {}, "7"));
    expect(got).toHaveLength(2);
    const p = and(hasLabels({ app: "web" }), not(labelChanged()));
    expect(p.update!(obj(1, { app: "web" }), obj(2, { app: "web" }))).toBe(true);
    expect(p.update!(obj(1, { app: "web" }), obj(2, { app: "web", x: "y" }))).toBe(false);
  });
});
