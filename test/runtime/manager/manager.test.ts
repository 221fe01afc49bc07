import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, HttpTransport, type Transport } from "../../../src/runtime/client/index.js";
import { LeaderElector } from "../../../src/runtime/leader/leader-elector.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager } from "../../../src/runtime/manager/manager.js";
import { ConfigMap, isNotFound, Lease, type Client } from "../../../src/runtime/index.js";
import { InMemoryTransport, startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { FINALIZER, GreetingReconciler, GreetingResource, type Greeting } from "./sample-operator.js";

const CRDS = join(import.meta.dirname, "fixtures");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The two ways to the test server: HTTP on 127.0.0.1, and in memory. Every test below runs over both. */
type TransportKind = "http" | "in-memory";
const TRANSPORTS: readonly TransportKind[] = ["http", "in-memory"];

function transportFor(e: TestEnv, kind: TransportKind): Transport {
  const transport = kind === "http" ? new HttpTransport({ kubeConfig: e.kubeConfig }) : new InMemoryTransport(e.server);
  cleanups.push(() => transport.close());
  return transport;
}

async function env(kind: TransportKind): Promise<{ env: TestEnv; client: Client; kind: TransportKind }> {
  const e = await startTestEnv({ crdDirectoryPaths: [CRDS], backend: "in-process" }); // faults and the store: the in-process server
  cleanups.push(() => e.stop());
  return { env: e, client: new ApiClient(transportFor(e, kind)), kind };
}

function startManager(e: TestEnv, kind: TransportKind, reconciler: GreetingReconciler, extra: ConstructorParameters<typeof Manager>[0] = {}) {
  const mgr = new Manager({
    kubeConfig: e.kubeConfig,
    transport: kind === "http" ? undefined : transportFor(e, kind),
    metricsBindAddress: "127.0.0.1:0",
    healthProbeBindAddress: "127.0.0.1:0",
    handleSignals: false,
    logger: silentLogger(),
    gracefulShutdownTimeout: 5_000,
    ...extra,
  });
  mgr.controller(GreetingResource).owns(ConfigMap).withOptions({ maxConcurrentReconciles: 4 }).complete(reconciler);
  const running = mgr.start();
  cleanups.push(async () => {
    mgr.stop();
    await running.catch(() => {});
  });
  return { mgr, running };
}

const greeting = (name: string, message: string): Greeting => ({
  apiVersion: "example.com/v1",
  kind: "Greeting",
  metadata: { name, namespace: "default" },
  spec: { message },
});

describe.each(TRANSPORTS)("Manager with the sample operator (%s)", (kind) => {
  it("converges, follows changes through dropped watches and 410s, and cleans up with its finalizer", async () => {
    const { env: e, client } = await env(kind);
    const reconciler = new GreetingReconciler();
    startManager(e, kind, reconciler);
    await client.create(GreetingResource, greeting("hello", "hi"));
    await client.create(GreetingResource, greeting("other", "hey"));

    const cm = await eventually("the owned ConfigMap", async () => {
      const c = await client.get(ConfigMap, { namespace: "default", name: "hello-greeting" });
      return c.data?.message === "hi" ? c : undefined;
    });
    expect(cm.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Greeting", name: "hello", controller: true });
    const ready = await eventually("the Ready condition", async () => {
      const g = await client.get(GreetingResource, { namespace: "default", name: "hello" });
      return g.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True") ? g : undefined;
    });
    expect(ready.metadata?.finalizers).toEqual([FINALIZER]);
    expect(ready.status?.observedGeneration).toBe(ready.metadata?.generation);

    // dropped watches, then a forced 410: the next change still arrives
    e.server.faults.dropWatches();
    await client.patch(GreetingResource, { namespace: "default", name: "hello" }, { spec: { message: "after drop" } }, { type: "merge" });
    await eventually("the change after a dropped watch", async () => (await client.get(ConfigMap, { namespace: "default", name: "hello-greeting" })).data?.message === "after drop");
    e.server.faults.expireResourceVersions();
    e.server.faults.dropWatches();
    await client.patch(GreetingResource, { namespace: "default", name: "hello" }, { spec: { message: "after 410" } }, { type: "merge" });
    await eventually("the change after a forced 410", async () => (await client.get(ConfigMap, { namespace: "default", name: "hello-greeting" })).data?.message === "after 410");

    // someone deletes the owned ConfigMap: the owner's watch recreates it
    await client.delete(ConfigMap, { namespace: "default", name: "other-greeting" });
    await eventually("the recreated ConfigMap", async () => (await client.get(ConfigMap, { namespace: "default", name: "other-greeting" })).data?.message === "hey");

    await client.delete(GreetingResource, { namespace: "default", name: "hello" });
    await eventually("the Greeting to be gone", async () => {
      try {
        await client.get(GreetingResource, { namespace: "default", name: "hello" });
        return false;
      } catch (err) {
        return isNotFound(err);
      }
    });
    expect(reconciler.cleanedUp).toContain("hello");
    expect(reconciler.overlaps).toBe(0);
  });

  it("serves controller-runtime metrics and probes", async () => {
    const { env: e, client } = await env(kind);
    const reconciler = new GreetingReconciler();
    const { mgr } = startManager(e, kind, reconciler);
    await client.create(GreetingResource, greeting("m", "x"));
    await eventually("a reconcile", async () => reconciler.calls.length > 0);
    await eventually("readiness", async () => (await mgr.probeServer.run("readyz")).ok);
    const text = await mgr.registry.metrics();
    expect(text).toContain('controller_runtime_reconcile_total{controller="greeting",result="success"}');
    expect(text).toContain('workqueue_adds_total{name="greeting"');
  });
});

describe.each(TRANSPORTS)("leader election (%s)", (kind) => {
  const timings = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

  it("a second candidate takes over within the lease duration when the leader dies", async () => {
    const { client } = await env(kind);
    const log = silentLogger();
    const a = new LeaderElector({ client, name: "op-lock", namespace: "default", identity: "a", timings, log });
    const b = new LeaderElector({ client, name: "op-lock", namespace: "default", identity: "b", timings, log });
    const aLife = new AbortController();
    expect(await a.acquire(aLife.signal)).toBe(true);
    const renewing = a.keepRenewing(aLife.signal);
    const bLife = new AbortController();
    cleanups.push(() => bLife.abort());
    const bAcquired = b.acquire(bLife.signal);
    await new Promise((r) => setTimeout(r, 700));
    expect(b.isLeader).toBe(false);
    // a dies without releasing
    const died = Date.now();
    aLife.abort();
    await renewing;
    expect(await bAcquired).toBe(true);
    expect(Date.now() - died).toBeLessThan(timings.leaseDurationMs + 2 * timings.retryPeriodMs + 500);
    const lease = await client.get(Lease, { namespace: "default", name: "op-lock" });
    expect(lease.spec?.holderIdentity).toBe("b");
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it("only the leading manager reconciles, and a stopped leader hands over at once", async () => {
    const { env: e, client } = await env(kind);
    const ra = new GreetingReconciler();
    const rb = new GreetingReconciler();
    const opts = { leaderElection: true, leaderElectionId: "greeting-lock", leaderElectionNamespace: "default", leaderElectionTimings: timings };
    const a = startManager(e, kind, ra, { ...opts, identity: "a" });
    await eventually("a to lead", async () => a.mgr.isLeader);
    const b = startManager(e, kind, rb, { ...opts, identity: "b" });
    await client.create(GreetingResource, greeting("one", "1"));
    await eventually("a to reconcile", async () => ra.calls.length > 0);
    expect(rb.calls).toEqual([]);
    a.mgr.stop();
    await a.running;
    await eventually("b to lead", async () => b.mgr.isLeader, 3_000);
    await client.patch(GreetingResource, { namespace: "default", name: "one" }, { spec: { message: "2" } }, { type: "merge" });
    await eventually("b to reconcile", async () => (await client.get(ConfigMap, { namespace: "default", name: "one-greeting" })).data?.message === "2");
    expect(rb.calls.length).toBeGreaterThan(0);
  });
});
