import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, HttpTransport, type JsonStream, type Transport } from "../../../src/runtime/client/index.js";
import { ApiError } from "../../../src/runtime/errors.js";
import { ConfigMap, defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { InMemoryTransport, startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { CRD_DIR, testClock } from "../helpers.js";

const Widget = defineResource<KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> }>({
  group: "example.com",
  version: "v1",
  kind: "Widget",
  plural: "widgets",
  namespaced: true,
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Kind = "http" | "in-memory";

async function setup(kind: Kind, bookmarkIntervalMs = 0): Promise<{ env: TestEnv; transport: Transport }> {
  const env = await startTestEnv({ crdDirectoryPaths: [CRD_DIR], clock: testClock(), bookmarkIntervalMs, env: {} });
  const transport = kind === "http" ? new HttpTransport({ kubeConfig: env.kubeConfig }) : new InMemoryTransport(env.server);
  cleanups.push(() => env.stop(), () => transport.close());
  return { env, transport };
}

/** What a call gave: its value, or its error's class and telling fields; uids (random) masked. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return mask(await call());
  } catch (e) {
    if (e instanceof ApiError) return { error: "ApiError", statusCode: e.statusCode, body: mask(e.body), message: e.message };
    if (e instanceof Error) return { error: e.name, code: (e as { code?: unknown }).code, message: e.message };
    throw e;
  }
}

function mask(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null, (k, v: unknown) => (k === "uid" ? "<uid>" : v))) as unknown;
}

async function take(stream: JsonStream, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  if (n === 0) return out;
  for await (const v of stream) {
    out.push(mask(v));
    if (out.length >= n) break;
  }
  return out;
}

/** The same requests, in order, against a fresh server; returns everything they gave. */
async function transcript(kind: Kind): Promise<unknown[]> {
  const { env, transport } = await setup(kind);
  const client = new ApiClient(transport, { fieldManager: "parity" });
  const key = { namespace: "default", name: "w" };
  const out: unknown[] = [];
  const record = async (call: () => Promise<unknown>): Promise<void> => void out.push(await outcome(call));
  await record(() => transport.request({ method: "GET", path: "/version" }));
  await record(() => transport.request({ method: "GET", path: "/healthz" }));
  await record(() => transport.request({ method: "GET", path: "/apis/example.com/v1" }));
  await record(() => client.create(Widget, { metadata: { ...key, labels: { a: "1" } }, spec: { size: 3, unknown: true, dropped: undefined } }));
  await record(() => client.create(Widget, { metadata: key, spec: {} }));
  await record(() => client.create(Widget, { metadata: { namespace: "default", name: "big" }, spec: { size: 7 } }));
  await record(() => client.get(Widget, key));
  await record(() => client.update(Widget, { metadata: { ...key, resourceVersion: "1" }, spec: {} }));
  await record(() => client.patch(Widget, key, { spec: { color: "red" } }, { type: "merge" }));
  await record(() => client.patch(Widget, key, [{ op: "replace", path: "/spec/size", value: 9 }], { type: "json" }));
  await record(() => client.patch(Widget, key, { spec: { tags: ["x"] } }, { type: "apply", force: true }));
  await record(() => client.patchStatus(Widget, key, { status: { phase: "Ready" } }, { type: "merge" }));
  await record(() => client.list(Widget, { namespace: "default", labelSelector: { a: "1" } }));
  await record(() => client.list(Widget, { namespace: "default", fieldSelector: "spec.color=red" }));
  await record(() => client.create(ConfigMap, { metadata: { namespace: "nowhere", name: "c" } }));
  await record(() => transport.request({ method: "POST", path: "/api/v1/namespaces/default/configmaps", body: "{not json" }));
  env.server.faults.failRequests(429, { method: "GET" }, 1);
  await record(() => client.get(Widget, key));
  await record(() => client.delete(Widget, key));
  await record(() => client.get(Widget, key));
  return out;
}

describe("InMemoryTransport", () => {
  it("gives the same answers and errors as HTTP for the same requests", async () => {
    const http = await transcript("http");
    const memory = await transcript("in-memory");
    expect(memory).toEqual(http);
    expect(http[1]).toMatchObject({ error: "TransportError", code: "invalid-response" }); // /healthz answers text
    expect(http[4]).toMatchObject({ error: "ApiError", statusCode: 409 });
    expect(http[16]).toMatchObject({ error: "ApiError", statusCode: 429 });
  });

  it.each<Kind>(["http", "in-memory"])("streams the same watch events, ends on a dropped watch and breaks on an abrupt one (%s)", async (kind) => {
    const { env, transport } = await setup(kind);
    const client = new ApiClient(transport);
    await client.create(ConfigMap, { metadata: { namespace: "default", name: "a" } });
    const watch = await client.watch(ConfigMap, { namespace: "default", resourceVersion: "0" });
    const first = watch[Symbol.asyncIterator]();
    expect((await first.next()).value).toMatchObject({ type: "ADDED", object: { metadata: { name: "a" } } });
    await client.create(ConfigMap, { metadata: { namespace: "default", name: "b" } });
    expect((await first.next()).value).toMatchObject({ type: "ADDED", object: { metadata: { name: "b" } } });
    expect(env.server.openWatches).toBe(1);
    env.server.faults.dropWatches();
    expect(await first.next()).toEqual({ done: true, value: undefined });

    const again = await transport.stream({ path: "/api/v1/namespaces/default/configmaps", query: { watch: true, resourceVersion: "0" } });
    expect(await take(again, 2)).toHaveLength(2);
    const broken = await transport.stream({ path: "/api/v1/namespaces/default/configmaps", query: { watch: true } });
    const it2 = broken[Symbol.asyncIterator]();
    expect((await it2.next()).value).toMatchObject({ type: "ADDED", object: { metadata: { name: "a" } } });
    expect((await it2.next()).value).toMatchObject({ type: "ADDED", object: { metadata: { name: "b" } } });
    env.server.faults.dropWatches({ abrupt: true });
    await expect(it2.next()).rejects.toMatchObject({ name: "TransportError", code: "connection" });
  });

  it.each<Kind>(["http", "in-memory"])("sends ERROR 410 for an expired resourceVersion and refuses unknown resources (%s)", async (kind) => {
    const { env, transport } = await setup(kind);
    const client = new ApiClient(transport);
    await client.create(ConfigMap, { metadata: { namespace: "default", name: "a" } });
    env.server.faults.expireResourceVersions();
    const stream = await transport.stream({ path: "/api/v1/namespaces/default/configmaps", query: { watch: true, resourceVersion: "1" } });
    const events = await take(stream, 5);
    expect(events).toEqual([{ type: "ERROR", object: expect.objectContaining({ code: 410, reason: "Expired" }) as unknown }]);
    await expect(transport.stream({ path: "/apis/example.com/v1/nothings", query: { watch: true } })).rejects.toMatchObject({ statusCode: 404 });
  });

  it.each<Kind>(["http", "in-memory"])("times out, aborts and closes as HttpTransport does (%s)", async (kind) => {
    const { env, transport } = await setup(kind);
    const delay = env.server.faults.delayRequests(60_000, { method: "GET", watch: false }); // the server's manual clock never gets there
    await expect(transport.request({ method: "GET", path: "/api/v1/namespaces", timeoutMs: 30 })).rejects.toMatchObject({ name: "TransportError", code: "timeout" });
    const controller = new AbortController();
    const pending = transport.request({ method: "GET", path: "/api/v1/namespaces", signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    delay.cancel();

    const silent = await transport.stream({ path: "/api/v1/namespaces/default/secrets", query: { watch: true }, readTimeoutMs: 50 });
    await expect(take(silent, 1)).rejects.toMatchObject({ name: "TransportError", code: "read-timeout" });
    const closing = await transport.stream({ path: "/api/v1/namespaces/default/secrets", query: { watch: true } });
    const reading = take(closing, 1);
    setTimeout(() => closing.close(), 10);
    expect(await reading).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    expect(env.server.openWatches).toBe(0);

    await env.stop();
    await expect(transport.request({ method: "GET", path: "/api/v1/namespaces" })).rejects.toMatchObject({ name: "TransportError", code: "connection" });
  });
});
