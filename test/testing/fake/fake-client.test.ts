import { describe, expect, it } from "vitest";
import { ApiError, isAlreadyExists, isConflict, isInvalid, isNotFound } from "../../../src/runtime/errors.js";
import { ConfigMap, defineResource, Namespace, type KubernetesObject } from "../../../src/runtime/resource.js";
import { fakeClient } from "../../../src/testing/index.js";
import { CRD_DIR } from "../helpers.js";

interface Widget extends KubernetesObject {
  spec?: { size?: number; color?: string };
  status?: { phase?: string; observedGeneration?: number };
}
const WidgetResource = defineResource<Widget>({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected an ApiError");
}

describe("fakeClient", () => {
  it("starts from objects (status kept, namespaces created) and CRDs", async () => {
    const client = fakeClient({
      crdDirectoryPaths: [CRD_DIR],
      objects: [
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "team" }, spec: { size: 2 }, status: { phase: "Ready" } } as Widget,
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "team" } },
      ],
    });
    const w = await client.get(WidgetResource, { namespace: "team", name: "w" });
    expect(w).toMatchObject({ apiVersion: "example.com/v1", kind: "Widget", spec: { size: 2, color: "blue" }, status: { phase: "Ready" } });
    expect((await client.get(Namespace, { name: "team" })).status?.phase).toBe("Active");
    const cms = await client.list(ConfigMap, { namespace: "team" });
    expect(cms.map((c) => [c.kind, c.metadata?.name])).toEqual([["ConfigMap", "c"]]);
  });

  it("has the test server's status subresource semantics", async () => {
    const client = fakeClient({ crdDirectoryPaths: [CRD_DIR] });
    const created = await client.create(WidgetResource, { metadata: { name: "w", namespace: "default" }, spec: { size: 2 }, status: { phase: "Nope" } });
    expect(created.status).toBeUndefined();
    const withStatus = await client.updateStatus(WidgetResource, { ...created, spec: { size: 5 }, status: { phase: "Ready", observedGeneration: 1 } });
    expect(withStatus).toMatchObject({ spec: { size: 2 }, status: { phase: "Ready" } });
    const updated = await client.update(WidgetResource, { ...withStatus, spec: { size: 3 }, status: { phase: "Lost" } });
    expect(updated).toMatchObject({ spec: { size: 3 }, status: { phase: "Ready" }, metadata: { generation: 2 } });
    const patched = await client.patchStatus(WidgetResource, { namespace: "default", name: "w" }, { status: { observedGeneration: 2 } }, { type: "merge" });
    expect(patched.status).toEqual({ phase: "Ready", observedGeneration: 2 });
  });

  it("raises typed ApiErrors (404, 409 AlreadyExists, 409 Conflict, 422)", async () => {
    const client = fakeClient({ crdDirectoryPaths: [CRD_DIR] });
    const missing = await rejection(client.get(ConfigMap, { namespace: "default", name: "nope" }));
    expect(isNotFound(missing)).toBe(true);
    expect(missing).toMatchObject({ statusCode: 404, method: "GET", path: "/api/v1/namespaces/default/configmaps/nope" });
    const cm = await client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } });
    expect(isAlreadyExists(await rejection(client.create(ConfigMap, { metadata: { name: "a", namespace: "default" } })))).toBe(true);
    await client.update(ConfigMap, { ...cm, data: { x: "1" } });
    expect(isConflict(await rejection(client.update(ConfigMap, { ...cm, data: { x: "2" } })))).toBe(true);
    const invalid = await rejection(client.create(WidgetResource, { metadata: { name: "w", namespace: "default" }, spec: { size: 100, color: "red" } }));
    expect(isInvalid(invalid)).toBe(true);
    expect(invalid.body.details?.causes?.[0]).toMatchObject({ field: "spec.size" });
  });

  it("supports finalizers, garbage collection and deletion preconditions", async () => {
    const client = fakeClient({ crdDirectoryPaths: [CRD_DIR] });
    const w = await client.create(WidgetResource, { metadata: { name: "w", namespace: "default", finalizers: ["example.com/f"] }, spec: { size: 1 } });
    await client.create(ConfigMap, {
      metadata: { name: "child", namespace: "default", ownerReferences: [{ apiVersion: "example.com/v1", kind: "Widget", name: "w", uid: w.metadata!.uid!, controller: true }] },
    });
    await client.delete(WidgetResource, { namespace: "default", name: "w" });
    const deleting = await client.get(WidgetResource, { namespace: "default", name: "w" });
    expect(deleting.metadata?.deletionTimestamp).toBeTruthy();
    await client.patch(WidgetResource, { namespace: "default", name: "w" }, { metadata: { finalizers: null } }, { type: "merge" });
    expect(isNotFound(await rejection(client.get(WidgetResource, { namespace: "default", name: "w" })))).toBe(true);
    expect(isNotFound(await rejection(client.get(ConfigMap, { namespace: "default", name: "child" })))).toBe(true);
    await client.create(ConfigMap, { metadata: { name: "x", namespace: "default" } });
    expect(isConflict(await rejection(client.delete(ConfigMap, { namespace: "default", name: "x" }, { resourceVersion: "1" })))).toBe(true);
  });

  it("applies with a field manager, and checks arguments as the runtime's client does", async () => {
    const client = fakeClient({ crdDirectoryPaths: [CRD_DIR], fieldManager: "my-operator" });
    const applied = await client.patch(WidgetResource, { namespace: "default", name: "w" }, { spec: { size: 4 } }, { type: "apply" });
    expect(applied.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([["my-operator", "Apply"]]);
    const noManager = fakeClient({ crdDirectoryPaths: [CRD_DIR] });
    await expect(noManager.patch(WidgetResource, { namespace: "default", name: "w" }, {}, { type: "apply" })).rejects.toThrow(TypeError);
    await expect(noManager.patch(WidgetResource, { namespace: "default", name: "w" }, {}, { type: "json" })).rejects.toThrow(/array of operations/);
    await expect(noManager.get(WidgetResource, { name: "w" })).rejects.toThrow(/namespace is required/);
    await expect(noManager.list(defineResource({ group: "nope.io", version: "v1", kind: "Thing", plural: "things", namespaced: true }))).rejects.toMatchObject({ statusCode: 404 });
  });

  it("lists with label selectors given as strings or maps", async () => {
    const client = fakeClient();
    for (const [name, app] of [["a", "web"], ["b", "db"]] as const) await client.create(ConfigMap, { metadata: { name, namespace: "default", labels: { app } } });
    expect((await client.list(ConfigMap, { labelSelector: { app: "web" } })).map((c) => c.metadata?.name)).toEqual(["a"]);
    expect((await client.list(ConfigMap, { labelSelector: "app!=web", fieldSelector: "metadata.namespace=default" })).map((c) => c.metadata?.name)).toEqual(["b"]);
  });

  it("serves kinds given as resources without a CRD", async () => {
    const Thing = defineResource({ group: "demo.io", version: "v1", kind: "Thing", plural: "things", namespaced: false });
    const client = fakeClient({ resources: [Thing] });
    const t = await client.create(Thing, { metadata: { name: "t" } });
    expect(t.metadata?.generation).toBe(1);
  });
});
