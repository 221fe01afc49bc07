// The Client's deleteAllOf and listPage: the request the API client sends, what the manager's
// cached client does with each, and the cache's pages.
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { CachedClient } from "../../../src/runtime/cache/cached-client.js";
import { InformerCache } from "../../../src/runtime/cache/informer-cache.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { ConfigMap, defineResource, type KubernetesObject, type Resource } from "../../../src/runtime/resource.js";
import { FakeSource } from "../watch/fake-source.js";
import { FakeTransport } from "./fake-transport.js";

const Gadget = defineResource<KubernetesObject>({ group: "example.com", version: "v1", kind: "Gadget", plural: "gadgets", namespaced: false });

describe("ApiClient.deleteAllOf", () => {
  it("sends one DELETE on the collection, selectors in the query and DeleteOptions (dry run included) in the body", async () => {
    const t = new FakeTransport(() => ({ kind: "ConfigMapList", items: [] }));
    const client = new ApiClient(t);
    await client.deleteAllOf(ConfigMap, { namespace: "ns", labelSelector: { app: "web" }, fieldSelector: "metadata.name!=keep", propagationPolicy: "Foreground", gracePeriodSeconds: 0, dryRun: true });
    expect(t.requests).toEqual([
      {
        method: "DELETE",
        path: "/api/v1/namespaces/ns/configmaps",
        body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground", gracePeriodSeconds: 0, dryRun: ["All"] },
        query: { labelSelector: "app=web", fieldSelector: "metadata.name!=keep" },
      },
    ]);
  });

  it("deletes a cluster-scoped collection, and leaves a namespaced one without a namespace to the API server (405)", async () => {
    const t = new FakeTransport(() => ({}));
    const client = new ApiClient(t);
    await client.deleteAllOf(Gadget, { namespace: "ignored" });
    await client.deleteAllOf(ConfigMap);
    expect(t.requests.map((r) => [r.path, r.body])).toEqual([
      ["/apis/example.com/v1/gadgets", { kind: "DeleteOptions", apiVersion: "v1" }],
      ["/api/v1/configmaps", { kind: "DeleteOptions", apiVersion: "v1" }],
    ]);
  });
});

const caches: InformerCache[] = [];
afterEach(async () => {
  for (const c of caches.splice(0)) await c.stop();
});

const cm = (ns: string, name: string, labels: Record<string, string> = {}): KubernetesObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { namespace: ns, name, labels, resourceVersion: "7" },
});

async function syncedCache(objects: KubernetesObject[]): Promise<{ cache: InformerCache; apiTransport: FakeTransport; client: CachedClient }> {
  const cache = new InformerCache({
    clock: new FakeClock(),
    sourceFor: <T extends KubernetesObject>(_resource: Resource<T>) => {
      const source = new FakeSource<T>();
      source.onList = () => ({ items: objects as T[], resourceVersion: "7" });
      return source;
    },
  });
  caches.push(cache);
  cache.informerFor(ConfigMap);
  cache.start();
  expect(await cache.waitForCacheSync()).toBe(true);
  const apiTransport = new FakeTransport(() => ({}));
  return { cache, apiTransport, client: new CachedClient({ cache, client: new ApiClient(apiTransport) }) };
}

describe("CachedClient", () => {
  it("sends deleteAllOf to the API server", async () => {
    const { client, apiTransport } = await syncedCache([]);
    await client.deleteAllOf(ConfigMap, { namespace: "ns" });
    expect(apiTransport.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["DELETE /api/v1/namespaces/ns/configmaps"]);
  });

  it("pages the cache in namespace/name order with tokens of its own, and reads nothing from the API server", async () => {
    const { client, apiTransport } = await syncedCache([cm("b", "z"), cm("a", "y"), cm("a", "x", { tier: "web" }), cm("b", "w", { tier: "web" }), cm("c", "v")]);
    const seen: string[][] = [];
    let page = await client.listPage(ConfigMap, { limit: 2 });
    expect(page.resourceVersion).toBe("7");
    for (;;) {
      seen.push(page.items.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`));
      if (!page.continue) break;
      expect(page.continue.startsWith("cache:")).toBe(true);
      page = await client.listPage(ConfigMap, { limit: 2, continue: page.continue });
    }
    expect(seen).toEqual([["a/x", "a/y"], ["b/w", "b/z"], ["c/v"]]);
    expect((await client.listPage(ConfigMap, { labelSelector: { tier: "web" }, limit: 1 })).items.map((o) => o.metadata?.name)).toEqual(["x"]);
    expect((await client.listPage(ConfigMap, { namespace: "b" })).items.map((o) => o.metadata?.name)).toEqual(["w", "z"]);
    expect(apiTransport.requests).toEqual([]);
  });

  it("returns copies, and refuses a token it did not make", async () => {
    const { client } = await syncedCache([cm("a", "x")]);
    const first = await client.listPage(ConfigMap, {});
    first.items[0]!.metadata!.name = "changed";
    expect((await client.listPage(ConfigMap, {})).items[0]?.metadata?.name).toBe("x");
    await expect(client.listPage(ConfigMap, { continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ" })).rejects.toThrow(/was not made by this reader for ConfigMap.*mgr\.apiReader/);
    await expect(client.listPage(ConfigMap, { limit: -1 })).rejects.toThrow(/limit must be a whole number/);
  });
});
