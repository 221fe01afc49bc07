// The fake client's indexes, watch, interceptors, deleteAllOf and paging.
import { describe, expect, it } from "vitest";
import type { RawWatchEvent } from "../../../src/runtime/client/watch-event.js";
import { ApiError, isConflict, isNotFound } from "../../../src/runtime/errors.js";
import { ConfigMap, defineResource, Pod, type KubernetesObject } from "../../../src/runtime/resource.js";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { fakeClient, fakeIndex, interceptClient } from "../../../src/testing/index.js";
import { FakeTransport } from "../../runtime/client/fake-transport.js";
import { CRD_DIR } from "../helpers.js";

interface Widget extends KubernetesObject {
  spec?: { size?: number; color?: string };
}
const WidgetResource = defineResource<Widget>({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });
const Gadget = defineResource<KubernetesObject>({ group: "example.com", version: "v1", kind: "Gadget", plural: "gadgets", namespaced: false });

const names = (items: readonly KubernetesObject[]): string[] => items.map((i) => i.metadata?.name ?? "").sort();

async function take<T extends KubernetesObject>(stream: AsyncIterable<RawWatchEvent<T>>, count: number): Promise<string[]> {
  const out: string[] = [];
  for await (const e of stream) {
    out.push(`${e.type} ${e.type === "ERROR" ? e.object.code : e.object.metadata?.name}`);
    if (out.length === count) break;
  }
  return out;
}

describe("fakeClient indexes (controller-runtime's WithIndex)", () => {
  const pods = [
    { apiVersion: "v1", kind: "Pod", metadata: { name: "a", namespace: "default" }, spec: { nodeName: "n1", containers: [] } },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "b", namespace: "default" }, spec: { nodeName: "n2", containers: [] } },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "c", namespace: "other" }, spec: { nodeName: "n1", containers: [] } },
  ];

  it("lists by a registered index with a field selector, in a namespace or across them", async () => {
    const client = fakeClient({ objects: pods, indexes: [fakeIndex(Pod, "spec.nodeName", (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []))] });
    expect(names(await client.list(Pod, { fieldSelector: "spec.nodeName=n1" }))).toEqual(["a", "c"]);
    expect(names(await client.list(Pod, { namespace: "default", fieldSelector: "spec.nodeName=n1" }))).toEqual(["a"]);
    expect(names(await client.list(Pod, { fieldSelector: "spec.nodeName!=n1" }))).toEqual(["b"]);
    expect(names(await client.list(Pod, { fieldSelector: "spec.nodeName=n1,metadata.name=c" }))).toEqual(["c"]);
    // The index follows writes.
    await client.delete(Pod, { namespace: "default", name: "a" });
    await client.create(Pod, { metadata: { name: "d", namespace: "default" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "x" }] } });
    expect(names(await client.list(Pod, { fieldSelector: "spec.nodeName=n1" }))).toEqual(["c", "d"]);
  });

  it("refuses a field selector on an unregistered field of an indexed kind, as the cache does", async () => {
    const client = fakeClient({ objects: pods, indexes: [fakeIndex(Pod, "spec.nodeName", (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []))] });
    await expect(client.list(Pod, { fieldSelector: "status.phase=Running" })).rejects.toThrow(/no index "status.phase" on Pod; register it/);
    await expect(client.listPage(Pod, { fieldSelector: "status.phase=Running" })).rejects.toThrow(/no index "status.phase"/);
    // Without indexes the kind answers field selectors as the API server does.
    const plain = fakeClient({ objects: pods });
    expect(names(await plain.list(Pod, { fieldSelector: "spec.nodeName=n2" }))).toEqual(["b"]);
    // fieldSelectors: "cache" makes every kind read as the cache.
    const strict = fakeClient({ objects: pods, fieldSelectors: "cache" });
    await expect(strict.list(Pod, { fieldSelector: "spec.nodeName=n2" })).rejects.toThrow(/no index "spec.nodeName" on Pod/);
    expect(names(await strict.list(Pod, { fieldSelector: "metadata.name=b" }))).toEqual(["b"]);
  });

  it("fails a read whose index function throws, naming the index", async () => {
    const client = fakeClient({ objects: pods, indexes: [fakeIndex(Pod, "broken", () => { throw new Error("no node"); })] });
    await expect(client.list(Pod, { fieldSelector: "broken=x" })).rejects.toThrow('index "broken" on Pod failed: no node');
  });

  it("takes indexes after it is made, once per field", async () => {
    const client = fakeClient({ crdDirectoryPaths: [CRD_DIR] });
    client.indexField(WidgetResource, "color", (w) => (w.spec?.color ? [w.spec.color] : []));
    expect(() => client.indexField(WidgetResource, "color", () => [])).toThrow(/already registered/);
    await client.create(WidgetResource, { metadata: { name: "r", namespace: "default" }, spec: { size: 1, color: "red" } });
    await client.create(WidgetResource, { metadata: { name: "g", namespace: "default" }, spec: { size: 1, color: "green" } });
    expect(names(await client.list(WidgetResource, { fieldSelector: "color=green" }))).toEqual(["g"]);
    await client.deleteAllOf(WidgetResource, { namespace: "default", fieldSelector: "color=red" });
    expect(names(await client.list(WidgetResource, { namespace: "default" }))).toEqual(["g"]);
  });
});

describe("fakeClient watch", () => {
  it("streams the changes made through the client after a list's resourceVersion, with type meta", async () => {
    const client = fakeClient();
    await client.create(ConfigMap, { metadata: { name: "before", namespace: "default" } });
    const { resourceVersion } = await client.listPage(ConfigMap, { namespace: "default" });
    const stream = await client.watch(ConfigMap, { namespace: "default", resourceVersion, allowWatchBookmarks: false });
    const seen = take(stream, 3);
    const cm = await client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
    await client.create(ConfigMap, { metadata: { name: "elsewhere", namespace: "kube-system" } });
    await client.update(ConfigMap, { ...cm, data: { k: "v" } });
    await client.delete(ConfigMap, { namespace: "default", name: "a" });
    expect(await seen).toEqual(["ADDED a", "MODIFIED a", "DELETED a"]);
  });

  it("starts with ADDED events for what exists without a resourceVersion, and ends on close or abort", async () => {
    const client = fakeClient();
    await client.create(ConfigMap, { metadata: { name: "x", namespace: "default", labels: { app: "web" } } });
    await client.create(ConfigMap, { metadata: { name: "y", namespace: "default" } });
    const stream = await client.watch(ConfigMap, { namespace: "default", labelSelector: { app: "web" }, allowWatchBookmarks: false });
    const events: RawWatchEvent<KubernetesObject>[] = [];
    for await (const e of stream) {
      events.push(e);
      stream.close();
    }
    expect(events.map((e) => [e.type, e.object.kind, (e.object as KubernetesObject).metadata?.name])).toEqual([["ADDED", "ConfigMap", "x"]]);
    expect(client.store.openWatches).toBe(0);

    const abort = new AbortController();
    const aborted = await client.watch(ConfigMap, { namespace: "default", resourceVersion: client.store.resourceVersion, signal: abort.signal });
    const done = take(aborted, 1);
    abort.abort();
    expect(await done).toEqual([]);
    expect(client.store.openWatches).toBe(0);
  });

  it("answers a watch from an expired resourceVersion with the API server's 410 ERROR event, then ends", async () => {
    const client = fakeClient();
    await client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
    client.store.expireResourceVersions();
    const stream = await client.watch(ConfigMap, { namespace: "default", resourceVersion: "1" });
    expect(await take(stream, 2)).toEqual(["ERROR 410"]);
  });
});

describe("fakeClient interceptors (controller-runtime's interceptor.Funcs)", () => {
  it("injects errors per call and delegates otherwise", async () => {
    let conflicts = 1;
    const calls: string[] = [];
    const client = fakeClient({
      interceptor: {
        get(inner, resource, key) {
          calls.push(`get ${key.name}`);
          if (key.name === "broken") throw new ApiError(500, { reason: "InternalError", code: 500, message: "etcd is down" }, "GET", "/x");
          return inner.get(resource, key);
        },
        update(inner, resource, object, options) {
          if (conflicts-- > 0) throw new ApiError(409, { reason: "Conflict", code: 409, message: "the object has been modified" }, "PUT", "/x");
          return inner.update(resource, object, options);
        },
        async patchStatus() {
          throw new Error("status writes are off");
        },
        deleteAllOf: () => Promise.reject(new ApiError(403, { reason: "Forbidden", code: 403 }, "DELETE", "/x")),
      },
    });
    const cm = await client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
    expect((await client.get(ConfigMap, { namespace: "default", name: "a" })).metadata?.name).toBe("a");
    await expect(client.get(ConfigMap, { namespace: "default", name: "broken" })).rejects.toMatchObject({ statusCode: 500 });
    expect(calls).toEqual(["get a", "get broken"]);
    expect(isConflict(await client.update(ConfigMap, { ...cm, data: { k: "1" } }).catch((e: unknown) => e))).toBe(true);
    expect((await client.update(ConfigMap, { ...cm, data: { k: "1" } })).data).toEqual({ k: "1" });
    await expect(client.patchStatus(ConfigMap, { namespace: "default", name: "a" }, {}, { type: "merge" })).rejects.toThrow("status writes are off");
    await expect(client.deleteAllOf(ConfigMap, { namespace: "default" })).rejects.toMatchObject({ statusCode: 403 });
    // Calls without a hook, and the store, are the fake's own.
    await client.delete(ConfigMap, { namespace: "default", name: "a" });
    expect(isNotFound(await client.get(ConfigMap, { namespace: "default", name: "a" }).catch((e: unknown) => e))).toBe(true);
    expect(client.store.openWatches).toBe(0);
  });
});

describe("interceptClient", () => {
  it("passes a get's options (its signal) on, to the hook and to the wrapped client", async () => {
    const seen: unknown[] = [];
    const client = fakeClient({
      objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "default" } }],
      interceptor: {
        get(inner, resource, key, options) {
          seen.push(options);
          return inner.get(resource, key, options);
        },
      },
    });
    const stopped = new AbortController();
    stopped.abort();
    await expect(client.get(ConfigMap, { namespace: "default", name: "a" }, { signal: stopped.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(seen).toEqual([{ signal: stopped.signal }]);
    const plain = fakeClient({ objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "default" } }], interceptor: {} });
    await expect(plain.get(ConfigMap, { namespace: "default", name: "a" }, { signal: stopped.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("wraps any client with watch, keeping its other members (an ApiClient's transport)", async () => {
    const transport = new FakeTransport(() => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-server" } }));
    const client = interceptClient(new ApiClient(transport), {
      get: (inner, resource, key) => (key.name === "local" ? ({ metadata: { name: "local" } } as never) : inner.get(resource, key)),
    });
    expect(client.transport).toBe(transport);
    expect((await client.get(ConfigMap, { namespace: "default", name: "local" })).metadata?.name).toBe("local");
    expect((await client.get(ConfigMap, { namespace: "default", name: "x" })).metadata?.name).toBe("from-server");
    await client.deleteAllOf(ConfigMap, { namespace: "default" });
    expect(transport.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/v1/namespaces/default/configmaps/x", "DELETE /api/v1/namespaces/default/configmaps"]);
  });
});

describe("fakeClient deleteAllOf and paging", () => {
  it("deletes what the selectors select in a namespace, marks objects with finalizers, honours dry runs, and refuses all namespaces (405)", async () => {
    const client = fakeClient({ crdDirectoryPaths: [CRD_DIR] });
    for (const [name, tier, ns] of [["a", "web", "default"], ["b", "web", "default"], ["c", "db", "default"], ["a", "web", "kube-system"]] as const) {
      await client.create(ConfigMap, { metadata: { name, namespace: ns, labels: { tier } } });
    }
    await client.deleteAllOf(ConfigMap, { namespace: "default", labelSelector: { tier: "web" }, dryRun: true });
    expect(names(await client.list(ConfigMap, { namespace: "default", labelSelector: "tier" }))).toEqual(["a", "b", "c"]);
    await client.deleteAllOf(ConfigMap, { namespace: "default", labelSelector: { tier: "web" } });
    expect(names(await client.list(ConfigMap, { labelSelector: "tier" }))).toEqual(["a", "c"]);
    const refused = await client.deleteAllOf(ConfigMap, { labelSelector: "tier" }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 405, body: { reason: "MethodNotAllowed" } });

    await client.create(WidgetResource, { metadata: { name: "kept", namespace: "default", finalizers: ["example.com/f"] }, spec: { size: 1 } });
    await client.deleteAllOf(WidgetResource, { namespace: "default" });
    expect((await client.get(WidgetResource, { namespace: "default", name: "kept" })).metadata?.deletionTimestamp).toBeTruthy();

    await client.create(Gadget, { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "g" } });
    await client.deleteAllOf(Gadget);
    expect(await client.list(Gadget)).toEqual([]);
  });

  it("pages a list with limit and continue, as the API server does", async () => {
    const client = fakeClient();
    for (const name of ["a", "b", "c", "d", "e"]) await client.create(ConfigMap, { metadata: { name, namespace: "default" } });
    const first = await client.listPage(ConfigMap, { namespace: "default", limit: 2 });
    expect(names(first.items)).toEqual(["a", "b"]);
    expect(first.items[0]?.kind).toBe("ConfigMap");
    const second = await client.listPage(ConfigMap, { namespace: "default", limit: 2, continue: first.continue });
    const third = await client.listPage(ConfigMap, { namespace: "default", limit: 2, continue: second.continue });
    expect([names(second.items), names(third.items), third.continue]).toEqual([["c", "d"], ["e"], undefined]);
    await expect(client.listPage(ConfigMap, { namespace: "default", continue: "garbage!" })).rejects.toMatchObject({ statusCode: 400 });
  });

  it("pages an index read with the cache's own tokens", async () => {
    const client = fakeClient({ indexes: [fakeIndex(ConfigMap, "tier", (c) => [c.metadata?.labels?.["tier"] ?? ""])] });
    for (const name of ["a", "b", "c"]) await client.create(ConfigMap, { metadata: { name, namespace: "default", labels: { tier: "web" } } });
    const first = await client.listPage(ConfigMap, { fieldSelector: "tier=web", limit: 2 });
    const second = await client.listPage(ConfigMap, { fieldSelector: "tier=web", limit: 2, continue: first.continue });
    expect([names(first.items), names(second.items), second.continue]).toEqual([["a", "b"], ["c"], undefined]);
  });
});
