import { describe, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../../src/runtime/client/transport.js";
import { ApiError, isAlreadyExists, isConflict, isGone, isInvalid, isNotFound } from "../../../src/runtime/errors.js";
import { ConfigMap, defineResource, Namespace, type KubernetesObject } from "../../../src/runtime/resource.js";
import { FakeTransport } from "./fake-transport.js";
import { sendJson, startScriptedServer, status } from "./scripted-server.js";

const Widget = defineResource<KubernetesObject & { spec?: { size?: number } }>({
  group: "example.com",
  version: "v1",
  kind: "Widget",
  plural: "widgets",
  namespaced: true,
});
const cm = (name: string, ns = "default") => ({ metadata: { name, namespace: ns } });

describe("ApiClient requests", () => {
  it("gets an object by path", async () => {
    const t = new FakeTransport(() => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }));
    const out = await new ApiClient(t).get(ConfigMap, { namespace: "ns", name: "x" });
    expect(t.requests[0]).toMatchObject({ method: "GET", path: "/api/v1/namespaces/ns/configmaps/x" });
    expect(out.metadata?.name).toBe("x");
  });

  it("refuses a namespaced read or write without a namespace, naming the kind", async () => {
    const c = new ApiClient(new FakeTransport());
    await expect(c.get(ConfigMap, { name: "x" })).rejects.toThrow('get ConfigMap "x": ConfigMap is namespaced, so a namespace is required');
    await expect(c.create(ConfigMap, { metadata: { name: "x" } })).rejects.toThrow(/namespace is required/);
    await expect(c.update(ConfigMap, { metadata: { namespace: "a" } })).rejects.toThrow("update ConfigMap: a name is required");
  });

  it("lists with selectors, pages with limit/continue, and sets apiVersion/kind on items", async () => {
    const pages: Record<string, unknown> = {
      "": { metadata: { resourceVersion: "10", continue: "tok" }, items: [{ metadata: { name: "a" } }] },
      tok: { metadata: { resourceVersion: "10" }, items: [{ metadata: { name: "b" } }] },
    };
    const t = new FakeTransport((req) => pages[String(req.query?.["continue"] ?? "")]);
    const items = await new ApiClient(t, { listPageSize: 1 }).list(ConfigMap, {
      namespace: "ns",
      labelSelector: { tier: "web", app: "shop" },
      fieldSelector: "metadata.name!=z",
    });
    expect(items.map((i) => [i.apiVersion, i.kind, i.metadata?.name])).toEqual([
      ["v1", "ConfigMap", "a"],
      ["v1", "ConfigMap", "b"],
    ]);
    expect(t.requests.map((r) => r.query)).toEqual([
      {
        labelSelector: "app=shop,tier=web",
        fieldSelector: "metadata.name!=z",
        limit: 1,
        continue: undefined,
        resourceVersion: undefined,
        resourceVersionMatch: undefined,
      },
      {
        labelSelector: "app=shop,tier=web",
        fieldSelector: "metadata.name!=z",
        limit: 1,
        continue: "tok",
        resourceVersion: undefined,
        resourceVersionMatch: undefined,
      },
    ]);
    expect(t.requests[0]!.path).toBe("/api/v1/namespaces/ns/configmaps");
  });

  it("restarts a list unpaged when its continue token expired", async () => {
    let n = 0;
    const t = new FakeTransport((req) => {
      n++;
      if (n === 1) return { metadata: { resourceVersion: "1", continue: "tok" }, items: [{ metadata: { name: "a" } }] };
      if (req.query?.["continue"] === "tok") return new ApiError(410, status(410, "Expired", "continue expired"), "GET", "/x");
      return { metadata: { resourceVersion: "2" }, items: [{ metadata: { name: "a" } }, { metadata: { name: "b" } }] };
    });
    const items = await new ApiClient(t).list(Widget, { namespace: "ns" });
    expect(items.map((i) => i.metadata?.name)).toEqual(["a", "b"]);
    expect(t.requests[2]!.query?.["limit"]).toBeUndefined();
    expect(items[0]!.apiVersion).toBe("example.com/v1");
  });

  it("lists and watches in the namespace a metadata.namespace field selector requires, keeping the selector", async () => {
    const t = new FakeTransport(() => ({ metadata: { resourceVersion: "1" }, items: [] }), () => []);
    const c = new ApiClient(t);
    await c.list(ConfigMap, { fieldSelector: "metadata.namespace=team-a,metadata.name!=x" });
    await c.list(ConfigMap, { fieldSelector: "metadata.namespace==team-b" });
    await c.watch(ConfigMap, { fieldSelector: "metadata.namespace=team-c" });
    // not rewritten: a namespace given, a cluster-scoped kind, "!=", two different namespaces, a bad selector
    await c.list(ConfigMap, { namespace: "given", fieldSelector: "metadata.namespace=other" });
    await c.list(Namespace, { fieldSelector: "metadata.namespace=team-a" });
    await c.list(ConfigMap, { fieldSelector: "metadata.namespace!=team-a" });
    await c.list(ConfigMap, { fieldSelector: "metadata.namespace=a,metadata.namespace=b" });
    await c.list(ConfigMap, { fieldSelector: "metadata.namespace" });
    expect([...t.requests, ...t.streams].map((r) => [r.path, r.query?.["fieldSelector"]])).toEqual([
      ["/api/v1/namespaces/team-a/configmaps", "metadata.namespace=team-a,metadata.name!=x"],
      ["/api/v1/namespaces/team-b/configmaps", "metadata.namespace==team-b"],
      ["/api/v1/namespaces/given/configmaps", "metadata.namespace=other"],
      ["/api/v1/namespaces", "metadata.namespace=team-a"],
      ["/api/v1/configmaps", "metadata.namespace!=team-a"],
      ["/api/v1/configmaps", "metadata.namespace=a,metadata.namespace=b"],
      ["/api/v1/configmaps", "metadata.namespace"],
      ["/api/v1/namespaces/team-c/configmaps", "metadata.namespace=team-c"],
    ]);
  });

  it("lists cluster-wide without a namespace", async () => {
    const t = new FakeTransport(() => ({ metadata: { resourceVersion: "1" }, items: null }));
    expect(await new ApiClient(t).list(ConfigMap)).toEqual([]);
    expect(t.requests[0]!.path).toBe("/api/v1/configmaps");
  });

  it("creates in the object's namespace with type meta, field manager and dry run", async () => {
    const t = new FakeTransport((req) => req.body);
    const out = await new ApiClient(t, { fieldManager: "op" }).create(
      Widget,
      { metadata: { name: "w", namespace: "ns" }, spec: { size: 1 } },
      { dryRun: true },
    );
    expect(t.requests[0]).toMatchObject({
      method: "POST",
      path: "/apis/example.com/v1/namespaces/ns/widgets",
      query: { fieldManager: "op", dryRun: "All" },
      body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "ns" }, spec: { size: 1 } },
    });
    expect(out.kind).toBe("Widget");
  });

  it("updates with PUT, and the status through /status", async () => {
    const t = new FakeTransport((req) => req.body);
    const c = new ApiClient(t);
    await c.update(ConfigMap, cm("x"));
    await c.updateStatus(Widget, { metadata: { name: "w", namespace: "ns", resourceVersion: "5" } });
    expect(t.requests.map((r) => [r.method, r.path])).toEqual([
      ["PUT", "/api/v1/namespaces/default/configmaps/x"],
      ["PUT", "/apis/example.com/v1/namespaces/ns/widgets/w/status"],
    ]);
  });

  it("patches with the content type of each format", async () => {
    const t = new FakeTransport(() => ({ metadata: { name: "x" } }));
    const c = new ApiClient(t);
    const key = { namespace: "ns", name: "x" };
    await c.patch(ConfigMap, key, { data: { a: "1" } }, { type: "merge" });
    await c.patch(ConfigMap, key, [{ op: "add", path: "/data/a", value: "1" }], { type: "json" });
    await c.patch(ConfigMap, key, { data: { a: "1" } }, { type: "strategic" });
    await c.patch(ConfigMap, key, { data: { a: "1" } }, { type: "apply", fieldManager: "op", force: true });
    await c.patchStatus(Widget, key, { status: { ok: true } }, { type: "merge" });
    expect(t.requests.map((r) => [r.method, r.path, r.contentType])).toEqual([
      ["PATCH", "/api/v1/namespaces/ns/configmaps/x", "application/merge-patch+json"],
      ["PATCH", "/api/v1/namespaces/ns/configmaps/x", "application/json-patch+json"],
      ["PATCH", "/api/v1/namespaces/ns/configmaps/x", "application/strategic-merge-patch+json"],
      ["PATCH", "/api/v1/namespaces/ns/configmaps/x", "application/apply-patch+yaml"],
      ["PATCH", "/apis/example.com/v1/namespaces/ns/widgets/x/status", "application/merge-patch+json"],
    ]);
    expect(t.requests[0]!.query).toEqual({ fieldManager: undefined, dryRun: undefined, force: undefined });
    expect(t.requests[3]!.query).toEqual({ fieldManager: "op", dryRun: undefined, force: true });
    // An apply body gets the type meta, name and namespace the server requires.
    expect(t.requests[3]!.body).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x", namespace: "ns" },
      data: { a: "1" },
    });
  });

  it("requires a field manager for server-side apply and an array for a JSON patch", async () => {
    const c = new ApiClient(new FakeTransport());
    await expect(c.patch(ConfigMap, { namespace: "a", name: "x" }, {}, { type: "apply" })).rejects.toThrow(
      'patch ConfigMap "x": server-side apply needs a field manager (options.fieldManager)',
    );
    await expect(c.patch(ConfigMap, { namespace: "a", name: "x" }, { op: "add" }, { type: "json" })).rejects.toThrow(/array of operations/);
    await expect(c.patch(ConfigMap, { namespace: "a", name: "x" }, {}, { type: "bogus" as "merge" })).rejects.toThrow(
      /unknown patch type "bogus"/,
    );
  });

  it("deletes with propagation policy, grace period and a resourceVersion precondition", async () => {
    const t = new FakeTransport(() => ({ kind: "Status", status: "Success" }));
    await new ApiClient(t).delete(
      Namespace,
      { name: "n" },
      { propagationPolicy: "Foreground", gracePeriodSeconds: 0, resourceVersion: "7" },
    );
    expect(t.requests[0]).toMatchObject({
      method: "DELETE",
      path: "/api/v1/namespaces/n",
      body: {
        kind: "DeleteOptions",
        apiVersion: "v1",
        propagationPolicy: "Foreground",
        gracePeriodSeconds: 0,
        preconditions: { resourceVersion: "7" },
      },
    });
  });

  it("starts watches with bookmarks and validates events", async () => {
    const t = new FakeTransport(undefined, () => [
      { type: "ADDED", object: { metadata: { name: "a", resourceVersion: "2" } } },
      { type: "BOOKMARK", object: { metadata: { resourceVersion: "3" } } },
      { type: "NOPE" },
    ]);
    const stream = await new ApiClient(t).watch(ConfigMap, {
      namespace: "ns",
      resourceVersion: "1",
      timeoutSeconds: 290,
      labelSelector: "a=b",
    });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const e of stream) seen.push(e);
    })().catch((e: unknown) => e);
    expect(seen[0]).toEqual({
      type: "ADDED",
      object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", resourceVersion: "2" } },
    });
    expect(seen[1]).toEqual({ type: "BOOKMARK", object: { metadata: { resourceVersion: "3" } } });
    expect(String(error)).toMatch(/expected a watch event/);
    expect(t.streams[0]).toMatchObject({
      path: "/api/v1/namespaces/ns/configmaps",
      query: { watch: true, labelSelector: "a=b", resourceVersion: "1", allowWatchBookmarks: true, timeoutSeconds: 290 },
    });
  });
});

describe("ApiClient error mapping over HTTP", () => {
  it("maps the API server's Status answers to typed errors", async () => {
    const server = await startScriptedServer();
    try {
      const answers: [number, string][] = [
        [404, "NotFound"],
        [409, "AlreadyExists"],
        [409, "Conflict"],
        [422, "Invalid"],
        [410, "Expired"],
      ];
      let i = 0;
      server.script((_req, res) => {
        const [code, reason] = answers[i++]!;
        sendJson(res, code, status(code, reason, `${reason} happened`));
      });
      const c = new ApiClient(new HttpTransport({ kubeConfig: server.kubeConfig() }));
      const key = { namespace: "a", name: "x" };
      const errors = [
        await c.get(ConfigMap, key).catch((e: unknown) => e),
        await c.create(ConfigMap, cm("x", "a")).catch((e: unknown) => e),
        await c.update(ConfigMap, cm("x", "a")).catch((e: unknown) => e),
        await c.patch(ConfigMap, key, {}, { type: "merge" }).catch((e: unknown) => e),
        await c.list(ConfigMap).catch((e: unknown) => e),
      ];
      expect(isNotFound(errors[0])).toBe(true);
      expect(isAlreadyExists(errors[1])).toBe(true);
      expect(isConflict(errors[1])).toBe(false);
      expect(isConflict(errors[2])).toBe(true);
      expect(isInvalid(errors[3])).toBe(true);
      expect(isGone(errors[4])).toBe(true);
      expect((errors[2] as ApiError).message).toBe("PUT /api/v1/namespaces/a/configmaps/x: 409 Conflict: Conflict happened");
    } finally {
      await server.close();
    }
  });
});
