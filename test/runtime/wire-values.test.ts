// What the built-in object types promise, checked on values: a Job or Lease read through the
// ApiClient, the informer cache and the CachedClient, the fake client and a test environment's
// seeded objects has its times as RFC 3339 strings (as `Job`, `Lease` type them), and times
// written with formatTime/formatMicroTime are read back unchanged: the server's own format.
import { afterAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../src/runtime/client/transport.js";
import { CachedClient } from "../../src/runtime/cache/cached-client.js";
import { InformerCache } from "../../src/runtime/cache/informer-cache.js";
import { FakeClock } from "../../src/runtime/clock/index.js";
import type { Client } from "../../src/runtime/client/types.js";
import { Job, Lease } from "../../src/runtime/resource.js";
import { formatMicroTime, formatTime, parseTime } from "../../src/runtime/wire.js";
import { fakeClient } from "../../src/testing/index.js";
import { describeEachBackend, eventually, freshNamespace, testEnvPerFile, type ServerBackend } from "../helpers/backends.js";

const SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const job = (namespace: string, name: string): Job => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace },
  spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] } } },
});

const lease = (namespace: string, name: string, at: Date): Lease => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name, namespace },
  spec: { holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: formatMicroTime(at), renewTime: formatMicroTime(at) },
});

/** The creation time of `j` as its type says: a string, which parseTime reads. */
function createdAt(j: Job): Date {
  const stamp = j.metadata?.creationTimestamp;
  expect(typeof stamp).toBe("string");
  expect(stamp).toMatch(SECONDS);
  return parseTime(stamp!);
}

/** Writes a start time and reads the Job and a Lease back through `client`; both must come back as written. */
async function roundTrip(client: Client, ns: string, reader: Client = client): Promise<void> {
  const at = new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 123));
  const created = await client.create(Job, job(ns, "times"));
  await client.updateStatus(Job, { ...created, status: { startTime: formatTime(at) } });
  await client.create(Lease, lease(ns, "times", at));
  const [read, readLease] = await Promise.all([reader.get(Job, { namespace: ns, name: "times" }), reader.get(Lease, { namespace: ns, name: "times" })]);
  expect(read.status?.startTime).toBe("2024-05-06T07:08:09Z");
  expect(parseTime(read.status!.startTime!).getTime()).toBe(Date.UTC(2024, 4, 6, 7, 8, 9));
  expect(readLease.spec?.renewTime).toBe("2024-05-06T07:08:09.123000Z");
  expect(readLease.spec?.acquireTime).toMatch(MICROS);
  expect(parseTime(readLease.spec?.renewTime)?.getTime()).toBe(at.getTime());
  expect(createdAt(read).getTime()).toBe(createdAt(created).getTime());
}

const seeded = job("default", "seeded");
const envFor = testEnvPerFile({ objects: [seeded] });
const transports: HttpTransport[] = [];
const caches: InformerCache[] = [];
afterAll(async () => {
  await Promise.all(caches.map((c) => c.stop()));
  transports.forEach((t) => t.close());
});

async function apiClient(backend: ServerBackend): Promise<{ client: ApiClient; ns: string }> {
  const env = await envFor(backend);
  const transport = new HttpTransport({ kubeConfig: env.kubeConfig });
  transports.push(transport);
  return { client: new ApiClient(transport, { fieldManager: "wire-values-test" }), ns: await freshNamespace(env.kubeConfig, "wire") };
}

describeEachBackend("times of built-in objects", (backend) => {
  it("are strings through the ApiClient, in the server's formats", async () => {
    const { client, ns } = await apiClient(backend);
    const before = Math.floor(Date.now() / 1000) * 1000;
    const created = await client.create(Job, job(ns, "j"));
    const t = createdAt(created).getTime();
    // Generous bounds: the server's clock is this machine's.
    expect(t).toBeGreaterThanOrEqual(before - 60_000);
    expect(t).toBeLessThanOrEqual(Date.now() + 60_000);
    const [listed] = await client.list(Job, { namespace: ns });
    expect(listed?.metadata?.creationTimestamp).toBe(created.metadata?.creationTimestamp);
    for (const entry of created.metadata?.managedFields ?? []) expect(entry.time).toMatch(SECONDS);
    await roundTrip(client, ns);
  });

  it("are strings through the informer cache and the CachedClient", async () => {
    const { client: api, ns } = await apiClient(backend);
    const cache = new InformerCache({ client: api, namespaces: [ns] });
    caches.push(cache);
    cache.informerFor(Job);
    cache.informerFor(Lease);
    const controller = new AbortController();
    cache.start(controller.signal);
    expect(await cache.waitForCacheSync(controller.signal)).toBe(true);
    const client = new CachedClient({ cache, client: api });
    const created = await client.create(Job, job(ns, "cached"));
    // The cache lags writes by a watch event.
    const fromCache = await eventually("the Job in the cache", async () => (await client.list(Job)).find((j) => j.metadata?.name === "cached"));
    expect(createdAt(fromCache).getTime()).toBe(createdAt(created).getTime());
    expect(fromCache.metadata!.creationTimestamp).toBe(created.metadata!.creationTimestamp);
    expect((await client.get(Job, { namespace: ns, name: "cached" })).metadata?.creationTimestamp).toBe(created.metadata!.creationTimestamp);
  });

  it("are strings on the objects a test environment was seeded with", async () => {
    const { client } = await apiClient(backend);
    const read = await client.get(Job, { namespace: "default", name: "seeded" });
    createdAt(read);
    expect(seeded.metadata?.creationTimestamp, "the seed is left as given").toBeUndefined();
  });
});

describe("times of built-in objects through the fake client", () => {
  it("are strings, from the store's clock, and written times come back unchanged", async () => {
    const clock = new FakeClock(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    const client = fakeClient({ clock });
    const created = await client.create(Job, job("default", "j"));
    expect(created.metadata?.creationTimestamp).toBe("2024-01-02T03:04:05Z");
    expect(createdAt(created).getTime()).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    const [listed] = await client.list(Job, { namespace: "default" });
    expect(listed?.metadata?.creationTimestamp).toBe("2024-01-02T03:04:05Z");
    await client.delete(Job, { namespace: "default", name: "j" });
    await roundTrip(client, "default");
  });

  it("are strings on seeded objects", async () => {
    const client = fakeClient({ objects: [seeded], clock: new FakeClock(Date.UTC(2024, 0, 2)) });
    const read = await client.get(Job, { namespace: "default", name: "seeded" });
    expect(read.metadata?.creationTimestamp).toBe("2024-01-02T00:00:00Z");
  });
});
