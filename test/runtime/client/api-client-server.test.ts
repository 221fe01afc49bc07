// The runtime's ApiClient (and the helpers and event recorder on top of it) against both test
// API servers over HTTP: kb's in-process one, and a real kube-apiserver when KUBEBUILDER_ASSETS
// is set. The request shapes are tested with fakes in ./api-client.test.ts; here the server
// judges them.
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../../src/runtime/client/transport.js";
import { ApiError, isAlreadyExists, isConflict, isInvalid, isNotFound } from "../../../src/runtime/errors.js";
import { EventRecorder } from "../../../src/runtime/events/event-recorder.js";
import { createOrPatch, createOrUpdate, setStatusCondition, type Condition } from "../../../src/runtime/helpers/index.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { ConfigMap, Event, Namespace } from "../../../src/runtime/resource.js";
import { describeEachBackend, freshNamespace, testEnvPerFile, type ServerBackend } from "../../helpers/backends.js";
import { GreetingResource, type Greeting } from "../manager/sample-operator.js";

const envFor = testEnvPerFile({ crdDirectoryPaths: [join(import.meta.dirname, "..", "manager", "fixtures")] });
const transports: HttpTransport[] = [];
afterAll(() => transports.forEach((t) => t.close()));

/** A client of `backend`'s server and a namespace of the test's own. */
async function setup(backend: ServerBackend, options: ConstructorParameters<typeof ApiClient>[1] = {}): Promise<{ client: ApiClient; ns: string }> {
  const env = await envFor(backend);
  const transport = new HttpTransport({ kubeConfig: env.kubeConfig });
  transports.push(transport);
  return { client: new ApiClient(transport, { fieldManager: "api-client-test", ...options }), ns: await freshNamespace(env.kubeConfig, "client") };
}

const greeting = (namespace: string, name: string, message: string): Greeting => ({
  apiVersion: "example.com/v1",
  kind: "Greeting",
  metadata: { name, namespace },
  spec: { message },
});

const failure = async (promise: Promise<unknown>): Promise<ApiError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
};

describeEachBackend("ApiClient against the API server", (backend) => {
  it("creates, reads, updates and deletes, with server-set metadata and type meta on every answer", async () => {
    const { client, ns } = await setup(backend);
    const created = await client.create(ConfigMap, { metadata: { name: "c", namespace: ns }, data: { k: "1" } });
    expect(created).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: ns }, data: { k: "1" } });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.resourceVersion).toBeTruthy();
    expect(created.metadata?.creationTimestamp).toBeTruthy();
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: "api-client-test", operation: "Update" });

    const read = await client.get(ConfigMap, { namespace: ns, name: "c" });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    read.data = { k: "2" };
    const updated = await client.update(ConfigMap, read);
    expect(updated.data).toEqual({ k: "2" });
    expect(updated.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);

    const g = await client.create(GreetingResource, greeting(ns, "g", "hi"));
    expect(g).toMatchObject({ apiVersion: "example.com/v1", kind: "Greeting", metadata: { generation: 1 } });
    const items = await client.list(GreetingResource, { namespace: ns });
    expect(items.map((i) => [i.apiVersion, i.kind, i.metadata?.name])).toEqual([["example.com/v1", "Greeting", "g"]]);

    await client.delete(ConfigMap, { namespace: ns, name: "c" }, { propagationPolicy: "Background", gracePeriodSeconds: 0 });
    expect(isNotFound(await failure(client.get(ConfigMap, { namespace: ns, name: "c" })))).toBe(true);
    expect(await client.get(Namespace, { name: ns })).toMatchObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  });

  it("maps the server's refusals to typed errors", async () => {
    const { client, ns } = await setup(backend);
    const missing = await failure(client.get(ConfigMap, { namespace: ns, name: "nope" }));
    expect(missing.statusCode).toBe(404);
    expect(isNotFound(missing)).toBe(true);
    expect(missing.body.details).toMatchObject({ name: "nope", kind: "configmaps" });

    const first = await client.create(ConfigMap, { metadata: { name: "c", namespace: ns } });
    const taken = await failure(client.create(ConfigMap, { metadata: { name: "c", namespace: ns } }));
    expect([taken.statusCode, isAlreadyExists(taken), isConflict(taken)]).toEqual([409, true, false]);

    await client.update(ConfigMap, { ...first, data: { k: "v" } });
    const stale = await failure(client.update(ConfigMap, { ...first, data: { k: "w" } }));
    expect([stale.statusCode, stale.reason, isConflict(stale)]).toEqual([409, "Conflict", true]);

    const precondition = await failure(client.delete(ConfigMap, { namespace: ns, name: "c" }, { resourceVersion: first.metadata?.resourceVersion }));
    expect(isConflict(precondition)).toBe(true);

    const invalid = await failure(client.create(GreetingResource, greeting(ns, "bad", "")));
    expect([invalid.statusCode, invalid.reason, isInvalid(invalid)]).toEqual([422, "Invalid", true]);
    expect(invalid.body.details?.causes?.map((c) => c.field)).toEqual(["spec.message"]);
    expect(invalid.message).toContain('Greeting.example.com "bad" is invalid: spec.message');

    const noNamespace = await failure(client.create(ConfigMap, { metadata: { name: "c", namespace: `${ns}-missing` } }));
    expect(isNotFound(noNamespace)).toBe(true);
  });

  it("writes the status only through the status subresource, and bumps generation on spec changes only", async () => {
    const { client, ns } = await setup(backend);
    const created = await client.create(GreetingResource, { ...greeting(ns, "g", "hi"), status: { observedGeneration: 7 } });
    expect(created.status).toBeUndefined(); // a create ignores the status
    const conditions: Condition[] = [];
    setStatusCondition(conditions, { type: "Ready", status: "True", reason: "Done", message: "ok", observedGeneration: 1 });
    const withStatus = await client.updateStatus(GreetingResource, { ...created, spec: { message: "ignored" }, status: { observedGeneration: 1, conditions } });
    expect(withStatus.spec.message).toBe("hi");
    expect(withStatus.status?.conditions?.[0]).toMatchObject({ type: "Ready", status: "True", reason: "Done" });
    expect(withStatus.metadata?.generation).toBe(1);

    const mainUpdate = await client.update(GreetingResource, { ...withStatus, spec: { message: "changed" }, status: { observedGeneration: 99 } });
    expect(mainUpdate.status?.observedGeneration).toBe(1);
    expect(mainUpdate.metadata?.generation).toBe(2);
    const labelled = await client.patch(GreetingResource, { namespace: ns, name: "g" }, { metadata: { labels: { a: "b" } } }, { type: "merge" });
    expect(labelled.metadata?.generation).toBe(2);

    const patched = await client.patchStatus(GreetingResource, { namespace: ns, name: "g" }, { status: { observedGeneration: 2 } }, { type: "merge" });
    expect(patched.status?.observedGeneration).toBe(2);
    expect(patched.status?.conditions).toHaveLength(1);
  });

  it("patches with JSON merge, JSON patch, strategic merge and server-side apply (managed fields, conflicts, force)", async () => {
    const { client, ns } = await setup(backend);
    const key = { namespace: ns, name: "p" };
    await client.create(ConfigMap, { metadata: { name: "p", namespace: ns }, data: { a: "1", b: "2" } });
    expect((await client.patch(ConfigMap, key, { data: { a: "x", b: null } }, { type: "merge" })).data).toEqual({ a: "x" });
    expect((await client.patch(ConfigMap, key, [{ op: "add", path: "/data/c", value: "3" }, { op: "test", path: "/data/a", value: "x" }], { type: "json" })).data).toEqual({ a: "x", c: "3" });
    const failedTest = await failure(client.patch(ConfigMap, key, [{ op: "test", path: "/data/a", value: "not x" }], { type: "json" }));
    expect(failedTest.statusCode).toBe(422);
    expect((await client.patch(ConfigMap, key, { data: { d: "4" } }, { type: "strategic" })).data).toEqual({ a: "x", c: "3", d: "4" });

    // server-side apply: created by the apply, fields owned per manager
    const applyKey = { namespace: ns, name: "applied" };
    const applied = await client.patch(ConfigMap, applyKey, { data: { owner: "alice" } }, { type: "apply", fieldManager: "alice" });
    expect(applied.data).toEqual({ owner: "alice" });
    expect(applied.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toEqual([["alice", "Apply"]]);
    const conflict = await failure(client.patch(ConfigMap, applyKey, { data: { owner: "bob" } }, { type: "apply", fieldManager: "bob" }));
    expect([conflict.statusCode, isConflict(conflict)]).toEqual([409, true]);
    expect(conflict.message).toContain('conflict with "alice"');
    const forced = await client.patch(ConfigMap, applyKey, { data: { owner: "bob" } }, { type: "apply", fieldManager: "bob", force: true });
    expect(forced.data).toEqual({ owner: "bob" });
    // alice applies again without the field she lost: nothing of hers is left, bob's value stays
    const released = await client.patch(ConfigMap, applyKey, { data: {} }, { type: "apply", fieldManager: "alice" });
    expect(released.data).toEqual({ owner: "bob" });

    // a custom resource: apply and a status apply
    const g = await client.patch(GreetingResource, { namespace: ns, name: "g" }, { spec: { message: "applied" } }, { type: "apply", fieldManager: "op" });
    expect(g).toMatchObject({ apiVersion: "example.com/v1", kind: "Greeting", spec: { message: "applied" } });
    const s = await client.patchStatus(GreetingResource, { namespace: ns, name: "g" }, { status: { observedGeneration: 1 } }, { type: "apply", fieldManager: "op" });
    expect(s.status?.observedGeneration).toBe(1);
  });

  it("writes nothing on a dry run, and still answers with what would be stored", async () => {
    const { client, ns } = await setup(backend);
    const dry = await client.create(ConfigMap, { metadata: { name: "d", namespace: ns }, data: { k: "v" } }, { dryRun: true });
    expect(dry.data).toEqual({ k: "v" });
    expect(isNotFound(await failure(client.get(ConfigMap, { namespace: ns, name: "d" })))).toBe(true);
    const real = await client.create(ConfigMap, { metadata: { name: "d", namespace: ns }, data: { k: "v" } });
    const dryPatch = await client.patch(ConfigMap, { namespace: ns, name: "d" }, { data: { k: "dry" } }, { type: "merge", dryRun: true });
    expect(dryPatch.data).toEqual({ k: "dry" });
    expect((await client.get(ConfigMap, { namespace: ns, name: "d" })).metadata?.resourceVersion).toBe(real.metadata?.resourceVersion);
  });

  it("lists page by page with limit and continue, and filters by label and field selectors", async () => {
    const { client, ns } = await setup(backend, { listPageSize: 2 });
    for (let i = 0; i < 7; i++) {
      await client.create(ConfigMap, { metadata: { name: `cm-${i}`, namespace: ns, labels: { parity: i % 2 ? "odd" : "even", tier: i < 3 ? "low" : "high" } } });
    }
    const all = await client.list(ConfigMap, { namespace: ns });
    expect(all.map((c) => c.metadata?.name).sort()).toEqual(["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6"]);
    expect(all.every((c) => c.apiVersion === "v1" && c.kind === "ConfigMap")).toBe(true);

    const first = await client.listPage(ConfigMap, { namespace: ns, limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.continue).toBeTruthy();
    expect(first.resourceVersion).toBeTruthy();
    const second = await client.listPage(ConfigMap, { namespace: ns, limit: 3, continue: first.continue });
    const third = await client.listPage(ConfigMap, { namespace: ns, limit: 3, continue: second.continue });
    expect(third.continue).toBeUndefined();
    expect([...first.items, ...second.items, ...third.items].map((c) => c.metadata?.name)).toEqual(all.map((c) => c.metadata?.name));

    const names = async (options: Parameters<ApiClient["list"]>[1]) => (await client.list(ConfigMap, { namespace: ns, ...options })).map((c) => c.metadata?.name).sort();
    expect(await names({ labelSelector: { parity: "odd" } })).toEqual(["cm-1", "cm-3", "cm-5"]);
    expect(await names({ labelSelector: "parity=even,tier in (high)" })).toEqual(["cm-4", "cm-6"]);
    expect(await names({ labelSelector: "tier!=high,!missing" })).toEqual(["cm-0", "cm-1", "cm-2"]);
    expect(await names({ fieldSelector: "metadata.name=cm-2" })).toEqual(["cm-2"]);
    expect(await names({ fieldSelector: "metadata.name!=cm-2", labelSelector: { tier: "low" } })).toEqual(["cm-0", "cm-1"]);
    // across namespaces with a field selector on the namespace, paged: every object once (a real
    // kube-apiserver's first continue token of such a list restarts it; the client asks in the namespace)
    const byNamespace = await client.list(ConfigMap, { fieldSelector: `metadata.namespace=${ns}` });
    expect(byNamespace.map((c) => c.metadata?.name).sort()).toEqual(all.map((c) => c.metadata?.name).sort());
    expect((await client.list(ConfigMap, { fieldSelector: `metadata.namespace=${ns}`, labelSelector: { parity: "odd" } })).map((c) => c.metadata?.name).sort()).toEqual(["cm-1", "cm-3", "cm-5"]);
  });

  it("watches from a list's resourceVersion: every change in order, with type meta, until the server ends the watch", async () => {
    const { client, ns } = await setup(backend);
    await client.create(ConfigMap, { metadata: { name: "before", namespace: ns } });
    const list = await client.listPage(ConfigMap, { namespace: ns });
    const stream = await client.watch(ConfigMap, { namespace: ns, resourceVersion: list.resourceVersion, timeoutSeconds: 2 });
    const created = await client.create(ConfigMap, { metadata: { name: "w", namespace: ns }, data: { v: "1" } });
    const modified = await client.patch(ConfigMap, { namespace: ns, name: "w" }, { data: { v: "2" } }, { type: "merge" });
    await client.delete(ConfigMap, { namespace: ns, name: "w" });
    const seen: string[] = [];
    for await (const event of stream) {
      if (event.type === "BOOKMARK") continue; // when the server sends them is its own business
      if (event.type === "ERROR") throw new Error(`watch error: ${JSON.stringify(event.object)}`);
      expect([event.object.apiVersion, event.object.kind]).toEqual(["v1", "ConfigMap"]);
      seen.push(`${event.type} ${event.object.metadata?.name} ${event.object.data?.["v"] ?? ""} ${event.object.metadata?.resourceVersion}`);
    }
    // the server ended the watch after timeoutSeconds, and the iteration ended without error
    const rv = (o: { metadata?: { resourceVersion?: string } }) => o.metadata?.resourceVersion;
    expect(seen.slice(0, 2)).toEqual([`ADDED w 1 ${rv(created)}`, `MODIFIED w 2 ${rv(modified)}`]);
    expect(seen[2]).toMatch(/^DELETED w 2 \d+$/);
    expect(seen).toHaveLength(3);
  });

  it("createOrUpdate and createOrPatch create, leave alone, then change, keeping what other writers set", async () => {
    const { client, ns } = await setup(backend);
    const cm = (name: string) => ({ metadata: { name, namespace: ns } });
    let value = "1";
    const mutate = (o: { data?: Record<string, string> }) => void (o.data = { ...o.data, k: value });
    expect((await createOrUpdate(client, ConfigMap, cm("u"), mutate)).result).toBe("created");
    expect((await createOrUpdate(client, ConfigMap, cm("u"), mutate)).result).toBe("unchanged");
    value = "2";
    expect((await createOrUpdate(client, ConfigMap, cm("u"), mutate)).result).toBe("updated");
    expect((await client.get(ConfigMap, { namespace: ns, name: "u" })).data).toEqual({ k: "2" });

    expect((await createOrPatch(client, ConfigMap, cm("p"), (o) => void (o.data = { a: "1", b: "2" }))).result).toBe("created");
    await client.patch(ConfigMap, { namespace: ns, name: "p" }, { data: { c: "3" } }, { type: "merge" });
    const r = await createOrPatch(client, ConfigMap, cm("p"), (o) => {
      o.data!["a"] = "changed";
      delete o.data!["b"];
    });
    expect(r.result).toBe("updated");
    expect((await client.get(ConfigMap, { namespace: ns, name: "p" })).data).toEqual({ a: "changed", c: "3" });

    const g = await createOrPatch(client, GreetingResource, greeting(ns, "g", "hi"), () => {});
    expect(g.result).toBe("created");
    const both = await createOrPatch(client, GreetingResource, greeting(ns, "g", "hi"), (o) => {
      o.spec.message = "hello";
      o.status = { observedGeneration: 2 };
    });
    expect(both.result).toBe("updatedStatus");
    expect(both.object).toMatchObject({ spec: { message: "hello" }, status: { observedGeneration: 2 }, metadata: { generation: 2 } });
  });

  it("records Events about an object, counting repeats on the same Event", async () => {
    const { client, ns } = await setup(backend);
    const cm = await client.create(ConfigMap, { metadata: { name: "c", namespace: ns } });
    const recorder = new EventRecorder(client, "greeting-controller", silentLogger());
    await recorder.event(cm, ConfigMap, "Normal", "Synced", "configmap synced");
    await recorder.event(cm, ConfigMap, "Normal", "Synced", "configmap synced");
    await recorder.event(cm, ConfigMap, "Warning", "Failed", "could not sync");
    const ns2 = await client.get(Namespace, { name: ns });
    await recorder.event(ns2, Namespace, "Normal", "Seen", "a cluster-scoped object");
    const events = await client.list(Event, { namespace: ns });
    expect(events.map((e) => e.reason).sort()).toEqual(["Failed", "Synced"]);
    expect(events.find((e) => e.reason === "Synced")).toMatchObject({
      type: "Normal",
      message: "configmap synced",
      count: 2,
      involvedObject: { apiVersion: "v1", kind: "ConfigMap", name: "c", namespace: ns, uid: cm.metadata!.uid },
      source: { component: "greeting-controller" },
    });
    const clusterScoped = (await client.list(Event, { namespace: "default" })).filter((e) => e.involvedObject.name === ns);
    expect(clusterScoped).toMatchObject([{ reason: "Seen", involvedObject: { kind: "Namespace", name: ns } }]);
  });
});
