// Conformance: the runtime client's deleteAllOf (a DELETE on a collection) on both backends:
// which objects go, what a watch sees, finalizers, dry runs, and the answer for a namespaced
// kind without a namespace.
import { expect, it } from "vitest";
import { ApiClient } from "../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../src/runtime/client/transport.js";
import { ApiError } from "../../src/runtime/errors.js";
import { ConfigMap, defineResource, type KubernetesObject } from "../../src/runtime/resource.js";
import { forEachBackend, type Backend } from "./helpers.js";

const Widget = defineResource<KubernetesObject & { spec?: object }>({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });

function clientOf(b: Backend): { client: ApiClient; close(): void } {
  const transport = new HttpTransport({ kubeConfig: b.env.kubeConfig });
  return { client: new ApiClient(transport), close: () => transport.close() };
}

const names = (items: readonly KubernetesObject[]): string[] => items.map((i) => i.metadata?.name ?? "").sort();

forEachBackend("conformance: deleteAllOf (collection DELETE)", (backend) => {
  it("deletes what the selectors select in the namespace, and a watch sees a DELETED event for each", async () => {
    const b = backend();
    const { client, close } = clientOf(b);
    try {
      const ns = await b.namespace();
      const other = await b.namespace();
      for (const [name, tier] of [["a", "web"], ["b", "web"], ["c", "db"]] as const) {
        await client.create(ConfigMap, { metadata: { name, namespace: ns, labels: { tier } } });
        await client.create(ConfigMap, { metadata: { name, namespace: other, labels: { tier } } });
      }
      const from = (await client.listPage(ConfigMap, { namespace: ns })).resourceVersion;
      const watch = await b.watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: from });
      try {
        await client.deleteAllOf(ConfigMap, { namespace: ns, labelSelector: { tier: "web" } });
        expect(names(await client.list(ConfigMap, { namespace: ns, labelSelector: "tier" }))).toEqual(["c"]);
        expect(names(await client.list(ConfigMap, { namespace: other, labelSelector: "tier" }))).toEqual(["a", "b", "c"]);
        await watch.until((events) => events.filter((e) => e.type === "DELETED").length >= 2, "two DELETED events");
        expect(watch.events.map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual(["DELETED a", "DELETED b"]);
      } finally {
        watch.close();
      }
      await client.deleteAllOf(ConfigMap, { namespace: ns, fieldSelector: "metadata.name=c" });
      expect(await client.list(ConfigMap, { namespace: ns, labelSelector: "tier" })).toEqual([]);
    } finally {
      close();
    }
  });

  it("marks objects with finalizers (a MODIFIED event with deletionTimestamp) and deletes the others; a dry run deletes nothing", async () => {
    const b = backend();
    const { client, close } = clientOf(b);
    try {
      const ns = await b.namespace();
      await client.create(Widget, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "kept", namespace: ns, finalizers: ["example.com/f"] }, spec: {} });
      await client.create(Widget, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "gone", namespace: ns }, spec: {} });
      await client.deleteAllOf(Widget, { namespace: ns, dryRun: true });
      expect(names(await client.list(Widget, { namespace: ns }))).toEqual(["gone", "kept"]);
      expect((await client.get(Widget, { namespace: ns, name: "kept" })).metadata?.deletionTimestamp).toBeUndefined();

      const from = (await client.listPage(Widget, { namespace: ns })).resourceVersion;
      const watch = await b.watch(`/apis/example.com/v1/namespaces/${ns}/widgets`, { resourceVersion: from });
      try {
        await client.deleteAllOf(Widget, { namespace: ns, propagationPolicy: "Background" });
        await watch.until((events) => events.length >= 2, "an event for each widget");
        expect(watch.events.map((e) => `${e.type} ${e.object.metadata.name}`).sort()).toEqual(["DELETED gone", "MODIFIED kept"]);
      } finally {
        watch.close();
      }
      const kept = await client.get(Widget, { namespace: ns, name: "kept" });
      expect(typeof kept.metadata?.deletionTimestamp).toBe("string");
      expect(names(await client.list(Widget, { namespace: ns }))).toEqual(["kept"]);
      await client.patch(Widget, { namespace: ns, name: "kept" }, { metadata: { finalizers: null } }, { type: "merge" });
      expect(await client.list(Widget, { namespace: ns })).toEqual([]);
    } finally {
      close();
    }
  });

  it("answers 405 MethodNotAllowed for a namespaced kind without a namespace, deleting nothing", async () => {
    const b = backend();
    const { client, close } = clientOf(b);
    try {
      const ns = await b.namespace();
      await client.create(ConfigMap, { metadata: { name: "stays", namespace: ns, labels: { everywhere: "yes" } } });
      const error = await client.deleteAllOf(ConfigMap, { labelSelector: { everywhere: "yes" } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).statusCode).toBe(405);
      expect((error as ApiError).body).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "the server does not allow this method on the requested resource",
        reason: "MethodNotAllowed",
        details: {},
        code: 405,
      });
      expect(names(await client.list(ConfigMap, { namespace: ns, labelSelector: "everywhere" }))).toEqual(["stays"]);
    } finally {
      close();
    }
  });

  it("takes DeleteOptions from the body when there is one, ignoring the query's; from the query only without a body", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    for (const name of ["a", "b"]) await b.post(path, { metadata: { name } });
    const left = async (): Promise<string[]> => (await b.get(path)).body.items.map((i: KubernetesObject) => i.metadata?.name).sort();
    expect((await b.delete(path, undefined, { dryRun: "All" })).status).toBe(200);
    expect(await left()).toEqual(["a", "b"]);
    const dryRunInBody = await b.delete(path, { kind: "DeleteOptions", apiVersion: "v1", dryRun: ["All"] }, { fieldSelector: "metadata.name=a" });
    expect(dryRunInBody.status).toBe(200);
    expect(dryRunInBody.body.items.map((i: KubernetesObject) => [i.kind, i.metadata?.name])).toEqual([[undefined, "a"]]);
    expect(await left()).toEqual(["a", "b"]);
    // A query option beside a body is not read, not even to be refused.
    expect((await b.delete(path, { kind: "DeleteOptions", apiVersion: "v1" }, { dryRun: "All", propagationPolicy: "Sometimes", fieldSelector: "metadata.name=a" })).status).toBe(200);
    expect(await left()).toEqual(["b"]);
    expect((await b.delete(`${path}/b`, { kind: "DeleteOptions", apiVersion: "v1" }, { dryRun: "All" })).status).toBe(200);
    expect(await left()).toEqual([]);
  });
});
