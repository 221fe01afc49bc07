import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { CRD_DIR, eventually } from "../helpers.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv({ crdDirectoryPaths: [CRD_DIR], bookmarkIntervalMs: 60_000, env: {} });
});
afterAll(async () => {
  await env.stop();
});

async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: JSON.parse(e.body as string) as Record<string, unknown> };
    throw e;
  }
  throw new Error("expected the request to fail");
}

describe("client-node's CoreV1Api against the test server", () => {
  it("creates, lists, reads, patches, replaces and deletes ConfigMaps in a new namespace", async () => {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "core-test" } } });
    const created = await core.createNamespacedConfigMap({ namespace: "core-test", body: { metadata: { name: "a", labels: { app: "web" } }, data: { k: "v" } } });
    expect(created.metadata?.uid).toBeTruthy();
    await core.createNamespacedConfigMap({ namespace: "core-test", body: { metadata: { name: "b" } } });

    const list = await core.listNamespacedConfigMap({ namespace: "core-test", labelSelector: "app=web" });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(["a"]);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(created.metadata?.resourceVersion));

    const patched = await core.patchNamespacedConfigMap(
      { name: "a", namespace: "core-test", body: { data: { k: "w" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ k: "w" });
    const replaced = await core.replaceNamespacedConfigMap({ name: "a", namespace: "core-test", body: { ...patched, data: { k: "x" } } });
    expect(replaced.data).toEqual({ k: "x" });

    const stale = await failure(core.replaceNamespacedConfigMap({ name: "a", namespace: "core-test", body: { ...patched, data: { k: "y" } } }));
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({ kind: "Status", reason: "Conflict", details: { name: "a", kind: "configmaps" } });

    const deleted = await core.deleteNamespacedConfigMap({ name: "b", namespace: "core-test" });
    expect(deleted).toMatchObject({ status: "Success", details: { name: "b", kind: "configmaps" } });
    expect((await failure(core.readNamespacedConfigMap({ name: "b", namespace: "core-test" }))).body).toMatchObject({
      reason: "NotFound",
      message: 'configmaps "b" not found',
      code: 404,
    });
  });

  it("pages lists with limit and continue", async () => {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "paging" } } });
    for (const n of ["p1", "p2", "p3"]) await core.createNamespacedSecret({ namespace: "paging", body: { metadata: { name: n }, stringData: { a: n } } });
    const first = await core.listNamespacedSecret({ namespace: "paging", limit: 2 });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(["p1", "p2"]);
    expect(first.metadata?.remainingItemCount).toBe(1);
    const second = await core.listNamespacedSecret({ namespace: "paging", limit: 2, _continue: first.metadata?._continue });
    expect(second.items.map((i) => i.metadata?.name)).toEqual(["p3"]);
    expect(second.items[0]?.data).toEqual({ a: Buffer.from("p3").toString("base64") });
  });

  it("deletes a namespace and its content, answering with the terminating namespace", async () => {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "doomed" } } });
    await core.createNamespacedConfigMap({ namespace: "doomed", body: { metadata: { name: "x" } } });
    const ns = await core.deleteNamespace({ name: "doomed" });
    expect(ns).toMatchObject({ kind: "Namespace", status: { phase: "Terminating" } });
    expect((await failure(core.readNamespace({ name: "doomed" }))).code).toBe(404);
  });
});

describe("custom resources over HTTP", () => {
  const group = "example.com";
  const version = "v1";
  const plural = "widgets";

  it("creates, reads, lists and deletes with CustomObjectsApi, with the status subresource", async () => {
    const co = env.kubeConfig.makeApiClient(CustomObjectsApi);
    const body = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 2 }, status: { phase: "Ignored" } };
    const created = (await co.createNamespacedCustomObject({ group, version, plural, namespace: "default", body })) as KubernetesObject & Record<string, unknown>;
    expect(created["spec"]).toEqual({ size: 2, color: "blue" });
    expect(created["status"]).toBeUndefined();
    const withStatus = (await co.patchNamespacedCustomObjectStatus(
      { group, version, plural, namespace: "default", name: "w1", body: { status: { phase: "Ready" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as Record<string, unknown>;
    expect(withStatus["status"]).toEqual({ phase: "Ready" });
    const list = (await co.listNamespacedCustomObject({ group, version, plural, namespace: "default" })) as { items: KubernetesObject[] };
    expect(list.items.map((i) => [i.kind, i.metadata?.name])).toContainEqual(["Widget", "w1"]);
    const deleted = (await co.deleteNamespacedCustomObject({ group, version, plural, namespace: "default", name: "w1" })) as KubernetesObject;
    // The API server answers a Success Status for a custom resource deleted at once.
    expect(deleted).toMatchObject({ kind: "Status", status: "Success", details: { group, kind: "widgets" } });
  });

  it("answers 422 with the API server's Invalid Status", async () => {
    const co = env.kubeConfig.makeApiClient(CustomObjectsApi);
    const body = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "bad" }, spec: { size: 0 } };
    const { code, body: status } = await failure(co.createNamespacedCustomObject({ group, version, plural, namespace: "default", body }));
    expect(code).toBe(422);
    expect(status).toMatchObject({ kind: "Status", reason: "Invalid", details: { name: "bad", group: "example.com", kind: "Widget" } });
    expect(String(status["message"])).toMatch(/^Widget\.example\.com "bad" is invalid: spec\.size: Invalid value: 0: /);
  });

  it("works with KubernetesObjectApi, which resolves plurals through discovery, server-side apply included", async () => {
    const api = KubernetesObjectApi.makeApiClient(env.kubeConfig);
    const spec = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "ko", namespace: "default" }, spec: { size: 3 } };
    const applied = (await api.patch(spec, undefined, undefined, "ko-test", true, PatchStrategy.ServerSideApply)) as Record<string, unknown>;
    expect(applied["spec"]).toEqual({ size: 3, color: "blue" });
    const read = (await api.read({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "ko", namespace: "default" } })) as KubernetesObject;
    expect(read.metadata?.managedFields?.[0]).toMatchObject({ manager: "ko-test", operation: "Apply" });
    const cm = await api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ko-cm", namespace: "default" } });
    expect(cm.kind).toBe("ConfigMap");
    const conflict = await failure(api.patch({ ...spec, spec: { size: 4 } }, undefined, undefined, "someone-else", false, PatchStrategy.ServerSideApply));
    expect(conflict.code).toBe(409);
    expect(conflict.body["message"]).toBe('Apply failed with 1 conflict: conflict with "ko-test": .spec.size');
    await api.delete({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "ko", namespace: "default" } });
  });
});

describe("client-node's Watch against the test server", () => {
  it("streams events with bookmarks from a resourceVersion", async () => {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "watched" } } });
    const list = await core.listNamespacedConfigMap({ namespace: "watched" });
    const events: string[] = [];
    let done: unknown = "open";
    const watch = new Watch(env.kubeConfig);
    const ctrl = await watch.watch(
      "/api/v1/namespaces/watched/configmaps",
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (type, obj: KubernetesObject) => events.push(`${type} ${obj.metadata?.name ?? ""}`.trim()),
      (err) => (done = err),
    );
    const a = await core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "a" } } });
    await core.replaceNamespacedConfigMap({ name: "a", namespace: "watched", body: { ...a, data: { x: "1" } } });
    await core.deleteNamespacedConfigMap({ name: "a", namespace: "watched" });
    await eventually(() => events.includes("DELETED a"));
    env.store.sendBookmarks();
    await eventually(() => events.includes("BOOKMARK"));
    expect(events.filter((e) => e !== "BOOKMARK")).toEqual(["ADDED a", "MODIFIED a", "DELETED a"]);
    ctrl.abort();
    await eventually(() => done !== "open");
    await eventually(() => env.server.openWatches === 0);
  });

  it("gets an ERROR event carrying a 410 Expired Status for an expired resourceVersion", async () => {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    const before = await core.listNamespacedConfigMap({ namespace: "default" });
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "after-expiry" } } });
    env.server.faults.expireResourceVersions();
    try {
      const events: { type: string; obj: Record<string, unknown> }[] = [];
      let done: unknown = "open";
      await new Watch(env.kubeConfig).watch(
        "/api/v1/namespaces/default/configmaps",
        { resourceVersion: before.metadata?.resourceVersion },
        (type, obj: Record<string, unknown>) => events.push({ type, obj }),
        (err) => (done = err),
      );
      await eventually(() => done !== "open");
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: "ERROR", obj: { kind: "Status", reason: "Expired", code: 410 } });
    } finally {
      env.server.faults.reset();
    }
  });
});

describe("discovery", () => {
  async function get(path: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${env.server.url}${path}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  it("serves /version, /api, /apis and resource lists with subresources", async () => {
    expect(await get("/version")).toMatchObject({ major: "1", minor: "33" });
    expect(await get("/api")).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await get("/apis"))["groups"] as { name: string; preferredVersion: { groupVersion: string } }[];
    expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(["apps", "batch", "coordination.k8s.io", "apiextensions.k8s.io", "example.com"]));
    expect(await get("/apis/example.com")).toMatchObject({ kind: "APIGroup", name: "example.com", preferredVersion: { groupVersion: "example.com/v2" } });
    const core = (await get("/api/v1"))["resources"] as { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
    expect(core.find((r) => r.name === "configmaps")).toMatchObject({ kind: "ConfigMap", namespaced: true, singularName: "configmap", shortNames: ["cm"] });
    expect(core.find((r) => r.name === "namespaces/status")).toMatchObject({ kind: "Namespace", verbs: ["get", "patch", "update"] });
    const custom = (await get("/apis/example.com/v1"))["resources"] as { name: string }[];
    expect(custom.map((r) => r.name)).toEqual(expect.arrayContaining(["widgets", "widgets/status", "gadgets"]));
  });

  it("answers unknown paths with a NotFound Status", async () => {
    const res = await fetch(`${env.server.url}/apis/nope.io/v1/things`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "NotFound", message: "the server could not find the requested resource" });
  });
});
