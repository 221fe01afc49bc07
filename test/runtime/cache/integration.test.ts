/**
 * The cache against a test API server over HTTP, with the real watch protocol. What only
 * needs API semantics runs on both backends (the in-process server, and a real
 * kube-apiserver when KUBEBUILDER_ASSETS is set); what needs the in-process server's fault
 * injection (dropped watches, forced 410s, failed requests) runs on that server only. Real
 * time, bounded: every wait polls.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../../src/runtime/client/transport.js";
import { CachedClient } from "../../../src/runtime/cache/cached-client.js";
import { InformerCache, type InformerCacheOptions, type InformerScope } from "../../../src/runtime/cache/informer-cache.js";
import { isNotFound } from "../../../src/runtime/errors.js";
import { ConfigMap, Secret } from "../../../src/runtime/resource.js";
import type { WatcherStateKind } from "../../../src/runtime/watch/watcher-step.js";
import { startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { describeEachBackend, eventually, freshNamespace, testEnvPerFile } from "../../helpers/backends.js";

const envFor = testEnvPerFile();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const cm = (namespace: string, name: string, data: Record<string, string> = { v: "1" }, labels?: Record<string, string>) => ({
  metadata: { name, namespace, ...(labels ? { labels } : {}) },
  data,
});

interface Harness {
  readonly api: ApiClient;
  readonly cache: InformerCache;
  /** The ConfigMap handler's calls: "add x", "update x rv->rv", "delete x", "delete x (missed)". */
  readonly log: string[];
  readonly transitions: string[];
  readonly errors: unknown[];
}

/** A client and an informer cache (not started) with a logging handler on ConfigMaps in `scope`, closed after the test. */
function harness(env: TestEnv, options: Partial<InformerCacheOptions> = {}, scope?: InformerScope): Harness {
  const transport = new HttpTransport({ kubeConfig: env.kubeConfig });
  const api = new ApiClient(transport, { fieldManager: "cache-test" });
  const transitions: string[] = [];
  const log: string[] = [];
  const errors: unknown[] = [];
  const cache = new InformerCache({
    client: api,
    backoff: { initialMs: 5, maxMs: 20 },
    watcher: { minWatchDurationMs: 0, onTransition: (from: WatcherStateKind, to: WatcherStateKind) => transitions.push(`${from}->${to}`) },
    onError: (e) => errors.push(e),
    ...options,
  });
  cache.informerFor(ConfigMap, scope).addEventHandler({
    onAdd: (o) => log.push(`add ${o.metadata?.name}`),
    onUpdate: (a, b, i) =>
      !i.resync && log.push(`update ${b.metadata?.name} ${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`),
    onDelete: (o, i) => log.push(`delete ${o.metadata?.name}${i.finalStateUnknown ? " (missed)" : ""}`),
  });
  cleanups.push(async () => {
    await cache.stop();
    transport.close();
  });
  return { api, cache, log, transitions, errors };
}

async function startSynced(cache: InformerCache): Promise<void> {
  cache.start();
  expect(await cache.waitForCacheSync()).toBe(true);
}

/** Whether the cache holds exactly what the server has in `namespace` (names and resourceVersions). */
async function matchesServer({ cache, api }: Harness, namespace: string): Promise<boolean> {
  const snapshot = (objects: { metadata?: { name?: string; resourceVersion?: string } }[]) =>
    objects
      .map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`)
      .sort()
      .join(",");
  return snapshot(await cache.list(ConfigMap, { namespace })) === snapshot(await api.list(ConfigMap, { namespace }));
}

const names = (objects: { metadata?: { name?: string } }[]): string[] => objects.map((o) => o.metadata?.name ?? "").sort();

describeEachBackend("InformerCache against the API server", (backend) => {
  it("lists, then follows creates, updates and deletes through the watch", async () => {
    const env = await envFor(backend);
    const ns = await freshNamespace(env.kubeConfig, "cache");
    const h = harness(env, { namespaces: [ns] });
    await h.api.create(ConfigMap, cm(ns, "before"));
    await startSynced(h.cache);
    expect(h.log).toEqual(["add before"]);
    const client = new CachedClient({ cache: h.cache, client: h.api });
    const created = await client.create(ConfigMap, cm(ns, "after"));
    await eventually("the add", () => h.log.includes("add after"));
    const fresh = await client.get(ConfigMap, { namespace: ns, name: "after" });
    fresh.data = { v: "2" };
    const updated = await client.update(ConfigMap, fresh);
    await eventually("the update", () => h.log.includes(`update after ${created.metadata?.resourceVersion}->${updated.metadata?.resourceVersion}`));
    expect((await client.get(ConfigMap, { namespace: ns, name: "after" })).data).toEqual({ v: "2" });
    await client.delete(ConfigMap, { namespace: ns, name: "before" });
    await eventually("the delete", () => h.log.includes("delete before"));
    expect(isNotFound(await client.get(ConfigMap, { namespace: ns, name: "before" }).catch((e: unknown) => e))).toBe(true);
    expect(await matchesServer(h, ns)).toBe(true);
  });

  it("watching every namespace, serves reads of one namespace, and several namespaces with one informer each", async () => {
    const env = await envFor(backend);
    const [a, b, c] = (await Promise.all(["cache-a", "cache-b", "cache-c"].map((p) => freshNamespace(env.kubeConfig, p)))) as [string, string, string];
    const all = harness(env);
    const some = harness(env, { namespaces: [a, b] });
    for (const ns of [a, b, c]) await all.api.create(ConfigMap, cm(ns, `in-${ns}`));
    await Promise.all([startSynced(all.cache), startSynced(some.cache)]);
    // The cluster-wide cache holds the server's own ConfigMaps too (a real one has some in kube-system).
    expect(all.log).toEqual(expect.arrayContaining([`add in-${a}`, `add in-${b}`, `add in-${c}`]));
    expect(names(await all.cache.list(ConfigMap, { namespace: b }))).toEqual([`in-${b}`]);
    expect([...some.log].sort()).toEqual([`add in-${a}`, `add in-${b}`].sort());
    expect(names(await some.cache.list(ConfigMap))).toEqual([`in-${a}`, `in-${b}`]);
    await expect(some.cache.list(ConfigMap, { namespace: c })).rejects.toThrow(`in namespace ${c} (the cache watches namespaces ${a}, ${b})`);
    await all.api.create(ConfigMap, cm(c, "later"));
    await all.api.create(ConfigMap, cm(a, "later"));
    await eventually("the later ConfigMaps", async () => (await all.cache.list(ConfigMap, { namespace: c })).length === 2 && some.log.includes("add later"));
    expect(some.log.filter((l) => l === "add later")).toHaveLength(1);
    for (const ns of [a, b, c]) expect(await matchesServer(all, ns)).toBe(true);
  });

  it("with a label selector, reports an object whose labels stop matching as deleted and one that starts matching as added", async () => {
    const env = await envFor(backend);
    const ns = await freshNamespace(env.kubeConfig, "cache-labels");
    const h = harness(env, { namespaces: [ns] }, { labelSelector: { app: "web" } });
    await h.api.create(ConfigMap, cm(ns, "web", { v: "1" }, { app: "web" }));
    await h.api.create(ConfigMap, cm(ns, "db", { v: "1" }, { app: "db" }));
    await startSynced(h.cache);
    expect(h.log).toEqual(["add web"]);
    await h.api.patch(ConfigMap, { namespace: ns, name: "web" }, { metadata: { labels: { app: "other" } } }, { type: "merge" });
    await h.api.patch(ConfigMap, { namespace: ns, name: "db" }, { metadata: { labels: { app: "web" } } }, { type: "merge" });
    await eventually("the label changes", () => h.log.length >= 3);
    expect(h.log).toEqual(["add web", "delete web", "add db"]);
    expect(names(await h.cache.list(ConfigMap, { namespace: ns }))).toEqual(["db"]);
    // reads narrow further by labels and fields
    await h.api.create(ConfigMap, cm(ns, "web-2", { v: "1" }, { app: "web", tier: "front" }));
    await eventually("web-2", () => h.log.includes("add web-2"));
    expect(names(await h.cache.list(ConfigMap, { namespace: ns, labelSelector: { tier: "front" } }))).toEqual(["web-2"]);
    expect(names(await h.cache.list(ConfigMap, { namespace: ns, fieldSelector: "metadata.name!=web-2" }))).toEqual(["db"]);
  });

  it("answers field selector reads from a custom index, kept up to date by the watch", async () => {
    const env = await envFor(backend);
    const ns = await freshNamespace(env.kubeConfig, "cache-index");
    const h = harness(env, { namespaces: [ns] });
    h.cache.indexField(ConfigMap, "data.owner", (o) => (o.data?.["owner"] ? [o.data["owner"]] : []));
    await h.api.create(ConfigMap, cm(ns, "a", { owner: "alice" }));
    await h.api.create(ConfigMap, cm(ns, "b", { owner: "bob" }));
    await startSynced(h.cache);
    expect(names(await h.cache.list(ConfigMap, { namespace: ns, fieldSelector: "data.owner=alice" }))).toEqual(["a"]);
    await h.api.patch(ConfigMap, { namespace: ns, name: "b" }, { data: { owner: "alice" } }, { type: "merge" });
    await eventually("the index to follow the change", async () => (await h.cache.byIndex(ConfigMap, "data.owner", "alice", ns)).length === 2);
    expect(await h.cache.list(ConfigMap, { namespace: ns, fieldSelector: "data.owner=bob" })).toEqual([]);
  });

  it("resumes each watch the server ends (timeoutSeconds) from where it was, without relisting or losing an event", async () => {
    const env = await envFor(backend);
    const ns = await freshNamespace(env.kubeConfig, "cache-resume");
    const h = harness(env, { namespaces: [ns], watcher: { timeoutSeconds: 1, minWatchDurationMs: 0, onTransition: (from, to) => h.transitions.push(`${from}->${to}`) } });
    await startSynced(h.cache);
    const created: string[] = [];
    // Writes spread over several watches: each ends after a second, and is resumed.
    const resumed = (): number => h.transitions.filter((t) => t === "watching->listed").length;
    const deadline = performance.now() + 30_000;
    for (let i = 0; resumed() < 3; i++) {
      if (performance.now() > deadline) throw new Error(`the server ended ${resumed()} watches in 30 s, expected 3 (timeoutSeconds: 1)`);
      await h.api.create(ConfigMap, cm(ns, `cm-${i}`));
      created.push(`cm-${i}`);
      if (i % 3 === 2) await h.api.delete(ConfigMap, { namespace: ns, name: `cm-${i - 1}` });
      await new Promise((r) => setTimeout(r, 50)); // pacing the writes, not waiting for an outcome
    }
    await eventually("the cache to match the server", () => matchesServer(h, ns));
    expect(h.log.filter((l) => l.startsWith("add ")).map((l) => l.slice(4))).toEqual(created);
    expect(h.transitions.filter((t) => t === "empty->listing")).toHaveLength(1);
    expect(h.transitions.filter((t) => t === "watching->listed").length).toBeGreaterThanOrEqual(3);
  });

  it("caches several resources, each behind its own informer", async () => {
    const env = await envFor(backend);
    const ns = await freshNamespace(env.kubeConfig, "cache-kinds");
    const h = harness(env, { namespaces: [ns] });
    h.cache.informerFor(Secret);
    await h.api.create(Secret, { metadata: { name: "s", namespace: ns }, stringData: { k: "v" } });
    await startSynced(h.cache);
    const secret = await h.cache.get(Secret, { namespace: ns, name: "s" });
    expect(secret.data).toEqual({ k: Buffer.from("v").toString("base64") });
    expect(secret.apiVersion).toBe("v1");
    expect(secret.kind).toBe("Secret");
    expect(h.cache.resources().map((r) => r.kind).sort()).toEqual(["ConfigMap", "Secret"]);
  });
});

// Fault injection: the in-process server only, a fresh one per test so no fault outlives its test.
describe("InformerCache through server faults [in-process]", () => {
  let env: TestEnv;
  let h: Harness;
  const ns = "default";
  const inProcess = async (): Promise<void> => {
    env = await startTestEnv({ backend: "in-process" });
    cleanups.push(() => env.stop());
    h = harness(env);
  };

  it("resumes a dropped watch from its resourceVersion without relisting", async () => {
    await inProcess();
    await startSynced(h.cache);
    const listsBefore = h.transitions.filter((t) => t === "empty->listing").length;
    for (const abrupt of [false, true]) {
      await eventually("the watch to be open", () => h.transitions.at(-1) === "listed->watching");
      const dropped = env.server.faults.dropWatches({ abrupt });
      expect(dropped).toBe(1);
      await h.api.create(ConfigMap, cm(ns, `during-${abrupt}`));
      await eventually("the object created while the watch was down", () => h.log.includes(`add during-${abrupt}`));
    }
    expect(h.transitions.filter((t) => t === "empty->listing").length).toBe(listsBefore);
    expect(h.transitions.filter((t) => t === "watching->listed").length).toBeGreaterThanOrEqual(2);
    expect(await matchesServer(h, ns)).toBe(true);
  });

  it("relists on a forced 410 and reports a delete missed meanwhile as final-state-unknown", async () => {
    await inProcess();
    await h.api.create(ConfigMap, cm(ns, "keep"));
    await h.api.create(ConfigMap, cm(ns, "victim"));
    await startSynced(h.cache);
    // Keep the watch down, delete while it is, then expire every resourceVersion.
    const refuse = env.server.faults.failRequests(500, { watch: true });
    env.server.faults.dropWatches();
    await h.api.delete(ConfigMap, { namespace: ns, name: "victim" });
    await h.api.create(ConfigMap, cm(ns, "newcomer"));
    env.server.faults.expireResourceVersions();
    refuse.cancel();
    await eventually("the relist's tombstone", () => h.log.includes("delete victim (missed)"));
    expect(h.log).toContain("add newcomer");
    expect(h.transitions.filter((t) => t === "empty->listing").length).toBe(2);
    expect(await matchesServer(h, ns)).toBe(true);

    // An open watch told 410 by an ERROR event relists too.
    env.server.faults.reset();
    await eventually("the watch to reopen", () => h.transitions.at(-1) === "listed->watching");
    env.server.faults.expireResourceVersions();
    await eventually("the second relist", () => h.transitions.filter((t) => t === "empty->listing").length === 3);
    env.server.faults.reset();
    await h.api.create(ConfigMap, cm(ns, "last"));
    await eventually("events after the relist", () => h.log.includes("add last"));
  });

  it("loses no event while watches are dropped and requests fail", async () => {
    await inProcess();
    await startSynced(h.cache);
    const all = Array.from({ length: 60 }, (_, i) => `cm-${i}`);
    for (const [i, name] of all.entries()) {
      await h.api.create(ConfigMap, cm(ns, name));
      if (i % 10 === 3) env.server.faults.dropWatches({ abrupt: i % 20 === 3 });
      if (i % 20 === 7) env.server.faults.failRequests(503, { watch: true }, 2);
      if (i % 15 === 5) await h.api.patch(ConfigMap, { namespace: ns, name: all[i - 1]! }, { data: { v: "patched" } }, { type: "merge" });
      if (i % 25 === 9) await h.api.delete(ConfigMap, { namespace: ns, name: all[i - 2]! });
    }
    await eventually("the cache to match the server", () => matchesServer(h, ns));
    const added = new Set(h.log.filter((l) => l.startsWith("add ")).map((l) => l.slice(4)));
    expect([...added].sort()).toEqual([...all].sort());
    expect(h.log.filter((l) => l.startsWith("delete ")).sort()).toEqual(["delete cm-32", "delete cm-57", "delete cm-7"]);
    expect(h.log.filter((l) => l.startsWith("update ")).length).toBe(4);
  });
});
