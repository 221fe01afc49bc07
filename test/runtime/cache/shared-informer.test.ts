import { afterEach, describe, expect, it } from "vitest";
import { SharedInformer, type InformerEventHandler } from "../../../src/runtime/cache/shared-informer.js";
import { stripManagedFields } from "../../../src/runtime/cache/object-copy.js";
import type { KubernetesObject } from "../../../src/runtime/resource.js";
import { exponentialBackoff } from "../../../src/runtime/watch/backoff.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { FakeSource, obj, settle } from "../watch/fake-source.js";

const started: SharedInformer[] = [];
afterEach(async () => {
  for (const i of started.splice(0)) await i.stop();
});

function setup(options: { resyncPeriodMs?: number; transform?: (o: KubernetesObject) => KubernetesObject } = {}) {
  const clock = new FakeClock();
  const source = new FakeSource();
  const errors: unknown[] = [];
  const informer = new SharedInformer(source, {
    clock,
    ...options,
    watcher: { backoff: exponentialBackoff(clock, { jitter: 0 }), minWatchDurationMs: 0 },
    onError: (e) => errors.push(e),
  });
  const log: string[] = [];
  const handler: InformerEventHandler = {
    onAdd: (o, i) => log.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}${i.initialList ? " initial" : ""}`),
    onUpdate: (a, b, i) =>
      log.push(`update ${a.metadata?.name}@${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}${i.resync ? " resync" : ""}`),
    onDelete: (o, i) => log.push(`delete ${o.metadata?.name}@${o.metadata?.resourceVersion}${i.finalStateUnknown ? " unknown" : ""}`),
  };
  started.push(informer);
  return { clock, source, informer, log, handler, errors };
}

describe("SharedInformer", () => {
  it("syncs from the list, then applies watch events, giving the old object on update", async () => {
    const { source, informer, log, handler } = setup();
    source.onList = () => ({ items: [obj("a", "1"), obj("b", "2")], resourceVersion: "2" });
    informer.addEventHandler(handler);
    expect(informer.hasSynced()).toBe(false);
    const synced = informer.waitForSync();
    informer.start();
    expect(await synced).toBe(true);
    expect(log.splice(0)).toEqual(["add a@1 initial", "add b@2 initial"]);
    source.stream
      .push({ type: "MODIFIED", object: obj("a", "3") })
      .push({ type: "ADDED", object: obj("c", "4") })
      .push({ type: "DELETED", object: obj("b", "5") })
      .push({ type: "DELETED", object: obj("never-seen", "6") })
      .push({ type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } });
    await settle();
    expect(log).toEqual(["update a@1->3", "add c@4", "delete b@5"]);
    expect(
      informer.store
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(["a", "c"]);
    expect(informer.resourceVersion).toBe("9");
  });

  it("on a relist, emits deletes for vanished objects (final state unknown), updates for changed ones, adds for new ones", async () => {
    const { source, informer, log, handler, clock } = setup();
    source.onList = () => ({ items: [obj("keep", "1"), obj("change", "1"), obj("vanish", "1")], resourceVersion: "1" });
    informer.addEventHandler(handler);
    informer.start();
    await informer.waitForSync();
    log.length = 0;
    source.onList = () => ({ items: [obj("keep", "1"), obj("change", "7"), obj("new", "8")], resourceVersion: "9" });
    source.stream.push({ type: "ERROR", object: { code: 410, reason: "Expired", message: "too old" } });
    await settle();
    // During the relist's backoff, the old state is still served.
    expect(informer.store.get("default/vanish")).toBeDefined();
    await clock.advanceAsync(800);
    await settle();
    expect(log).toEqual(["delete vanish@1 unknown", "add new@8", "update change@1->7"]);
    expect(informer.store.get("default/vanish")).toBeUndefined();
    expect(source.watches.at(-1)?.resourceVersion).toBe("9");
  });

  it("re-delivers every object as an update each resync period", async () => {
    const { source, informer, log, handler, clock } = setup({ resyncPeriodMs: 60_000 });
    source.onList = () => ({ items: [obj("a", "1"), obj("b", "1")], resourceVersion: "1" });
    informer.addEventHandler(handler);
    informer.start();
    await informer.waitForSync();
    log.length = 0;
    await clock.advanceAsync(59_999);
    expect(log).toEqual([]);
    await clock.advanceAsync(1);
    expect(log.splice(0)).toEqual(["update a@1->1 resync", "update b@1->1 resync"]);
    await clock.advanceAsync(60_000);
    expect(log).toHaveLength(2);
    await informer.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it("tells a handler added after sync of every object, and lets it be removed", async () => {
    const { source, informer, log, handler } = setup();
    source.onList = () => ({ items: [obj("a", "1")], resourceVersion: "1" });
    informer.start();
    await informer.waitForSync();
    const remove = informer.addEventHandler(handler);
    expect(log.splice(0)).toEqual(["add a@1 initial"]);
    remove();
    source.stream.push({ type: "MODIFIED", object: obj("a", "2") });
    await settle();
    expect(log).toEqual([]);
  });

  it("gives handlers frozen objects and reports a throwing handler without stopping the others", async () => {
    const { source, informer, log, handler, errors } = setup();
    source.onList = () => ({ items: [obj("a", "1")], resourceVersion: "1" });
    informer.addEventHandler({
      onAdd: (o) => {
        (o.metadata as { name: string }).name = "mutated";
      },
    });
    informer.addEventHandler(handler);
    informer.start();
    await informer.waitForSync();
    expect(log).toEqual(["add a@1 initial"]);
    expect(String(errors[0])).toMatch(/an event handler of Thing threw: TypeError/);
    expect(informer.store.get("default/a")?.metadata?.name).toBe("a");
  });

  it("applies the transform before storing", async () => {
    const { source, informer } = setup({ transform: stripManagedFields });
    source.onList = () => ({ items: [obj("a", "1", { metadata: { managedFields: [{ manager: "x" }] } })], resourceVersion: "1" });
    informer.start();
    await informer.waitForSync();
    expect(informer.store.get("default/a")?.metadata?.managedFields).toBeUndefined();
  });

  it("indexes objects added before and after the index", async () => {
    const { source, informer } = setup();
    source.onList = () => ({ items: [obj("a", "1", { metadata: { labels: { app: "x" } } })], resourceVersion: "1" });
    informer.start();
    await informer.waitForSync();
    informer.addIndex("app", (o) => [o.metadata?.labels?.["app"] ?? ""]);
    source.stream.push({ type: "ADDED", object: obj("b", "2", { metadata: { labels: { app: "x" } } }) });
    await settle();
    expect(informer.store.byIndex("app", "x").map((o) => o.metadata?.name)).toEqual(["a", "b"]);
  });

  it("keeps failing lists in lastError, unsynced, and resolves waiters false on stop", async () => {
    const { source, informer, errors } = setup();
    source.onList = () => new Error("forbidden: cannot list configmaps");
    informer.start();
    const waiting = informer.waitForSync();
    await settle();
    expect(informer.hasSynced()).toBe(false);
    expect(informer.lastError?.message).toMatch(/forbidden/);
    expect(errors).toHaveLength(1);
    await informer.stop();
    expect(await waiting).toBe(false);
    expect(informer.running).toBe(false);
  });

  it("resolves waitForSync false when its signal aborts", async () => {
    const { informer } = setup();
    const c = new AbortController();
    const p = informer.waitForSync(c.signal);
    c.abort();
    expect(await p).toBe(false);
  });
});
