import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { HttpTransport } from "../../../src/runtime/client/index.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager } from "../../../src/runtime/manager/manager.js";
import { ControllerMetrics } from "../../../src/runtime/metrics/controller-metrics.js";
import { ApiServerAuthorizer } from "../../../src/runtime/metrics/metrics-auth.js";
import { SecureMetricsServer, type SecureMetricsServerOptions } from "../../../src/runtime/metrics/secure-metrics-server.js";
import { generateSelfSignedCertificate } from "../../../src/runtime/metrics/self-signed-cert.js";
import { eventually } from "../webhook/support.js";
import { httpsGet, startReviewStub, type AccessCheck, type ReviewStub } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** prometheus is allowed `get /metrics`; "intruder" authenticates but is allowed nothing. */
const TOKENS = {
  "prometheus-token": { username: "system:serviceaccount:monitoring:prometheus", uid: "p-1", groups: ["system:serviceaccounts"] },
  "intruder-token": { username: "intruder", groups: ["system:authenticated"] },
};
const allowPrometheus = (c: AccessCheck) => c.user === TOKENS["prometheus-token"].username && c.verb === "get" && c.path === "/metrics";

async function stub(): Promise<ReviewStub> {
  const s = await startReviewStub({ tokens: TOKENS, allow: allowPrometheus });
  cleanups.push(() => s.stop());
  return s;
}

function registryWithMetrics(): Registry {
  const registry = new Registry();
  const metrics = new ControllerMetrics(registry);
  metrics.initController("widget", 1);
  metrics.reconcileTotal.inc({ controller: "widget", result: "success" });
  return registry;
}

async function serve(reviews: ReviewStub, options: Partial<SecureMetricsServerOptions> = {}): Promise<{ server: SecureMetricsServer; port: number }> {
  const transport = new HttpTransport({ kubeConfig: reviews.kubeConfig });
  const server = new SecureMetricsServer({
    registry: registryWithMetrics(),
    authorizer: new ApiServerAuthorizer({ transport, retryDelayMs: 1 }),
    log: silentLogger(),
    ...options,
  });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  cleanups.push(() => transport.close(), () => server.close());
  return { server, port };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kb-metrics-cert-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("SecureMetricsServer: authentication and authorisation", () => {
  it("answers 401 without a token and with a token the API server does not accept", async () => {
    const reviews = await stub();
    const { port } = await serve(reviews);
    const none = await httpsGet(port, "/metrics");
    expect(none.status).toBe(401);
    expect(none.text).not.toContain("controller_runtime");
    expect(reviews.requests).toEqual([]); // nothing to review without a token

    const bad = await httpsGet(port, "/metrics", { token: "not-a-real-token" });
    expect(bad.status).toBe(401);
    expect(reviews.requests).toEqual(["token"]);
    // The reviews go out with the manager's own credentials.
    expect(reviews.callerAuth).toEqual(["Bearer manager-token"]);
  });

  it("answers 403 to an authenticated user who may not get /metrics", async () => {
    const reviews = await stub();
    const { port } = await serve(reviews);
    const reply = await httpsGet(port, "/metrics", { token: "intruder-token" });
    expect(reply.status).toBe(403);
    expect(reply.text).toContain("intruder");
    expect(reply.text).not.toContain("controller_runtime");
    expect(reviews.requests).toEqual(["token", "access"]);
  });

  it("serves the metrics to a user allowed to get /metrics, and caches the reviews", async () => {
    const reviews = await stub();
    const { port } = await serve(reviews);
    const reply = await httpsGet(port, "/metrics", { token: "prometheus-token" });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('controller_runtime_reconcile_total{controller="widget",result="success"} 1');
    expect(reviews.requests).toEqual(["token", "access"]);
    expect((await httpsGet(port, "/metrics", { token: "prometheus-token" })).status).toBe(200);
    expect(reviews.requests).toEqual(["token", "access"]); // the second scrape was answered from the caches
  });

  it("checks the request's verb: HEAD is not GET", async () => {
    const reviews = await stub();
    const { port } = await serve(reviews);
    expect((await httpsGet(port, "/metrics", { token: "prometheus-token", method: "HEAD" })).status).toBe(403);
    expect((await httpsGet(port, "/metrics", { token: "prometheus-token", method: "POST" })).status).toBe(405);
  });

  it("answers 404 off /metrics without asking the API server", async () => {
    const reviews = await stub();
    const { port } = await serve(reviews);
    expect((await httpsGet(port, "/debug/pprof", { token: "prometheus-token" })).status).toBe(404);
    expect(reviews.requests).toEqual([]);
  });

  it("answers 500 when the API server cannot review, retrying server errors first", async () => {
    const reviews = await stub();
    const { port } = await serve(reviews);
    reviews.failNext(3, 503);
    const failed = await httpsGet(port, "/metrics", { token: "prometheus-token" });
    expect(failed.status).toBe(500);
    expect(reviews.requests).toEqual(["token", "token", "token"]);
    // A failure is not cached: the next scrape reviews again, and the API server answers now.
    reviews.failNext(1, 503);
    expect((await httpsGet(port, "/metrics", { token: "prometheus-token" })).status).toBe(200);
    reviews.failNext(1, 403); // the manager may not create reviews: no retry
    expect((await httpsGet(port, "/metrics", { token: "intruder-token" })).status).toBe(500);
  });
});

describe("SecureMetricsServer: certificates", () => {
  it("serves a self-signed certificate for localhost when it has no certificate directory", async () => {
    const reviews = await stub();
    const { server, port } = await serve(reviews);
    const cert = server.certificate();
    expect(cert).toBeDefined();
    const leaf = new X509Certificate(cert!.cert);
    expect(leaf.subjectAltName).toContain("DNS:localhost");
    expect(leaf.subjectAltName).toContain("IP Address:127.0.0.1");
    // A client trusting that certificate verifies the server by name.
    const reply = await httpsGet(port, "/metrics", { token: "prometheus-token", ca: cert!.cert, servername: "localhost" });
    expect(reply.status).toBe(200);
    expect(reply.fingerprint256).toBe(leaf.fingerprint256);
    await expect(server.reloadCertificate()).rejects.toThrow(/certDir/);
  });

  it("serves the certificate directory's pair and reloads it when the files change", async () => {
    const reviews = await stub();
    const dir = tempDir();
    const first = await generateSelfSignedCertificate({ hosts: ["localhost", "127.0.0.1"] });
    writeFileSync(join(dir, "metrics.crt"), first.cert);
    writeFileSync(join(dir, "metrics.key"), first.key);
    const { server, port } = await serve(reviews, { certDir: dir, certName: "metrics.crt", keyName: "metrics.key", certPollInterval: 50 });
    expect((await httpsGet(port, "/metrics", { token: "prometheus-token", ca: first.cert })).fingerprint256).toBe(first.fingerprint256);
    expect(server.certificate()?.fingerprint256).toBe(first.fingerprint256);

    const second = await generateSelfSignedCertificate({ hosts: ["localhost", "127.0.0.1"] });
    writeFileSync(join(dir, "metrics.crt"), second.cert);
    writeFileSync(join(dir, "metrics.key"), second.key);
    expect(await eventually(async () => (await httpsGet(port, "/metrics")).fingerprint256 === second.fingerprint256, 5_000)).toBe(true);
    const reply = await httpsGet(port, "/metrics", { token: "prometheus-token", ca: second.cert });
    expect(reply.status).toBe(200);
    expect(server.certificate()?.fingerprint256).toBe(second.fingerprint256);
    expect(await server.reloadCertificate()).toBe(false); // nothing new on disk
  });

  it("refuses to start, naming the files, when the certificate directory has no pair", async () => {
    const dir = tempDir();
    const server = new SecureMetricsServer({ registry: new Registry(), authorizer: { authorize: () => Promise.reject(new Error("unused")) }, certDir: dir });
    cleanups.push(() => server.close());
    await expect(server.listen({ host: "127.0.0.1", port: 0 })).rejects.toThrow(join(dir, "tls.crt"));
  });
});

describe("Manager with metricsSecure", () => {
  it("serves /metrics over HTTPS, checked with the API server's reviews", async () => {
    const reviews = await stub();
    const mgr = new Manager({
      kubeConfig: reviews.kubeConfig,
      metricsBindAddress: "127.0.0.1:0",
      metricsSecure: true,
      healthProbeBindAddress: "0",
      handleSignals: false,
      logger: silentLogger(),
    });
    const running = mgr.start();
    cleanups.push(async () => {
      mgr.stop();
      await running;
    });
    const port = await eventually(() => mgr.metricsAddress !== undefined, 5_000).then(() => mgr.metricsAddress!.port);
    expect((await httpsGet(port, "/metrics")).status).toBe(401);
    expect((await httpsGet(port, "/metrics", { token: "intruder-token" })).status).toBe(403);
    const ok = await httpsGet(port, "/metrics", { token: "prometheus-token" });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("# TYPE controller_runtime_reconcile_total counter");
  });

  it("uses metricsCertDir, metricsCertName and metricsKeyName", async () => {
    const reviews = await stub();
    const dir = tempDir();
    const pair = await generateSelfSignedCertificate({ hosts: ["localhost"] });
    writeFileSync(join(dir, "cert.pem"), pair.cert);
    writeFileSync(join(dir, "key.pem"), pair.key);
    const mgr = new Manager({
      kubeConfig: reviews.kubeConfig,
      metricsBindAddress: "127.0.0.1:0",
      metricsSecure: true,
      metricsCertDir: dir,
      metricsCertName: "cert.pem",
      metricsKeyName: "key.pem",
      healthProbeBindAddress: "0",
      handleSignals: false,
      logger: silentLogger(),
    });
    const running = mgr.start();
    cleanups.push(async () => {
      mgr.stop();
      await running;
    });
    await eventually(() => mgr.metricsAddress !== undefined, 5_000);
    const reply = await httpsGet(mgr.metricsAddress!.port, "/metrics", { token: "prometheus-token", ca: pair.cert });
    expect(reply.status).toBe(200);
    expect(reply.fingerprint256).toBe(pair.fingerprint256);
  });

  it("stays plain HTTP without metricsSecure", async () => {
    const reviews = await stub();
    const mgr = new Manager({ kubeConfig: reviews.kubeConfig, metricsBindAddress: "127.0.0.1:0", healthProbeBindAddress: "0", handleSignals: false, logger: silentLogger() });
    const running = mgr.start();
    cleanups.push(async () => {
      mgr.stop();
      await running;
    });
    await eventually(() => mgr.metricsAddress !== undefined, 5_000);
    const reply = await fetch(`http://127.0.0.1:${mgr.metricsAddress!.port}/metrics`);
    expect(reply.status).toBe(200);
    expect(reviews.requests).toEqual([]);
  });
});
