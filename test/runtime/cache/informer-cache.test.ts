import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { CacheNotSyncedError, ResourceNotCachedError } from "../../../src/runtime/cache/cache-errors.js";
import { CachedClient } from "../../../src/runtime/cache/cached-client.js";
import { InformerCache } from "../../../src/runtime/cache/informer-cache.js";
import { isNotFound } from "../../../src/runtime/errors.js";
import { ConfigMap, Namespace, Pod, Secret, type KubernetesObject, type Resource } from "../../../src/runtime/resource.js";
import type { WatchScope } from "../../../src/runtime/watch/list-watch-source.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { FakeSource, obj, settle } from "../watch/fake-source.js";
import { FakeTransport } from "../client/fake-transport.js";

const caches: InformerCache[] = [];
afterEach(async () => {
  for (const c of caches.splice(0)) await c.stop();
});

const cm = (ns: string, name: string, labels: Record<string, string> = {}, rv = "1"): KubernetesObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { namespace: ns, name, labels, resourceVersion: rv },
  ...{ data: { a: "1" } },
});

/** A cache whose sources serve `objects` of each resource, filtered by the scope's namespace. */
function setup(objects: Record<string, KubernetesObject[]>, options: { namespaces?: string[]; readSyncTimeoutMs?: number } = {}) {
  const clock = new FakeClock();
  const sources: { resource: Resource; scope: WatchScope; source: FakeSource }[] = [];
  const cache = new InformerCache({
    clock,
    backoff: { jitter: 0, maxMs: 1000 },
    ...options,
    sourceFor: <T extends KubernetesObject>(resource: Resource<T>, scope: WatchScope) => {
      const source = new FakeSource<T>();
      source.onList = () => ({
        items: (objects[resource.kind] ?? []).filter((o) => !scope.namespace || o.metadata?.namespace === scope.namespace) as T[],
        resourceVersion: "1",
      });
      sources.push({ resource, scope, source: source as unknown as FakeSource });
      return source;
    },
  });
  caches.push(cache);
  return { cache, clock, sources };
}

const names = (objects: KubernetesObject[]) => objects.map((o) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name}`).sort();

describe("InformerCache", () => {
  it("shares one informer per resource and refuses a second, different scope", () => {
    const { cache, sources } = setup({});
    const a = cache.informerFor(ConfigMap);
    const b = cache.informerFor(ConfigMap);
    expect(a).toBe(b);
    expect(sources).toHaveLength(1);
    expect(() => cache.informerFor(ConfigMap, { labelSelector: { app: "x" } })).toThrow(
      /ConfigMap is already watched with scope .*one scope per resource/,
    );
    expect(cache.isWatched(ConfigMap)).toBe(true);
    expect(cache.isWatched(Secret)).toBe(false);
  });

  it("passes scopes to the source and fans out over namespaces", () => {
    const { cache, sources } = setup({}, { namespaces: ["b", "a"] });
    cache.informerFor(ConfigMap);
    cache.informerFor(Namespace);
    cache.informerFor(Secret, { labelSelector: { app: "x" }, fieldSelector: "type=Opaque" });
    expect(sources.map((s) => [s.resource.kind, s.scope])).toEqual([
      ["ConfigMap", { namespace: "a", labelSelector: undefined, fieldSelector: undefined }],
      ["ConfigMap", { namespace: "b", labelSelector: undefined, fieldSelector: undefined }],
      ["Namespace", { namespace: undefined, labelSelector: undefined, fieldSelector: undefined }],
      ["Secret", { namespace: "a", labelSelector: "app=x", fieldSelector: "type=Opaque" }],
      ["Secret", { namespace: "b", labelSelector: "app=x", fieldSelector: "type=Opaque" }],
    ]);
  });

  it("serves get and list from the store as copies, filtered by namespace, labels and fields", async () => {
    const { cache } = setup({ ConfigMap: [cm("a", "x", { app: "web" }), cm("a", "y", { app: "db" }), cm("b", "x", { app: "web" })] });
    cache.informerFor(ConfigMap);
    cache.start();
    expect(await cache.waitForCacheSync()).toBe(true);
    const got = await cache.get(ConfigMap, { namespace: "a", name: "x" });
    expect(got.data).toEqual({ a: "1" });
    got.data!["a"] = "changed"; // a copy: the cache is untouched
    expect((await cache.get(ConfigMap, { namespace: "a", name: "x" })).data).toEqual({ a: "1" });
    expect(names(await cache.list(ConfigMap))).toEqual(["a/x", "a/y", "b/x"]);
    expect(names(await cache.list(ConfigMap, { namespace: "a" }))).toEqual(["a/x", "a/y"]);
    expect(names(await cache.list(ConfigMap, { labelSelector: { app: "web" } }))).toEqual(["a/x", "b/x"]);
    expect(names(await cache.list(ConfigMap, { labelSelector: "app in (web,db)", fieldSelector: "metadata.name=y" }))).toEqual(["a/y"]);
    const e = await cache.get(ConfigMap, { namespace: "a", name: "nope" }).catch((x: unknown) => x);
    expect(isNotFound(e)).toBe(true);
    expect(String(e)).toMatch(/configmaps "nope" not found/);
    await expect(cache.get(ConfigMap, { name: "x" })).rejects.toThrow(/namespace is required/);
  });

  it("answers field selectors and byIndex from custom indexes", async () => {
    const pods = [
      { metadata: { namespace: "a", name: "p1" }, spec: { nodeName: "n1" } },
      { metadata: { namespace: "a", name: "p2" }, spec: { nodeName: "n2" } },
      { metadata: { namespace: "b", name: "p3" }, spec: { nodeName: "n1" } },
    ] as unknown as KubernetesObject[];
    const { cache } = setup({ Pod: pods });
    cache.indexField(Pod, "node", (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    cache.start();
    await cache.waitForCacheSync();
    expect(names(await cache.byIndex(Pod, "node", "n1"))).toEqual(["a/p1", "b/p3"]);
    expect(names(await cache.byIndex(Pod, "node", "n1", "b"))).toEqual(["b/p3"]);
    expect(names(await cache.list(Pod, { fieldSelector: "node=n1" }))).toEqual(["a/p1", "b/p3"]);
    expect(names(await cache.list(Pod, { fieldSelector: "node!=n1" }))).toEqual(["a/p2"]);
    expect(names(await cache.list(Pod, { namespace: "a", fieldSelector: "node=n1" }))).toEqual(["a/p1"]);
    await expect(cache.byIndex(Pod, "owner", "x")).rejects.toThrow(
      'no index "owner" on Pod: add it with cache.indexField(Pod, "owner", fn)',
    );
    // A field selector on an index never registered is an error, not an empty list; so is a
    // plain field path, which the cache answers only through an index.
    await expect(cache.list(Pod, { fieldSelector: ".metadata.controller=web" })).rejects.toThrow(
      'field selector ".metadata.controller=web": the cache has no index ".metadata.controller" on Pod; register it with cache.indexField(Pod, ".metadata.controller", fn)',
    );
    await expect(cache.list(Pod, { fieldSelector: "spec.nodeName=n1" })).rejects.toThrow('the cache has no index "spec.nodeName" on Pod');
    expect(names(await cache.list(Pod, { fieldSelector: "metadata.namespace=b,metadata.name!=p9" }))).toEqual(["b/p3"]);
  });

  it("fails reads of unwatched resources and namespaces, naming the kind, and never starts an informer", async () => {
    const { cache, sources } = setup({}, { namespaces: ["a"] });
    cache.informerFor(ConfigMap);
    cache.start();
    await cache.waitForCacheSync();
    const e = await cache.get(Secret, { namespace: "a", name: "x" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ResourceNotCachedError);
    expect(String(e)).toMatch(/Secret \(v1\) is not watched by the cache.*mgr\.apiReader/);
    await expect(cache.list(ConfigMap, { namespace: "z" })).rejects.toThrow(
      "ConfigMap (v1) in namespace z (the cache watches namespaces a) is not watched",
    );
    expect(sources).toHaveLength(1);
  });

  it("makes reads wait for the first list, and fail with the last error when it never comes", async () => {
    const { cache, clock, sources } = setup({ ConfigMap: [cm("a", "x")] }, { readSyncTimeoutMs: 5000 });
    cache.informerFor(ConfigMap);
    await expect(cache.list(ConfigMap)).rejects.toThrow(/has not synced: the cache is not started/);
    sources[0]!.source.onList = () => new Error('configmaps is forbidden: User "op" cannot list resource "configmaps"');
    cache.start();
    const pending = cache.list(ConfigMap).catch((x: unknown) => x);
    for (let t = 0; t < 5; t++) {
      await settle();
      await clock.advanceAsync(1000);
    }
    const e = await pending;
    expect(e).toBeInstanceOf(CacheNotSyncedError);
    expect(String(e)).toMatch(
      /cache of ConfigMap \(v1\) has not synced: still failing after 5000 ms: list of Thing failed: configmaps is forbidden/,
    );

    sources[0]!.source.onList = () => ({ items: [cm("a", "x")], resourceVersion: "1" });
    const waiting = cache.list(ConfigMap);
    for (let t = 0; t < 10 && !cache.informerFor(ConfigMap).hasSynced(); t++) {
      await clock.advanceAsync(1000); // the watcher's backoff
      await settle();
    }
    expect(names(await waiting)).toEqual(["a/x"]);
  });

  it("starts informers registered after start", async () => {
    const { cache } = setup({ Secret: [cm("a", "s")] });
    cache.start();
    cache.informerFor(Secret);
    expect(await cache.waitForCacheSync()).toBe(true);
    expect(names(await cache.list(Secret))).toEqual(["a/s"]);
    expect(cache.resources().map((r) => r.kind)).toEqual(["Secret"]);
  });
});

describe("CachedClient", () => {
  it("reads from the cache and writes through the API client", async () => {
    const { cache } = setup({ ConfigMap: [cm("a", "x")] });
    cache.informerFor(ConfigMap);
    cache.start();
    await cache.waitForCacheSync();
    const transport = new FakeTransport((req) => req.body ?? { metadata: { name: "direct" } });
    const client = new CachedClient({ cache, client: new ApiClient(transport) });
    expect((await client.get(ConfigMap, { namespace: "a", name: "x" })).metadata?.name).toBe("x");
    expect(names(await client.list(ConfigMap))).toEqual(["a/x"]);
    expect(transport.requests).toHaveLength(0);
    await expect(client.get(Secret, { namespace: "a", name: "x" })).rejects.toThrow(ResourceNotCachedError);
    expect((await client.apiReader.get(Secret, { namespace: "a", name: "x" })).metadata?.name).toBe("direct");

    const key = { namespace: "a", name: "x" };
    await client.create(ConfigMap, cm("a", "n"));
    await client.update(ConfigMap, cm("a", "x"));
    await client.patch(ConfigMap, key, {}, { type: "merge" });
    await client.updateStatus(ConfigMap, cm("a", "x"));
    await client.patchStatus(ConfigMap, key, {}, { type: "merge" });
    await client.delete(ConfigMap, key);
    expect(transport.requests.slice(1).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/namespaces/a/configmaps",
      "PUT /api/v1/namespaces/a/configmaps/x",
      "PATCH /api/v1/namespaces/a/configmaps/x",
      "PUT /api/v1/namespaces/a/configmaps/x/status",
      "PATCH /api/v1/namespaces/a/configmaps/x/status",
      "DELETE /api/v1/namespaces/a/configmaps/x",
    ]);
    expect(client.cache).toBe(cache);
  });
});
