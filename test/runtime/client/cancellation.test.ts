// Every Client call can be cancelled: a signal and a per-request timeout in its options
// reach the transport (ApiClient, and CachedClient's writes), and the testing kit's fake
// client refuses a call whose signal is already aborted.
import { describe, expect, it } from "vitest";
import { CachedClient, InformerCache } from "../../../src/runtime/cache/index.js";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../../src/runtime/client/transport.js";
import { TransportError } from "../../../src/runtime/client/transport-error.js";
import type { Client } from "../../../src/runtime/client/types.js";
import { ConfigMap, type KubernetesObject } from "../../../src/runtime/resource.js";
import { fakeClient } from "../../../src/testing/index.js";
import { FakeTransport } from "./fake-transport.js";
import { startScriptedServer } from "./scripted-server.js";

const key = { namespace: "ns", name: "x" };
const object = { metadata: { namespace: "ns", name: "x", resourceVersion: "1" } };

/** One call of every Client method, each with `options`. */
function everyCall(c: Client, options: { signal: AbortSignal; timeoutMs: number }): [string, () => Promise<unknown>][] {
  return [
    ["get", () => c.get(ConfigMap, key, options)],
    ["list", () => c.list(ConfigMap, { namespace: "ns", ...options })],
    ["create", () => c.create(ConfigMap, object, options)],
    ["update", () => c.update(ConfigMap, object, options)],
    ["updateStatus", () => c.updateStatus(ConfigMap, object, options)],
    ["patch", () => c.patch(ConfigMap, key, { data: {} }, { type: "merge", ...options })],
    ["patchStatus", () => c.patchStatus(ConfigMap, key, { data: {} }, { type: "merge", ...options })],
    ["delete", () => c.delete(ConfigMap, key, options)],
  ];
}

describe("cancelling Client calls", () => {
  it("ApiClient hands every call's signal and timeout to its request", async () => {
    const t = new FakeTransport((req) => (req.method === "GET" && !req.path.endsWith("/x") ? { metadata: {}, items: [] } : object));
    const signal = new AbortController().signal;
    for (const [verb, call] of everyCall(new ApiClient(t), { signal, timeoutMs: 1234 })) {
      t.requests.length = 0;
      await call();
      expect(t.requests, verb).toHaveLength(1);
      expect(t.requests[0]?.signal, verb).toBe(signal);
      expect(t.requests[0]?.timeoutMs, verb).toBe(1234);
    }
  });

  it("a request to a server that never answers fails at its timeout, or when its signal aborts", async () => {
    const server = await startScriptedServer();
    const transport = new HttpTransport({ kubeConfig: server.kubeConfig() });
    try {
      server.script(() => new Promise<void>(() => {})); // never answers
      const client = new ApiClient(transport);
      const timedOut = await client.get(ConfigMap, key, { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(TransportError);
      expect((timedOut as TransportError).code).toBe("timeout");
      const aborter = new AbortController();
      const aborted = client.update(ConfigMap, object, { signal: aborter.signal }).catch((e: unknown) => e);
      aborter.abort();
      expect(((await aborted) as Error).name).toBe("AbortError");
    } finally {
      transport.close();
      await server.close();
    }
  });

  it("CachedClient passes the signal and timeout of its writes to the API server", async () => {
    const t = new FakeTransport(() => object);
    const api = new ApiClient(t);
    const cached = new CachedClient({ cache: new InformerCache({ client: api }), client: api });
    const signal = new AbortController().signal;
    const writes = everyCall(cached, { signal, timeoutMs: 99 }).filter(([verb]) => verb !== "get" && verb !== "list");
    for (const [verb, call] of writes) {
      t.requests.length = 0;
      await call();
      expect(t.requests[0]?.signal, verb).toBe(signal);
      expect(t.requests[0]?.timeoutMs, verb).toBe(99);
    }
  });

  it("the fake client rejects a call whose signal is aborted, and changes nothing", async () => {
    const client = fakeClient({ objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "ns", name: "x" }, data: { a: "1" } } as KubernetesObject] });
    const aborter = new AbortController();
    aborter.abort();
    const stored = await client.get(ConfigMap, key);
    for (const [verb, call] of everyCall(client, { signal: aborter.signal, timeoutMs: 1_000 })) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error | undefined)?.name, verb).toBe("AbortError");
    }
    expect(await client.get(ConfigMap, key)).toEqual(stored);
    // a live signal changes nothing
    expect((await client.get(ConfigMap, key, { signal: new AbortController().signal })).data).toEqual({ a: "1" });
  });
});
