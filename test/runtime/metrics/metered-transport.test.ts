import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { JsonStream, StreamRequest, Transport, TransportRequest } from "../../../src/runtime/client/transport.js";
import { TransportError } from "../../../src/runtime/client/transport-error.js";
import { ApiError } from "../../../src/runtime/errors.js";
import { apiServerHost, MeteredTransport } from "../../../src/runtime/metrics/metered-transport.js";
import { REST_CLIENT_DURATION_BUCKETS } from "../../../src/runtime/metrics/rest-client-metrics.js";
import { sampleLabels, sampleValue } from "./scrape.js";

/** Answers each request with what `answer` says: a value, or an error to reject with. */
class ScriptedTransport implements Transport {
  closed = false;
  constructor(private readonly answer: (path: string) => unknown) {}
  async request<T>(req: TransportRequest): Promise<T> {
    const a = this.answer(req.path);
    if (a instanceof Error) throw a;
    return a as T;
  }
  async stream(req: StreamRequest): Promise<JsonStream> {
    const a = this.answer(req.path);
    if (a instanceof Error) throw a;
    return { close() {}, async *[Symbol.asyncIterator]() {} };
  }
  close(): void {
    this.closed = true;
  }
}

const notFound = (path: string) => new ApiError(404, { kind: "Status", reason: "NotFound", code: 404 }, "GET", path);

describe("MeteredTransport", () => {
  const scripted = () =>
    new ScriptedTransport((path) =>
      path.endsWith("/missing") ? notFound(path) : path.endsWith("/down") ? new TransportError("connection", "GET", path, "ECONNREFUSED") : { kind: "ConfigMap" },
    );

  it("counts each request by status code, method and host as client-go's rest_client_requests_total", async () => {
    const registry = new Registry();
    const t = new MeteredTransport(scripted(), { registry, host: "10.0.0.1:6443" });
    expect(await t.request({ method: "GET", path: "/api/v1/namespaces/a/configmaps/x" })).toEqual({ kind: "ConfigMap" });
    await t.request({ method: "GET", path: "/api/v1/namespaces/a/configmaps/y" });
    await t.request({ method: "PUT", path: "/api/v1/namespaces/a/configmaps/y", body: {} });
    await expect(t.request({ method: "GET", path: "/api/v1/namespaces/a/configmaps/missing" })).rejects.toBeInstanceOf(ApiError);
    await expect(t.request({ method: "DELETE", path: "/down" })).rejects.toBeInstanceOf(TransportError);

    const text = await registry.metrics();
    const host = "10.0.0.1:6443";
    expect(sampleValue(text, "rest_client_requests_total", { code: "200", method: "GET", host })).toBe(2);
    expect(sampleValue(text, "rest_client_requests_total", { code: "200", method: "PUT", host })).toBe(1);
    expect(sampleValue(text, "rest_client_requests_total", { code: "404", method: "GET", host })).toBe(1);
    expect(sampleValue(text, "rest_client_requests_total", { code: "<error>", method: "DELETE", host })).toBe(1);
    for (const labels of sampleLabels(text, "rest_client_requests_total")) expect(Object.keys(labels).sort()).toEqual(["code", "host", "method"]);
  });

  it("times each request, failed ones too, on client-go's buckets by verb and host", async () => {
    const registry = new Registry();
    const t = new MeteredTransport(scripted(), { registry, host: "api:443" });
    await t.request({ method: "GET", path: "/a" });
    await t.request({ method: "GET", path: "/missing" }).catch(() => undefined);
    await t.request({ method: "POST", path: "/b", body: {} });
    const text = await registry.metrics();
    expect(sampleValue(text, "rest_client_request_duration_seconds_count", { verb: "GET", host: "api:443" })).toBe(2);
    expect(sampleValue(text, "rest_client_request_duration_seconds_count", { verb: "POST", host: "api:443" })).toBe(1);
    const buckets = sampleLabels(text, "rest_client_request_duration_seconds_bucket")
      .filter((l) => l.verb === "GET")
      .map((l) => l.le);
    expect(buckets).toEqual([...REST_CLIENT_DURATION_BUCKETS.map(String), "+Inf"]);
    expect(REST_CLIENT_DURATION_BUCKETS).toEqual([0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60]);
  });

  it("counts a watch when it starts or fails, without timing it", async () => {
    const registry = new Registry();
    const t = new MeteredTransport(scripted(), { registry, host: "api:443" });
    (await t.stream({ path: "/api/v1/configmaps", query: { watch: true } })).close();
    await expect(t.stream({ path: "/missing" })).rejects.toBeInstanceOf(ApiError);
    const text = await registry.metrics();
    expect(sampleValue(text, "rest_client_requests_total", { code: "200", method: "GET" })).toBe(1);
    expect(sampleValue(text, "rest_client_requests_total", { code: "404", method: "GET" })).toBe(1);
    expect(sampleValue(text, "rest_client_request_duration_seconds_count", { verb: "GET" })).toBeUndefined();
  });

  it("shares the metrics of several transports on one registry, and closes the wrapped transport", async () => {
    const registry = new Registry();
    const inner = scripted();
    const a = new MeteredTransport(inner, { registry, host: "a:1" });
    const b = new MeteredTransport(scripted(), { registry, host: "b:1" });
    await a.request({ method: "GET", path: "/x" });
    await b.request({ method: "GET", path: "/x" });
    const text = await registry.metrics();
    expect(sampleValue(text, "rest_client_requests_total", { host: "a:1" })).toBe(1);
    expect(sampleValue(text, "rest_client_requests_total", { host: "b:1" })).toBe(1);
    a.close();
    expect(inner.closed).toBe(true);
  });

  it("labels the host as client-go does: the server URL's host:port, or none", () => {
    expect(apiServerHost("https://10.96.0.1:443")).toBe("10.96.0.1:443");
    expect(apiServerHost("https://user:pw@[::1]:6443")).toBe("[::1]:6443");
    expect(apiServerHost("https://kubernetes.default.svc")).toBe("kubernetes.default.svc");
    expect(apiServerHost("https://api.example.com:6443/prefix")).toBe("api.example.com:6443");
    expect(apiServerHost("http://127.0.0.1:38211")).toBe("127.0.0.1:38211");
    expect(apiServerHost(undefined)).toBe("none");
    expect(apiServerHost("not a url")).toBe("none");
  });
});
