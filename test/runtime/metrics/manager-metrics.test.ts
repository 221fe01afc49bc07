// The manager's own metrics, scraped from its registry: client-go's REST client metrics for
// what it sends the API server, the leader election gauge, and the process metrics.
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager, type ManagerOptions } from "../../../src/runtime/manager/manager.js";
import { apiServerHost } from "../../../src/runtime/metrics/metered-transport.js";
import { ConfigMap } from "../../../src/runtime/index.js";
import { InMemoryTransport, type TestEnv } from "../../../src/testing/index.js";
import { eventually, freshNamespace, testEnvPerFile } from "../../helpers/backends.js";
import { GreetingReconciler, GreetingResource } from "../manager/sample-operator.js";
import { sampleLabels, sampleValue } from "./scrape.js";

const envFor = testEnvPerFile({ crdDirectoryPaths: [join(import.meta.dirname, "..", "manager", "fixtures")] });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startManager(env: TestEnv, extra: ManagerOptions = {}): { mgr: Manager; running: Promise<void> } {
  const mgr = new Manager({
    kubeConfig: env.kubeConfig,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    handleSignals: false,
    logger: silentLogger(),
    gracefulShutdownTimeout: 5_000,
    ...extra,
  });
  mgr.controller(GreetingResource).owns(ConfigMap).complete(new GreetingReconciler());
  const running = mgr.start();
  cleanups.push(async () => {
    mgr.stop();
    await running.catch(() => {});
  });
  return { mgr, running };
}

describe("the manager's metrics [in-process]", () => {
  it("counts and times every request it sends the API server, labelled with the API server's host", async () => {
    const env = await envFor("in-process");
    const host = apiServerHost(env.kubeConfig.getCurrentCluster()?.server);
    expect(host).toMatch(/^127\.0\.0\.1:\d+$/);
    const { mgr } = startManager(env);
    await eventually("readiness", async () => (await mgr.probeServer.run("readyz")).ok);
    let text = await mgr.registry.metrics();
    // The informers' lists (GET 200) and watches.
    const listed = sampleValue(text, "rest_client_requests_total", { code: "200", method: "GET", host }) ?? 0;
    expect(listed).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, "rest_client_request_duration_seconds_count", { verb: "GET", host })).toBeGreaterThanOrEqual(2);

    // A read that finds nothing is counted by its status code.
    await mgr.apiReader.get(ConfigMap, { namespace: "default", name: "no-such-configmap" }).catch(() => undefined);
    text = await mgr.registry.metrics();
    expect(sampleValue(text, "rest_client_requests_total", { code: "404", method: "GET", host })).toBe(1);
  });

  it("counts requests through a transport it was given too", async () => {
    const env = await envFor("in-process");
    const transport = new InMemoryTransport(env.server);
    cleanups.push(() => transport.close());
    const { mgr } = startManager(env, { transport });
    await eventually("readiness", async () => (await mgr.probeServer.run("readyz")).ok);
    const labels = sampleLabels(await mgr.registry.metrics(), "rest_client_requests_total");
    expect(labels).toContainEqual({ code: "200", method: "GET", host: apiServerHost(env.kubeConfig.getCurrentCluster()?.server) });
  });

  it("sets leader_election_master_status to 1 while leading and to 0 once it has released the lease", async () => {
    const env = await envFor("in-process");
    const ns = await freshNamespace(env.kubeConfig, "leader-metrics");
    const { mgr, running } = startManager(env, {
      leaderElection: true,
      leaderElectionId: "metrics-lock",
      leaderElectionNamespace: ns,
      leaderElectionTimings: { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 500 },
    });
    await eventually("leadership", () => mgr.isLeader);
    expect(sampleValue(await mgr.registry.metrics(), "leader_election_master_status", { name: "metrics-lock" })).toBe(1);
    mgr.stop();
    await running;
    const text = await mgr.registry.metrics();
    expect(sampleValue(text, "leader_election_master_status", { name: "metrics-lock" })).toBe(0);
    expect(sampleLabels(text, "leader_election_master_status")).toEqual([{ name: "metrics-lock" }]);
  });

  it("reports 0 for a candidate waiting for another leader's lease", async () => {
    const env = await envFor("in-process");
    const ns = await freshNamespace(env.kubeConfig, "leader-metrics");
    const opts = {
      leaderElection: true,
      leaderElectionId: "shared-lock",
      leaderElectionNamespace: ns,
      leaderElectionTimings: { leaseDurationMs: 10_000, renewDeadlineMs: 8_000, retryPeriodMs: 500 },
    };
    const a = startManager(env, { ...opts, identity: "a" });
    await eventually("a to lead", () => a.mgr.isLeader);
    const b = startManager(env, { ...opts, identity: "b" });
    await eventually("b to campaign", async () => sampleValue(await b.mgr.registry.metrics(), "leader_election_master_status", { name: "shared-lock" }) === 0);
    expect(b.mgr.isLeader).toBe(false);
    expect(sampleValue(await a.mgr.registry.metrics(), "leader_election_master_status", { name: "shared-lock" })).toBe(1);
  });
});

describe("the manager's process metrics", () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "c", server: "https://api.example.com:6443" }],
    users: [{ name: "u" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const options = (registry?: Registry): ManagerOptions => ({ kubeConfig, registry, transport: new InMemoryTransportStub(), logger: silentLogger(), handleSignals: false });

  it("exposes the process and Node.js metrics that kubebuilder's dashboards read, and their values move", async () => {
    const mgr = new Manager(options());
    const before = await mgr.registry.metrics();
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds", "nodejs_heap_size_used_bytes", "nodejs_eventloop_lag_seconds"]) {
      expect(sampleValue(before, name), name).toBeGreaterThanOrEqual(0);
    }
    if (process.platform === "linux") expect(sampleValue(before, "process_open_fds")).toBeGreaterThan(0);
    expect(Math.abs(sampleValue(before, "process_start_time_seconds")! - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
    // Burn a little CPU: the next scrape reads the new total.
    const until = performance.now() + 50;
    while (performance.now() < until);
    const after = await mgr.registry.metrics();
    expect(sampleValue(after, "process_cpu_seconds_total")!).toBeGreaterThan(sampleValue(before, "process_cpu_seconds_total")!);
  });

  it("lets several managers share one registry without a duplicate registration", async () => {
    const registry = new Registry();
    const a = new Manager(options(registry));
    const b = new Manager(options(registry));
    expect(a.registry).toBe(b.registry);
    const text = await registry.metrics();
    expect(text.match(/^# TYPE process_cpu_seconds_total /gm)).toHaveLength(1);
    expect(text).toMatch(/^# TYPE controller_runtime_reconcile_total counter/m);
    expect(text).toMatch(/^# TYPE rest_client_requests_total counter/m);
  });

  it("leaves them out with processMetrics: false", async () => {
    const mgr = new Manager({ ...options(), processMetrics: false });
    expect(await mgr.registry.metrics()).not.toContain("process_cpu_seconds_total");
  });
});

/** A transport that is never used: these managers are not started. */
class InMemoryTransportStub {
  request(): Promise<never> {
    return Promise.reject(new Error("not started"));
  }
  stream(): Promise<never> {
    return Promise.reject(new Error("not started"));
  }
  close(): void {}
}
