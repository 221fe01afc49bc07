// The manager running the sample operator, and leader election, on both test API servers:
// kb's in-process one (over HTTP and in memory) and, when KUBEBUILDER_ASSETS is set, a real
// kube-apiserver. What needs the in-process server's fault injection (dropped watches,
// forced 410s) runs on that server only.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, HttpTransport, type Transport } from "../../../src/runtime/client/index.js";
import { LeaderElector } from "../../../src/runtime/leader/leader-elector.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager } from "../../../src/runtime/manager/manager.js";
import { ConfigMap, defineResource, isNotFound, Lease, ServiceAccount, type Client, type KubernetesObject } from "../../../src/runtime/index.js";
import { InMemoryTransport, startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { describeEachBackend, eventually, freshNamespace, testEnvPerFile, type ServerBackend } from "../../helpers/backends.js";
import { skipReal } from "../../helpers/real-kubernetes.js";
import { httpsGet } from "../metrics/support.js";
import { FINALIZER, GreetingReconciler, GreetingResource, type Greeting } from "./sample-operator.js";

const CRDS = join(import.meta.dirname, "fixtures");
const envFor = testEnvPerFile({ crdDirectoryPaths: [CRDS] });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The ways to the API server: HTTP (both backends), and in memory (the in-process server's handler, no sockets). */
type TransportKind = "http" | "in-memory";
const transportsOf = (backend: ServerBackend): TransportKind[] => (backend === "in-process" ? ["http", "in-memory"] : ["http"]);

function transportFor(e: TestEnv, kind: TransportKind): Transport {
  const transport = kind === "http" ? new HttpTransport({ kubeConfig: e.kubeConfig }) : new InMemoryTransport(e.server);
  cleanups.push(() => transport.close());
  return transport;
}

/** The file's environment of `backend`, a client, and a namespace of the test's own. */
async function setup(backend: ServerBackend, kind: TransportKind): Promise<{ env: TestEnv; client: Client; ns: string }> {
  const env = await envFor(backend);
  return { env, client: new ApiClient(transportFor(env, kind)), ns: await freshNamespace(env.kubeConfig, "mgr") };
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

const greeting = (namespace: string, name: string, message: string): Greeting => ({
  apiVersion: "example.com/v1",
  kind: "Greeting",
  metadata: { name, namespace },
  spec: { message },
});

async function gone(client: Client, namespace: string, name: string): Promise<boolean> {
  try {
    await client.get(GreetingResource, { namespace, name });
    return false;
  } catch (err) {
    return isNotFound(err);
  }
}

describeEachBackend("Manager with the sample operator", (backend) => {
  describe.each(transportsOf(backend))("over %s", (kind) => {
    it("converges, follows changes, recreates a deleted owned ConfigMap, and cleans up with its finalizer", async () => {
      const { env: e, client, ns } = await setup(backend, kind);
      const reconciler = new GreetingReconciler();
      startManager(e, kind, reconciler);
      await client.create(GreetingResource, greeting(ns, "hello", "hi"));
      await client.create(GreetingResource, greeting(ns, "other", "hey"));

      const cm = await eventually("the owned ConfigMap", async () => {
        const c = await client.get(ConfigMap, { namespace: ns, name: "hello-greeting" });
        return c.data?.message === "hi" ? c : undefined;
      });
      expect(cm.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Greeting", name: "hello", controller: true });
      const ready = await eventually("the Ready condition", async () => {
        const g = await client.get(GreetingResource, { namespace: ns, name: "hello" });
        return g.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True") ? g : undefined;
      });
      expect(ready.metadata?.finalizers).toEqual([FINALIZER]);
      expect(ready.status?.observedGeneration).toBe(ready.metadata?.generation);

      // a spec change reaches the ConfigMap, and the status follows the new generation
      await client.patch(GreetingResource, { namespace: ns, name: "hello" }, { spec: { message: "changed" } }, { type: "merge" });
      await eventually("the change", async () => (await client.get(ConfigMap, { namespace: ns, name: "hello-greeting" })).data?.message === "changed");
      await eventually("observedGeneration of the change", async () => {
        const g = await client.get(GreetingResource, { namespace: ns, name: "hello" });
        return g.metadata?.generation === 2 && g.status?.observedGeneration === 2;
      });

      // someone deletes the owned ConfigMap: the owner's watch recreates it
      await client.delete(ConfigMap, { namespace: ns, name: "other-greeting" });
      await eventually("the recreated ConfigMap", async () => (await client.get(ConfigMap, { namespace: ns, name: "other-greeting" })).data?.message === "hey");

      // delete: the finalizer removes the ConfigMap itself (no garbage collector needed), then lets go
      await client.delete(GreetingResource, { namespace: ns, name: "hello" });
      await eventually("the Greeting to be gone", () => gone(client, ns, "hello"));
      expect(reconciler.cleanedUp).toContain("hello");
      await expect(client.get(ConfigMap, { namespace: ns, name: "hello-greeting" })).rejects.toSatisfy(isNotFound);
      expect(reconciler.overlaps).toBe(0);
    });

    it("serves controller-runtime metrics and probes", async () => {
      const { env: e, client, ns } = await setup(backend, kind);
      const reconciler = new GreetingReconciler();
      const { mgr } = startManager(e, kind, reconciler);
      await client.create(GreetingResource, greeting(ns, "m", "x"));
      await eventually("a reconcile", () => reconciler.calls.includes(`${ns}/m`));
      await eventually("readiness", async () => (await mgr.probeServer.run("readyz")).ok);
      const text = await mgr.registry.metrics();
      expect(text).toContain('controller_runtime_reconcile_total{controller="greeting",result="success"}');
      expect(text).toContain('workqueue_adds_total{name="greeting"');
    });
  });
});

// Fault injection: the in-process server only (a real API server has no switch to drop every
// watch or to expire every resourceVersion). A fresh server per test, so no fault outlives it.
describe.each(["http", "in-memory"] as const)("Manager with the sample operator through dropped watches and forced 410s [in-process] over %s", (kind) => {
  it("still follows every change", async () => {
    const e = await startTestEnv({ backend: "in-process", crdDirectoryPaths: [CRDS] });
    cleanups.push(() => e.stop());
    const client = new ApiClient(transportFor(e, kind));
    const reconciler = new GreetingReconciler();
    startManager(e, kind, reconciler);
    await client.create(GreetingResource, greeting("default", "hello", "hi"));
    await eventually("the owned ConfigMap", async () => (await client.get(ConfigMap, { namespace: "default", name: "hello-greeting" })).data?.message === "hi");

    e.server.faults.dropWatches();
    await client.patch(GreetingResource, { namespace: "default", name: "hello" }, { spec: { message: "after drop" } }, { type: "merge" });
    await eventually("the change after a dropped watch", async () => (await client.get(ConfigMap, { namespace: "default", name: "hello-greeting" })).data?.message === "after drop");
    e.server.faults.expireResourceVersions();
    e.server.faults.dropWatches();
    await client.patch(GreetingResource, { namespace: "default", name: "hello" }, { spec: { message: "after 410" } }, { type: "merge" });
    await eventually("the change after a forced 410", async () => (await client.get(ConfigMap, { namespace: "default", name: "hello-greeting" })).data?.message === "after 410");

    await client.delete(GreetingResource, { namespace: "default", name: "hello" });
    await eventually("the Greeting to be gone", () => gone(client, "default", "hello"));
    // (a reconcile may read the deleted Greeting from a cache one event behind, and clean up twice)
    expect(reconciler.cleanedUp).toContain("hello");
    expect(reconciler.overlaps).toBe(0);
  });
});

describeEachBackend("leader election", (backend) => {
  // A lease of whole seconds, as the Lease records it (leaseDurationSeconds).
  const timings = { leaseDurationMs: 2_000, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

  describe.each(transportsOf(backend))("over %s", (kind) => {
    it("a second candidate takes over once the lease expires when the leader dies", async () => {
      const { client, ns } = await setup(backend, kind);
      const log = silentLogger();
      const a = new LeaderElector({ client, name: "op-lock", namespace: ns, identity: "a", timings, log });
      const b = new LeaderElector({ client, name: "op-lock", namespace: ns, identity: "b", timings, log });
      const aLife = new AbortController();
      cleanups.push(() => aLife.abort());
      expect(await a.acquire(aLife.signal)).toBe(true);
      const renewing = a.keepRenewing(aLife.signal);
      const bLife = new AbortController();
      cleanups.push(() => bLife.abort());
      const bAcquired = b.acquire(bLife.signal);
      // While a renews, b keeps campaigning in vain: wait for a few renewals, then look.
      const renewals = new Set<string>();
      await eventually("three renewals by a", async () => {
        const lease = await client.get(Lease, { namespace: ns, name: "op-lock" });
        expect(lease.spec?.holderIdentity).toBe("a");
        renewals.add(String(lease.spec?.renewTime));
        return renewals.size >= 3;
      });
      expect(b.isLeader).toBe(false);
      // a dies without releasing
      aLife.abort();
      expect(await renewing).toBe("stopped");
      const lastRenewal = await client.get(Lease, { namespace: ns, name: "op-lock" });
      expect(lastRenewal.spec?.holderIdentity).toBe("a"); // b waits out the lease (2 s)
      expect(await bAcquired).toBe(true);
      const lease = await client.get(Lease, { namespace: ns, name: "op-lock" });
      expect(lease.spec?.holderIdentity).toBe("b");
      // On the lease's own record (one clock: both candidates are in this process): b took over
      // once a's last renewal was a lease duration old (b counts from when it saw that renewal,
      // and stamps acquireTime just before its last look), and not much later (its next
      // jittered retry, plus slack for a loaded machine).
      const micro = (t: unknown): number => Date.parse(String(t));
      const after = micro(lease.spec?.acquireTime) - micro(lastRenewal.spec?.renewTime);
      expect(after).toBeGreaterThan(timings.leaseDurationMs - timings.retryPeriodMs);
      expect(after).toBeLessThan(timings.leaseDurationMs + 2 * timings.retryPeriodMs * 1.2 + 2_000);
      expect(lease.spec?.leaseTransitions).toBe(1);
      expect(lease.spec?.leaseDurationSeconds).toBe(2);
    });

    it("only the leading manager reconciles, and a stopped leader releases the lease for the next", async () => {
      const { env: e, client, ns } = await setup(backend, kind);
      const ra = new GreetingReconciler();
      const rb = new GreetingReconciler();
      const opts = { leaderElection: true, leaderElectionId: "greeting-lock", leaderElectionNamespace: ns, leaderElectionTimings: timings };
      const a = startManager(e, kind, ra, { ...opts, identity: "a" });
      await eventually("a to lead", () => a.mgr.isLeader);
      const b = startManager(e, kind, rb, { ...opts, identity: "b" });
      await client.create(GreetingResource, greeting(ns, "one", "1"));
      await eventually("a to reconcile", () => ra.calls.includes(`${ns}/one`));
      expect(rb.calls).toEqual([]);
      expect(b.mgr.isLeader).toBe(false);
      a.mgr.stop();
      await a.running;
      // a emptied the holder on its way out (or b already took the lease)
      const released = await client.get(Lease, { namespace: ns, name: "greeting-lock" });
      expect(["", "b"]).toContain(released.spec?.holderIdentity ?? "");
      await eventually("b to lead", () => b.mgr.isLeader);
      await client.patch(GreetingResource, { namespace: ns, name: "one" }, { spec: { message: "2" } }, { type: "merge" });
      await eventually("b to reconcile", async () => (await client.get(ConfigMap, { namespace: ns, name: "one-greeting" })).data?.message === "2");
      expect(rb.calls).toContain(`${ns}/one`);
    });
  });
});

// Only a real API server authenticates tokens and authorises with RBAC (the in-process one
// allows everything; ../metrics has the reviews against a stub).
describe.skipIf(skipReal("the manager's secure metrics on a real API server"))("the manager's secure metrics on a real API server [real]", () => {
  const ClusterRole = defineResource<KubernetesObject>({ group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false });
  const ClusterRoleBinding = defineResource<KubernetesObject>({ group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", namespaced: false });

  it("serves /metrics to a service account allowed to get it, 403 to one that is not, 401 without a valid token", async () => {
    const { env: e, client, ns } = await setup("real", "http");
    const token = async (name: string): Promise<string> => {
      await client.create(ServiceAccount, { metadata: { name, namespace: ns } });
      const transport = new HttpTransport({ kubeConfig: e.kubeConfig });
      cleanups.push(() => transport.close());
      const request = await transport.request<{ status: { token: string } }>({
        method: "POST",
        path: `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`,
        body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 600 } },
      });
      return request.status.token;
    };
    // kubebuilder's metrics-reader role, bound to one service account
    await client.create(ClusterRole, { metadata: { name: `${ns}-metrics-reader` }, rules: [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }] } as KubernetesObject);
    await client.create(ClusterRoleBinding, {
      metadata: { name: `${ns}-metrics-reader` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `${ns}-metrics-reader` },
      subjects: [{ kind: "ServiceAccount", name: "prometheus", namespace: ns }],
    } as KubernetesObject);
    const [prometheus, intruder] = await Promise.all([token("prometheus"), token("intruder")]);
    // The API server's authorizer sees the binding through its own informer: wait until it does,
    // before the manager's authorizer remembers a denial (for 30 s).
    type Review = KubernetesObject & { spec: object; status?: { allowed?: boolean } };
    const SubjectAccessReview = defineResource<Review>({ group: "authorization.k8s.io", version: "v1", kind: "SubjectAccessReview", plural: "subjectaccessreviews", namespaced: false });
    await eventually("the binding to take effect", async () => {
      const review = await client.create(SubjectAccessReview, {
        spec: { user: `system:serviceaccount:${ns}:prometheus`, groups: ["system:serviceaccounts"], nonResourceAttributes: { path: "/metrics", verb: "get" } },
      });
      return review.status?.allowed === true;
    });

    const reconciler = new GreetingReconciler();
    const { mgr } = startManager(e, "http", reconciler, { metricsSecure: true, namespace: ns });
    await eventually("readiness", async () => (await mgr.probeServer.run("readyz")).ok);
    const port = mgr.metricsAddress!.port;
    const allowed = await httpsGet(port, "/metrics", { token: prometheus });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain("controller_runtime_reconcile_total");
    const denied = await httpsGet(port, "/metrics", { token: intruder });
    expect(denied.status).toBe(403);
    expect(denied.text).toContain(`system:serviceaccount:${ns}:intruder`);
    expect((await httpsGet(port, "/metrics", { token: "not-a-token" })).status).toBe(401);
    expect((await httpsGet(port, "/metrics")).status).toBe(401);
  });
});
