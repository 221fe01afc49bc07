// The watcher and the SharedInformer against both test API servers over HTTP: kb's in-process
// one, and a real kube-apiserver when KUBEBUILDER_ASSETS is set. Their reactions to every
// failure are tested with scripted sources and servers (./watcher.test.ts,
// ./watcher-http.test.ts, ../cache/shared-informer.test.ts); here the server judges the
// requests and the resumption. The source is wrapped to record what was asked.
import { afterEach, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../../src/runtime/client/transport.js";
import { SharedInformer } from "../../../src/runtime/cache/shared-informer.js";
import { exponentialBackoff } from "../../../src/runtime/watch/backoff.js";
import { realClock } from "../../../src/runtime/clock/index.js";
import { listWatchSource, type ListWatchSource, type WatchScope } from "../../../src/runtime/watch/list-watch-source.js";
import { watch } from "../../../src/runtime/watch/watcher.js";
import type { WatcherError, WatcherEvent } from "../../../src/runtime/watch/watcher-event.js";
import { ConfigMap, type KubernetesObject } from "../../../src/runtime/resource.js";
import { describeEachBackend, eventually, freshNamespace, testEnvPerFile, type ServerBackend } from "../../helpers/backends.js";

const envFor = testEnvPerFile();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Recorded<T extends KubernetesObject> {
  readonly source: ListWatchSource<T>;
  /** Each list page asked for: its continue token ("" for a first page). */
  readonly lists: string[];
  /** The resourceVersion each watch started from. */
  readonly watches: string[];
}

/** ConfigMaps of a fresh namespace, through a source that records what it asks the server. */
async function setup(backend: ServerBackend, scope: Omit<WatchScope, "namespace"> = {}): Promise<{ client: ApiClient; ns: string } & Recorded<KubernetesObject>> {
  const env = await envFor(backend);
  const transport = new HttpTransport({ kubeConfig: env.kubeConfig });
  cleanups.push(() => transport.close());
  const client = new ApiClient(transport);
  const ns = await freshNamespace(env.kubeConfig, "watch");
  const inner = listWatchSource(client, ConfigMap, { ...scope, namespace: ns });
  const lists: string[] = [];
  const watches: string[] = [];
  const source: ListWatchSource<KubernetesObject> = {
    description: inner.description,
    list: (options) => {
      lists.push(options.continue ?? "");
      return inner.list(options);
    },
    watch: (options) => {
      watches.push(options.resourceVersion);
      return inner.watch(options);
    },
  };
  return { client, ns, source, lists, watches };
}

/** Runs the watcher in the background; its events and errors so far, and a way to stop it. */
function run(source: ListWatchSource<KubernetesObject>, options: { pageSize?: number; timeoutSeconds?: number } = {}) {
  const controller = new AbortController();
  const events: WatcherEvent<KubernetesObject>[] = [];
  const errors: WatcherError[] = [];
  const done = (async () => {
    for await (const e of watch(source, {
      signal: controller.signal,
      minWatchDurationMs: 0,
      backoff: exponentialBackoff(realClock, { initialMs: 5, maxMs: 50 }),
      onError: (e) => errors.push(e),
      ...options,
    })) {
      events.push(e);
    }
  })();
  const stop = async (): Promise<void> => {
    controller.abort();
    await done;
  };
  cleanups.push(stop);
  return { events, errors, stop };
}

const dataV = (o: KubernetesObject): string | undefined => (o as { data?: Record<string, string> }).data?.["v"];

const show = (e: WatcherEvent<KubernetesObject>): string =>
  "object" in e ? `${e.type} ${e.object.metadata?.name}` : e.type === "initDone" ? "initDone" : e.type;

describeEachBackend("the watcher against the API server", (backend) => {
  it("lists in pages, then watches from the list's resourceVersion, in order", async () => {
    const { client, ns, source, lists, watches } = await setup(backend);
    for (let i = 0; i < 5; i++) await client.create(ConfigMap, { metadata: { name: `cm-${i}`, namespace: ns } });
    const w = run(source, { pageSize: 2 });
    await eventually("the list", () => w.events.some((e) => e.type === "initDone"));
    const initDone = w.events.find((e) => e.type === "initDone") as { resourceVersion: string };
    await eventually("the watch to start", () => watches.length === 1);
    expect(watches).toEqual([initDone.resourceVersion]);
    expect(lists).toHaveLength(3); // 2 + 2 + 1 objects
    expect(lists[0]).toBe("");

    await client.patch(ConfigMap, { namespace: ns, name: "cm-1" }, { data: { v: "2" } }, { type: "merge" });
    await client.delete(ConfigMap, { namespace: ns, name: "cm-3" });
    await client.create(ConfigMap, { metadata: { name: "cm-5", namespace: ns } });
    await eventually("the changes", () => w.events.some((e) => e.type === "apply" && e.object.metadata?.name === "cm-5"));
    expect(w.events.filter((e) => e.type !== "bookmark").map(show)).toEqual([
      "init",
      "initApply cm-0",
      "initApply cm-1",
      "initApply cm-2",
      "initApply cm-3",
      "initApply cm-4",
      "initDone",
      "apply cm-1",
      "delete cm-3",
      "apply cm-5",
    ]);
    expect(w.errors).toEqual([]);
  });

  it("resumes each watch the server ends from the last resourceVersion it saw, without relisting", async () => {
    const { client, ns, source, lists, watches } = await setup(backend);
    const w = run(source, { timeoutSeconds: 1 });
    await eventually("the list", () => w.events.some((e) => e.type === "initDone"));
    let i = 0;
    const deadline = performance.now() + 30_000;
    while (watches.length < 4) {
      if (performance.now() > deadline) throw new Error(`the server ended ${watches.length - 1} watches in 30 s, expected 3 (timeoutSeconds: 1)`);
      await client.create(ConfigMap, { metadata: { name: `cm-${i++}`, namespace: ns } });
      await new Promise((r) => setTimeout(r, 100)); // pacing the writes
    }
    await eventually("every object", () => w.events.filter((e) => e.type === "apply").length === i);
    expect(lists).toEqual([""]);
    expect(w.errors).toEqual([]);
    // Each watch started where the events before it left off: an object's or a bookmark's resourceVersion.
    const versions = new Set(w.events.map((e) => ("object" in e ? e.object.metadata?.resourceVersion : e.type === "init" ? undefined : e.resourceVersion)));
    for (const rv of watches) expect(versions).toContain(rv);
    expect(w.events.filter((e) => e.type === "apply").map((e) => (e as { object: KubernetesObject }).object.metadata?.name)).toEqual(Array.from({ length: i }, (_, n) => `cm-${n}`));
  });
});

describeEachBackend("SharedInformer against the API server", (backend) => {
  it("syncs, then keeps its store equal to the server's, telling handlers the old and new object and tracking the resourceVersion", async () => {
    const { client, ns, source } = await setup(backend);
    await client.create(ConfigMap, { metadata: { name: "a", namespace: ns }, data: { v: "1" } });
    const informer = new SharedInformer(source, { watcher: { pageSize: 1, minWatchDurationMs: 0 } });
    cleanups.push(() => informer.stop());
    const log: string[] = [];
    informer.addEventHandler({
      onAdd: (o, i) => log.push(`add ${o.metadata?.name}${i.initialList ? " initial" : ""}`),
      onUpdate: (a, b) => log.push(`update ${b.metadata?.name} ${dataV(a)}->${dataV(b)}`),
      onDelete: (o, i) => log.push(`delete ${o.metadata?.name}${i.finalStateUnknown ? " unknown" : ""}`),
    });
    informer.start();
    expect(await informer.waitForSync()).toBe(true);
    const listed = await client.listPage(ConfigMap, { namespace: ns });
    expect(BigInt(informer.resourceVersion!)).toBeLessThanOrEqual(BigInt(listed.resourceVersion));
    await client.create(ConfigMap, { metadata: { name: "b", namespace: ns }, data: { v: "1" } });
    await client.patch(ConfigMap, { namespace: ns, name: "a" }, { data: { v: "2" } }, { type: "merge" });
    const last = await client.create(ConfigMap, { metadata: { name: "c", namespace: ns } });
    await client.delete(ConfigMap, { namespace: ns, name: "b" });
    await eventually("the delete", () => log.includes("delete b"));
    expect(log).toEqual(["add a initial", "add b", "update a 1->2", "add c", "delete b"]);
    expect(informer.store.list().map((o) => o.metadata?.name).sort()).toEqual(["a", "c"]);
    expect(informer.store.get(`${ns}/c`)?.metadata?.resourceVersion).toBe(last.metadata?.resourceVersion);
    expect(Object.isFrozen(informer.store.get(`${ns}/a`))).toBe(true);
    expect(BigInt(informer.resourceVersion!)).toBeGreaterThan(BigInt(last.metadata!.resourceVersion!));
    await informer.stop();
    expect(informer.running).toBe(false);
  });

  it("with a field selector, holds only the objects it selects", async () => {
    const { client, ns, source } = await setup(backend, { fieldSelector: "metadata.name=chosen" });
    await client.create(ConfigMap, { metadata: { name: "chosen", namespace: ns } });
    await client.create(ConfigMap, { metadata: { name: "other", namespace: ns } });
    const informer = new SharedInformer(source, { watcher: { minWatchDurationMs: 0 } });
    cleanups.push(() => informer.stop());
    const log: string[] = [];
    informer.addEventHandler({ onUpdate: (_, b) => log.push(`update ${b.metadata?.name}`), onDelete: (o) => log.push(`delete ${o.metadata?.name}`) });
    informer.start();
    expect(await informer.waitForSync()).toBe(true);
    expect(informer.store.list().map((o) => o.metadata?.name)).toEqual(["chosen"]);
    await client.patch(ConfigMap, { namespace: ns, name: "other" }, { data: { v: "x" } }, { type: "merge" });
    await client.patch(ConfigMap, { namespace: ns, name: "chosen" }, { data: { v: "x" } }, { type: "merge" });
    await client.delete(ConfigMap, { namespace: ns, name: "other" });
    await client.delete(ConfigMap, { namespace: ns, name: "chosen" });
    await eventually("the delete", () => log.includes("delete chosen"));
    expect(log).toEqual(["update chosen", "delete chosen"]);
  });
});
