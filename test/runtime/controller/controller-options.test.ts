// The Controller's options: recoverPanic (what a panic is, and what follows it either way),
// needLeaderElection, and the recorder and clock each reconcile gets.
import { runInNewContext } from "node:vm";
import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { Controller, type ControllerOptions } from "../../../src/runtime/controller/controller.js";
import { mappingHandler, requestForOwner } from "../../../src/runtime/controller/event-handlers.js";
import { isPanic, ReconcilePanicError } from "../../../src/runtime/controller/reconcile-panic.js";
import { TerminalError } from "../../../src/runtime/controller/terminal-error.js";
import { EventRecorder } from "../../../src/runtime/events/event-recorder.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { ControllerMetrics } from "../../../src/runtime/metrics/controller-metrics.js";
import { ItemExponentialFailureRateLimiter, WorkQueue } from "../../../src/runtime/queue/index.js";
import { ApiError, defineResource, type KubernetesObject, type ReconcileContext, type Request, type Result } from "../../../src/runtime/index.js";

/** Lets woken promise chains run (bounded). */
async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

type LogLine = { level: number; msg: string; err?: { message: string; stack?: string; type?: string }; panic?: unknown; name?: string };

function setup(reconcile: (req: Request, ctx: ReconcileContext) => Promise<Result | void>, extra: Partial<ControllerOptions<undefined>> = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const metrics = new ControllerMetrics(registry);
  const lines: LogLine[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  const queue = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000) });
  const controller = new Controller<undefined>({
    name: "widgets",
    reconciler: { reconcile },
    client: undefined,
    queue,
    log,
    metrics,
    clock,
    maxConcurrentReconciles: 2,
    ...extra,
  });
  const abort = new AbortController();
  const counter = async (name: keyof ControllerMetrics, labels: Record<string, string> = {}) => {
    const metric = metrics[name] as { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> };
    const { values } = await metric.get();
    return values.find((v) => v.labels["controller"] === "widgets" && Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
  };
  return { clock, queue, controller, abort, lines, counter };
}

describe("isPanic: what counts as a panic", () => {
  it("is a thrown non-Error, or an engine error of a bug; not an ordinary, API or terminal error", () => {
    for (const v of ["boom", undefined, null, 42, { code: 1 }, Symbol("s")]) expect(isPanic(v), String(typeof v)).toBe(true);
    let typeError: unknown;
    try {
      (undefined as unknown as { spec: { x: number } }).spec.x;
    } catch (e) {
      typeError = e;
    }
    expect(isPanic(typeError)).toBe(true);
    expect(isPanic(new ReferenceError("x is not defined"))).toBe(true);
    expect(isPanic(new RangeError("Invalid array length"))).toBe(true);
    class MyTypeError extends TypeError {}
    expect(isPanic(new MyTypeError("sub"))).toBe(true);
    // another realm's TypeError fails instanceof, and still counts
    expect(isPanic(runInNewContext("new TypeError('elsewhere')"))).toBe(true);
    expect(isPanic(runInNewContext("new Error('elsewhere')"))).toBe(false);
    expect(isPanic(new Error("plain"))).toBe(false);
    expect(isPanic(new TerminalError("bad spec"))).toBe(false);
    expect(isPanic(new ApiError(409, { reason: "Conflict" }, "PUT", "/x"))).toBe(false);
  });

  it("reports a panic as controller-runtime does, keeping the thrown value and its stack", () => {
    const original = new TypeError("Cannot read properties of undefined (reading 'spec')");
    const p = new ReconcilePanicError(original);
    expect(p.message).toBe("panic: TypeError: Cannot read properties of undefined (reading 'spec') [recovered]");
    expect(p.value).toBe(original);
    expect(p.stack?.split("\n")[1]).toBe(original.stack?.split("\n")[1]);
    expect(new ReconcilePanicError("boom").message).toBe("panic: boom [recovered]");
    expect(new ReconcilePanicError({ code: 7 }).message).toBe("panic: { code: 7 } [recovered]");
  });
});

describe("Controller recoverPanic", () => {
  it("recovers a panic by default: counted, logged with its stack, and requeued with backoff like an error", async () => {
    const calls: [string, number][] = [];
    const { controller, clock, abort, lines, counter } = setup(async (req) => {
      const n = calls.push([req.name, clock.now()]);
      if (req.name === "typo" && n === 1) {
        const spec = (undefined as unknown as { spec: { replicas: number } }).spec;
        return { requeueAfter: spec.replicas };
      }
      if (req.name === "thrower" && calls.filter((c) => c[0] === "thrower").length <= 2) throw "not an Error";
    });
    const running = controller.start(abort.signal);
    controller.enqueue({ name: "typo" });
    await settle();
    controller.enqueue({ name: "thrower" });
    await settle();
    // both panicked once; each comes back after its per-key backoff (5 ms, then 10 ms)
    await clock.advance(5);
    await settle();
    await clock.advance(10);
    await settle();
    expect(calls.filter((c) => c[0] === "typo").map((c) => c[1])).toEqual([0, 5]);
    expect(calls.filter((c) => c[0] === "thrower").map((c) => c[1])).toEqual([0, 5, 15]);
    expect(await counter("reconcilePanics")).toBe(3);
    expect(await counter("reconcileErrors")).toBe(3);
    expect(await counter("reconcileTotal", { result: "error" })).toBe(3);
    expect(await counter("reconcileTotal", { result: "success" })).toBe(2);

    const panics = lines.filter((l) => l.panic === true);
    expect(panics).toHaveLength(3);
    expect(panics[0]).toMatchObject({ level: 50, msg: "observed a panic in reconciler (recovered, requeued)", name: "typo" });
    expect(panics[0]!.err?.message).toMatch(/^panic: TypeError: Cannot read properties of undefined .* \[recovered\]$/);
    expect(panics[0]!.err?.stack).toContain("controller-options.test.ts");
    expect(panics[1]!.err?.message).toBe("panic: not an Error [recovered]");
    abort.abort();
    await running;
  });

  it("does not count ordinary errors as panics", async () => {
    let failed = false;
    const { controller, clock, abort, counter, lines } = setup(async () => {
      if (!failed) {
        failed = true;
        throw new Error("conflict, try again");
      }
    });
    const running = controller.start(abort.signal);
    controller.enqueue({ name: "a" });
    await settle();
    await clock.advance(5);
    await settle();
    expect(await counter("reconcileErrors")).toBe(1);
    expect(await counter("reconcilePanics")).toBe(0);
    expect(lines.find((l) => l.msg === "reconciler error")?.err?.message).toBe("conflict, try again");
    abort.abort();
    await running;
  });

  it("with recoverPanic false, a panic stops the controller: in-flight work finishes, queued keys are dropped, start() rejects with the thrown value", async () => {
    const calls: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    let slowDone = false;
    const bug = new TypeError("x.map is not a function");
    const { controller, abort, counter, lines } = setup(
      async (req) => {
        calls.push(req.name);
        if (req.name === "slow") {
          await slow;
          slowDone = true;
        }
        if (req.name === "buggy") throw bug;
      },
      { recoverPanic: false },
    );
    const running = controller.start(abort.signal);
    let outcome: unknown;
    void running.then(
      () => (outcome = "resolved"),
      (e: unknown) => (outcome = e),
    );
    controller.enqueue({ name: "slow" });
    await settle();
    controller.enqueue({ name: "buggy" });
    controller.enqueue({ name: "later" });
    await settle();
    expect(calls).toEqual(["slow", "buggy"]);
    // the panicking worker stopped, the other is still reconciling "slow"
    expect(outcome).toBeUndefined();
    expect(await counter("reconcilePanics")).toBe(1);
    expect(await counter("reconcileErrors")).toBe(0);
    expect(lines.find((l) => l.panic !== undefined)).toMatchObject({
      level: 50,
      msg: "observed a panic in reconciler (not recovered: recoverPanic is false); stopping the controller",
      panic: "TypeError: x.map is not a function",
    });
    release();
    await expect(running).rejects.toBe(bug);
    expect(slowDone).toBe(true);
    expect(calls).toEqual(["slow", "buggy"]);
    // keys added afterwards are not reconciled either
    controller.enqueue({ name: "after" });
    await settle();
    expect(calls).toEqual(["slow", "buggy"]);
  });

  it("with recoverPanic false, ordinary errors are still requeued", async () => {
    let n = 0;
    const { controller, clock, abort } = setup(
      async () => {
        if (n++ === 0) throw new Error("transient");
      },
      { recoverPanic: false },
    );
    const running = controller.start(abort.signal);
    controller.enqueue({ name: "a" });
    await settle();
    await clock.advance(5);
    await settle();
    expect(n).toBe(2);
    abort.abort();
    await expect(running).resolves.toBeUndefined();
  });
});

describe("Controller needLeaderElection, recorder and clock", () => {
  it("needs leader election unless told otherwise", () => {
    expect(setup(async () => {}).controller.needLeaderElection).toBe(true);
    expect(setup(async () => {}, { needLeaderElection: false }).controller.needLeaderElection).toBe(false);
  });

  it("hands each reconcile its recorder and clock, so a FakeClock drives the reconciler's time", async () => {
    const recorder = new EventRecorder(undefined as never, "widgets", silentLogger());
    const seen: { recorder: unknown; now: number | undefined }[] = [];
    const { controller, clock, abort } = setup(async (_req, ctx) => {
      seen.push({ recorder: ctx.recorder, now: ctx.clock?.now() });
      // a reconciler that schedules through ctx.clock: look again in a minute of its time
      return seen.length === 1 ? { requeueAfter: 60_000 } : undefined;
    }, { recorder });
    await clock.advance(1_000);
    const running = controller.start(abort.signal);
    controller.enqueue({ name: "a" });
    await settle();
    await clock.advance(60_000);
    await settle();
    expect(seen).toEqual([
      { recorder, now: 1_000 },
      { recorder, now: 61_000 },
    ]);
    abort.abort();
    await running;
  });
});

describe("requestForOwner with matchEveryOwner", () => {
  const App = defineResource({ group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true });
  const Tenant = defineResource({ group: "example.com", version: "v1", kind: "Tenant", plural: "tenants", namespaced: false });
  const ref = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: "example.com/v1", kind: "App", name, uid: `uid-${name}`, ...extra });
  const shared = (refs: unknown[], rv = "1"): KubernetesObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "shared", namespace: "ns", resourceVersion: rv, ownerReferences: refs as never },
  });
  const refs = [
    ref("a", { controller: true }),
    ref("b"),
    ref("b", { uid: "uid-b-recreated" }), // the same owner twice (a stale reference): once
    ref("c", { apiVersion: "example.com/v2" }), // the version does not matter, as controller-runtime compares group and kind
    { apiVersion: "other.io/v1", kind: "App", name: "x", uid: "ux" }, // another group
    { apiVersion: "apps/v1", kind: "Deployment", name: "y", uid: "uy" }, // another kind
  ];

  it("maps to the controller only by default, and to every owner of the kind, each once, with matchEveryOwner", () => {
    expect(requestForOwner(App)(shared(refs))).toEqual([{ namespace: "ns", name: "a" }]);
    expect(requestForOwner(App, { matchEveryOwner: true })(shared(refs))).toEqual([
      { namespace: "ns", name: "a" },
      { namespace: "ns", name: "b" },
      { namespace: "ns", name: "c" },
    ]);
    // without a controller reference, only matchEveryOwner finds owners
    expect(requestForOwner(App)(shared([ref("b")]))).toEqual([]);
    expect(requestForOwner(App, { matchEveryOwner: true })(shared([ref("b")]))).toEqual([{ namespace: "ns", name: "b" }]);
    // the controller is another kind's: not followed by default (controller-runtime's GetControllerOf), but b is an owner
    const controlledElsewhere = [{ apiVersion: "apps/v1", kind: "Deployment", name: "y", uid: "uy", controller: true }, ref("b")];
    expect(requestForOwner(App)(shared(controlledElsewhere))).toEqual([]);
    expect(requestForOwner(App, { matchEveryOwner: true })(shared(controlledElsewhere))).toEqual([{ namespace: "ns", name: "b" }]);
    // a cluster-scoped owner is requested without a namespace
    const tenantRef = { apiVersion: "example.com/v1", kind: "Tenant", name: "t", uid: "ut" };
    expect(requestForOwner(Tenant, { matchEveryOwner: true })(shared([tenantRef]))).toEqual([{ name: "t" }]);
  });

  it("enqueues each owner once for an update, from the old and the new object together", () => {
    const got: Request[] = [];
    const handler = mappingHandler(requestForOwner(App, { matchEveryOwner: true }), [], (r) => got.push(r));
    handler.onUpdate(shared(refs, "1"), shared([...refs, ref("d")], "2"));
    expect(got).toEqual([
      { namespace: "ns", name: "a" },
      { namespace: "ns", name: "b" },
      { namespace: "ns", name: "c" },
      { namespace: "ns", name: "d" },
    ]);
    got.length = 0;
    handler.onDelete(shared(refs, "3"));
    expect(got.map((r) => r.name)).toEqual(["a", "b", "c"]);
  });
});
