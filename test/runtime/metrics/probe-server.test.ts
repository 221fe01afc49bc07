import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { ControllerMetrics } from "../../../src/runtime/metrics/controller-metrics.js";
import { HealthProbeServer, MetricsServer, parseBindAddress } from "../../../src/runtime/metrics/probe-server.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe("bind addresses", () => {
  it("parses controller-runtime's forms", () => {
    expect(parseBindAddress(":8080")).toEqual({ host: "0.0.0.0", port: 8080 });
    expect(parseBindAddress("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(parseBindAddress("0")).toBeUndefined();
    expect(() => parseBindAddress(":99999")).toThrow(/invalid bind address/);
  });
});

describe("probe and metrics servers", () => {
  it("serves /healthz and /readyz with pluggable checks", async () => {
    const probes = new HealthProbeServer();
    servers.push(probes);
    let ready = false;
    probes.addHealthzCheck("ping", () => {});
    probes.addReadyzCheck("cache", () => {
      if (!ready) throw new Error("caches not synced");
    });
    const { port } = await probes.listen({ host: "127.0.0.1", port: 0 });
    const get = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: r.status, body: await r.text() };
    };
    expect(await get("/healthz")).toEqual({ status: 200, body: "ok" });
    const notReady = await get("/readyz");
    expect(notReady.status).toBe(500);
    expect(notReady.body).toContain("[-]cache failed: caches not synced");
    ready = true;
    expect((await get("/readyz")).status).toBe(200);
    expect((await get("/readyz?verbose")).body).toContain("[+]cache ok");
    expect((await get("/readyz/cache")).status).toBe(200);
    expect((await get("/readyz/nope")).status).toBe(500);
    expect((await get("/other")).status).toBe(404);
  });

  it("serves controller-runtime's metric names on /metrics", async () => {
    const registry = new Registry();
    const metrics = new ControllerMetrics(registry);
    metrics.initController("widget", 2);
    metrics.reconcileTotal.inc({ controller: "widget", result: "success" });
    metrics.reconcileTime.observe({ controller: "widget" }, 0.02);
    const server = new MetricsServer(registry);
    servers.push(server);
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toContain('controller_runtime_reconcile_total{controller="widget",result="success"} 1');
    expect(text).toContain('controller_runtime_max_concurrent_reconciles{controller="widget"} 2');
    expect(text).toContain("controller_runtime_reconcile_time_seconds_bucket");
  });
});
