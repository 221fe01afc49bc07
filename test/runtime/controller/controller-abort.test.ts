// What a controller does when its signal aborts (the manager stopping, or losing the lease):
// no reconcile starts afterwards, even for a key handed out just before, and the keys in
// flight can be named.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { Controller } from "../../../src/runtime/controller/controller.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { WorkQueue } from "../../../src/runtime/queue/index.js";
import type { Request } from "../../../src/runtime/index.js";

function setup(reconcile: (req: Request, signal: AbortSignal) => Promise<void>) {
  const queue = new WorkQueue<string>({ clock: new FakeClock() });
  const controller = new Controller({
    name: "test",
    reconciler: { reconcile: (req, ctx) => reconcile(req, ctx.signal) },
    client: undefined,
    queue,
    log: silentLogger(),
    maxConcurrentReconciles: 2,
  });
  const abort = new AbortController();
  const running = controller.start(abort.signal);
  return { controller, abort, running };
}

describe("Controller on abort", () => {
  it("starts no reconcile for a key added in the same turn as the abort", async () => {
    const calls: string[] = [];
    const { controller, abort, running } = setup(async (req) => {
      calls.push(req.name);
    });
    await new Promise((r) => setImmediate(r)); // the workers wait in queue.get()
    controller.enqueue({ namespace: "ns", name: "late" }); // handed to a waiting worker...
    abort.abort(); // ...but aborted before it could start
    await running;
    expect(calls).toEqual([]);
  });

  it("names the keys being reconciled, and aborts their signal", async () => {
    const signals: AbortSignal[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { controller, abort, running } = setup(async (_req, signal) => {
      signals.push(signal);
      await gate;
    });
    controller.enqueue({ namespace: "ns", name: "a" });
    controller.enqueue({ name: "cluster-wide" });
    await new Promise((r) => setImmediate(r));
    expect(controller.reconciling.sort()).toEqual(["cluster-wide", "ns/a"]);
    abort.abort();
    expect(signals.every((s) => s.aborted)).toBe(true);
    release();
    await running;
    expect(controller.reconciling).toEqual([]);
  });
});
