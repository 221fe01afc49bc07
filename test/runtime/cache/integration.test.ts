/**
 * The cache against the in-process test API server (`startTestEnv`): real HTTP, the real
 * watch protocol, and the server's fault injection (dropped watches, forced 410s, failed
 * requests). Real time, bounded: every wait polls for at most a few seconds.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../../src/runtime/client/transport.js";
import { CachedClient } from "../../../src/runtime/cache/cached-client.js";
import { InformerCache } from "../../../src/runtime/cache/informer-cache.js";
import { isNotFound } from "../../../src/runtime/errors.js";
import { ConfigMap } from "../../../src/runtime/resource.js";
import type { WatcherStateKind } from "../../../src/runtime/watch/watcher-step.js";
import { startTestEnv, type TestEnv } from "../../../src/testing/index.js";

let env: TestEnv;
let transport: HttpTransport;
let api: ApiClient;
let cache: InformerCache;
let transitions: string[];
let log: string[];
let errors: unknown[];

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const cm = (name: string, data: Record<string, string> = { v: "1" }) => ({ metadata: { name, namespace: "default" }, data });

beforeEach(async () => {
  env = await startTestEnv({ backend: "in-process" }); // faults and the store: the in-process server
  transport = new HttpTransport({ kubeConfig: env.kubeConfig });
  api = new ApiClient(transport, { fieldManager: "cache-test" });
  transitions = [];
  log = [];
  errors = [];
  cache = new InformerCache({
    client: api,
    backoff: { initialMs: 5, maxMs: 20 },
    watcher: { minWatchDurationMs: 0, onTransition: (from: WatcherStateKind, to: WatcherStateKind) => transitions.push(`${from}->${to}`) },
    onError: (e) => errors.push(e),
  });
  cache.informerFor(ConfigMap).addEventHandler({
    onAdd: (o) => log.push(`add ${o.metadata?.name}`),
    onUpdate: (a, b, i) =>
      !i.resync && log.push(`update ${b.metadata?.name} ${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`),
    onDelete: (o, i) => log.push(`delete ${o.metadata?.name}${i.finalStateUnknown ? " (missed)" : ""}`),
  });
});

afterEach(async () => {
  await cache.stop();
  transport.close();
  await env.stop();
});

async function startSynced(): Promise<void> {
  cache.start();
  expect(await cache.waitForCacheSync()).toBe(true);
}

/** Whether the cache holds exactly what the server has (names and resourceVersions). */
async function matchesServer(): Promise<boolean> {
  const snapshot = (objects: { metadata?: { name?: string; resourceVersion?: string } }[]) =>
    objects
      .map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`)
      .sort()
      .join(",");
  return snapshot(await cache.list(ConfigMap, { namespace: "default" })) === snapshot(await api.list(ConfigMap, { namespace: "default" }));
}

describe("InformerCache against the test API server", () => {
  it("lists, then follows creates, updates and deletes through the watch", async () => {
    await api.create(ConfigMap, cm("before"));
    await startSynced();
    expect(log).toEqual(["add before"]);
    const client = new CachedClient({ cache, client: api });
    const created = await client.create(ConfigMap, cm("after"));
    await waitFor("the add", () => log.includes("add after"));
    const fresh = await client.get(ConfigMap, { namespace: "default", name: "after" });
    fresh.data = { v: "2" };
    const updated = await client.update(ConfigMap, fresh);
    await waitFor("the update", () =>
      log.includes(`update after ${created.metadata?.resourceVersion}->${updated.metadata?.resourceVersion}`),
    );
    expect((await client.get(ConfigMap, { namespace: "default", name: "after" })).data).toEqual({ v: "2" });
    await client.delete(ConfigMap, { namespace: "default", name: "before" });
    await waitFor("the delete", () => log.includes("delete before"));
    expect(isNotFound(await client.get(ConfigMap, { namespace: "default", name: "before" }).catch((e: unknown) => e))).toBe(true);
    expect(await matchesServer()).toBe(true);
  });

  it("resumes a dropped watch from its resourceVersion without relisting", async () => {
    await startSynced();
    const listsBefore = transitions.filter((t) => t === "empty->listing").length;
    for (const abrupt of [false, true]) {
      await waitFor("the watch to be open", () => transitions.at(-1) === "listed->watching");
      const dropped = env.server.faults.dropWatches({ abrupt });
      expect(dropped).toBe(1);
      await api.create(ConfigMap, cm(`during-${abrupt}`));
      await waitFor("the object created while the watch was down", () => log.includes(`add during-${abrupt}`));
    }
    expect(transitions.filter((t) => t === "empty->listing").length).toBe(listsBefore);
    expect(transitions.filter((t) => t === "watching->listed").length).toBeGreaterThanOrEqual(2);
    expect(await matchesServer()).toBe(true);
  });

  it("relists on a forced 410 and reports a delete missed meanwhile as final-state-unknown", async () => {
    await api.create(ConfigMap, cm("keep"));
    await api.create(ConfigMap, cm("victim"));
    await startSynced();
    // Keep the watch down, delete while it is, then expire every resourceVersion.
    const refuse = env.server.faults.failRequests(500, { watch: true });
    env.server.faults.dropWatches();
    await api.delete(ConfigMap, { namespace: "default", name: "victim" });
    await api.create(ConfigMap, cm("newcomer"));
    env.server.faults.expireResourceVersions();
    refuse.cancel();
    await waitFor("the relist's tombstone", () => log.includes("delete victim (missed)"));
    expect(log).toContain("add newcomer");
    expect(transitions.filter((t) => t === "empty->listing").length).toBe(2);
    expect(await matchesServer()).toBe(true);

    // An open watch told 410 by an ERROR event relists too.
    env.server.faults.reset();
    await waitFor("the watch to reopen", () => transitions.at(-1) === "listed->watching");
    env.server.faults.expireResourceVersions();
    await waitFor("the second relist", () => transitions.filter((t) => t === "empty->listing").length === 3);
    env.server.faults.reset();
    await api.create(ConfigMap, cm("last"));
    await waitFor("events after the relist", () => log.includes("add last"));
  });

  it("loses no event while watches are dropped and requests fail", async () => {
    await startSynced();
    const names = Array.from({ length: 60 }, (_, i) => `cm-${i}`);
    for (const [i, name] of names.entries()) {
      await api.create(ConfigMap, cm(name));
      if (i % 10 === 3) env.server.faults.dropWatches({ abrupt: i % 20 === 3 });
      if (i % 20 === 7) env.server.faults.failRequests(503, { watch: true }, 2);
      if (i % 15 === 5)
        await api.patch(ConfigMap, { namespace: "default", name: names[i - 1]! }, { data: { v: "patched" } }, { type: "merge" });
      if (i % 25 === 9) await api.delete(ConfigMap, { namespace: "default", name: names[i - 2]! });
    }
    await waitFor("the cache to match the server", matchesServer);
    const added = new Set(log.filter((l) => l.startsWith("add ")).map((l) => l.slice(4)));
    expect([...added].sort()).toEqual([...names].sort());
    expect(log.filter((l) => l.startsWith("delete ")).sort()).toEqual(["delete cm-32", "delete cm-57", "delete cm-7"]);
    expect(log.filter((l) => l.startsWith("update ")).length).toBe(4);
  });
});
