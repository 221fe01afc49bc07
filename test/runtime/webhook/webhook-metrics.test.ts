import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowed } from "../../../src/runtime/webhook/admission-outcome.js";
import { WebhookServer } from "../../../src/runtime/webhook/webhook-server.js";
import { makeCert, opensslUnavailable, post } from "./support.js";

const skipReason = opensslUnavailable();
if (skipReason) console.warn(`skipping webhook metrics tests: ${skipReason}`);

const review = (uid: string) => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: {
    uid,
    kind: { group: "", version: "v1", kind: "ConfigMap" },
    resource: { group: "", version: "v1", resource: "configmaps" },
    name: "c",
    namespace: "default",
    operation: "CREATE",
    userInfo: { username: "alice" },
    object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "default" } },
  },
});

/** The value of one sample of the registry's text exposition, or undefined when the series does not exist. */
async function sample(registry: Registry, series: string): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.skipIf(skipReason !== undefined)("WebhookServer request metrics", () => {
  const registry = new Registry();
  let dir: string;
  let server: WebhookServer;
  let port: number;
  let release: (() => void) | undefined;
  let entered: (() => void) | undefined;

  beforeAll(async () => {
    const pair = makeCert();
    dir = mkdtempSync(join(tmpdir(), "kb-webhook-metrics-"));
    writeFileSync(join(dir, "tls.crt"), pair.cert);
    writeFileSync(join(dir, "tls.key"), pair.key);
    server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir, certPollInterval: 0, watchCertDir: false, registry });
    server.register("/validate", () => allowed());
    server.register("/slow", async () => {
      entered?.();
      await new Promise<void>((resolve) => (release = resolve));
      return allowed();
    });
    await server.start();
    port = server.address()!.port;
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("starts every served path's series at zero, as controller-runtime does", async () => {
    for (const webhook of ["/validate", "/slow", "/convert"]) {
      expect(await sample(registry, `controller_runtime_webhook_requests_in_flight{webhook="${webhook}"}`)).toBe(0);
      expect(await sample(registry, `controller_runtime_webhook_requests_total{webhook="${webhook}",code="200"}`)).toBe(0);
      expect(await sample(registry, `controller_runtime_webhook_requests_total{webhook="${webhook}",code="500"}`)).toBe(0);
    }
  });

  it("counts requests by path and HTTP code, and observes their latency", async () => {
    expect((await post(port, "/validate?timeout=10s", review("a"))).status).toBe(200);
    expect((await post(port, "/validate", review("b"))).status).toBe(200);
    expect((await post(port, "/validate", undefined, { method: "GET" })).status).toBe(405);
    expect((await post(port, "/validate", review("c"), { contentType: "text/plain" })).status).toBe(400);
    expect((await post(port, "/nowhere", review("d"))).status).toBe(404);
    expect(await sample(registry, 'controller_runtime_webhook_requests_total{webhook="/validate",code="200"}')).toBe(2);
    expect(await sample(registry, 'controller_runtime_webhook_requests_total{webhook="/validate",code="405"}')).toBe(1);
    expect(await sample(registry, 'controller_runtime_webhook_requests_total{webhook="/validate",code="400"}')).toBe(1);
    expect(await sample(registry, 'controller_runtime_webhook_latency_seconds_count{webhook="/validate"}')).toBe(4);
    expect(await sample(registry, 'controller_runtime_webhook_latency_seconds_bucket{le="10",webhook="/validate"}')).toBe(4);
    // a path nobody serves gets no series
    expect((await registry.metrics()).includes('webhook="/nowhere"')).toBe(false);
  });

  it("counts a request in flight until it is answered", async () => {
    const inFlight = () => sample(registry, 'controller_runtime_webhook_requests_in_flight{webhook="/slow"}');
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    const answered = post(port, "/slow", review("slow"));
    await handlerEntered;
    expect(await inFlight()).toBe(1);
    release!();
    expect((await answered).status).toBe(200);
    expect(await inFlight()).toBe(0);
    expect(await sample(registry, 'controller_runtime_webhook_requests_total{webhook="/slow",code="200"}')).toBe(1);
  });

  it("registers once: a later registry (a Manager's) is ignored when the metrics have one", () => {
    const other = new Registry();
    server.registerMetrics(other);
    expect(other.getSingleMetric("controller_runtime_webhook_requests_total")).toBeUndefined();
    const fresh = new WebhookServer({ port: 0 });
    fresh.register("/late", () => allowed());
    fresh.registerMetrics(other);
    expect(other.getSingleMetric("controller_runtime_webhook_requests_total")).toBeDefined();
  });
});
