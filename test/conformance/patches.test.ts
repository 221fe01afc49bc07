// Conformance: JSON merge patch, JSON patch, strategic merge patch on built-ins (lists by their
// merge keys, directives), and server-side apply with managedFields, conflicts and force.
import { expect, it } from "vitest";
import { failure, forEachBackend, invalidStatus, shape, statusOf, type Backend } from "./helpers.js";

const WIDGET = "example.com/v1";

/** A Deployment with two containers (a with env A, B and port 80; b) in a fresh namespace. */
async function deployment(b: Backend): Promise<{ ns: string; path: string }> {
  const ns = await b.namespace();
  const created = await b.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
    metadata: { name: "d", finalizers: ["example.com/x"] },
    spec: {
      selector: { matchLabels: { app: "d" } },
      template: {
        metadata: { labels: { app: "d" } },
        spec: {
          containers: [
            { name: "a", image: "a:1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }], ports: [{ containerPort: 80, protocol: "TCP" }] },
            { name: "b", image: "b:1" },
          ],
        },
      },
    },
  });
  expect(created.status).toBe(201);
  return { ns, path: `/apis/apps/v1/namespaces/${ns}/deployments/d` };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const containers = (d: any): any[] => d.spec.template.spec.containers;

forEachBackend("conformance: merge and JSON patches", (backend) => {
  it("merges a JSON merge patch: objects recursively, null removes, lists replace", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets/w`;
    await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { apiVersion: WIDGET, kind: "Widget", metadata: { name: "w", labels: { a: "1", b: "2" } }, spec: { size: 2, tags: ["x", "y"] } });
    const patched = await b.patch(path, "merge", { metadata: { labels: { a: null, c: "3" } }, spec: { tags: ["z"], size: null } });
    expect(patched.status).toBe(200);
    expect([patched.body.metadata.labels, patched.body.spec]).toEqual([{ b: "2", c: "3" }, { tags: ["z"], color: "blue", size: 1 }]);
    expect(statusOf(await b.patch(path, "merge", { metadata: { resourceVersion: "1" }, spec: { size: 3 } })).code).toBe(409);
    expect(statusOf(await b.patch(`/apis/example.com/v1/namespaces/${ns}/widgets/none`, "merge", {}))).toEqual(
      failure(404, "NotFound", 'widgets.example.com "none" not found', { name: "none", group: "example.com", kind: "widgets" }),
    );
    expect(statusOf(await b.patch(path, "merge", [1]))).toEqual(failure(400, "BadRequest", "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"));
    expect(statusOf(await b.patch(path, "merge", { spec: { size: 100 } }))).toEqual(
      invalidStatus('Widget.example.com "w" is invalid', { name: "w", group: "example.com", kind: "Widget" }, [
        { field: "spec.size", reason: "FieldValueInvalid", message: "Invalid value: 100: spec.size in body should be less than or equal to 10" },
        { field: "spec", reason: "FieldValueInvalid", message: "Invalid value: only red widgets may be bigger than 5" },
      ]),
    );
  });

  it("applies JSON patches: every op; a failed op is 422 without details; a malformed patch 400", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets/w`;
    await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { apiVersion: WIDGET, kind: "Widget", metadata: { name: "w" }, spec: { size: 2, tags: ["x"] } });
    const patched = await b.patch(path, "json", [
      { op: "test", path: "/spec/size", value: 2 },
      { op: "replace", path: "/spec/size", value: 3 },
      { op: "add", path: "/spec/tags/-", value: "y" },
      { op: "copy", from: "/spec/color", path: "/metadata/labels" },
      { op: "remove", path: "/metadata/labels" },
      { op: "add", path: "/metadata/annotations", value: { "a.io/b": "c" } },
      { op: "move", from: "/metadata/annotations", path: "/metadata/labels" },
    ]);
    expect(patched.status).toBe(200);
    expect([patched.body.spec, patched.body.metadata.labels, patched.body.metadata.annotations]).toEqual([{ size: 3, tags: ["x", "y"], color: "blue" }, { "a.io/b": "c" }, undefined]);
    const rejected = failure(422, "Invalid", "the server rejected our request due to an error in our request", {});
    expect(statusOf(await b.patch(path, "json", [{ op: "test", path: "/spec/color", value: "red" }]))).toEqual(rejected);
    expect(statusOf(await b.patch(path, "json", [{ op: "replace", path: "/spec/nothere/x", value: 1 }]))).toEqual(rejected);
    expect(statusOf(await b.patch(path, "json", { op: "add" }))).toEqual(failure(400, "BadRequest", "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"));
  });

  it("refuses strategic merge patches for custom resources (415) and unknown patch types", async () => {
    const b = backend();
    const ns = await b.namespace();
    await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { apiVersion: WIDGET, kind: "Widget", metadata: { name: "w" }, spec: {} });
    expect(statusOf(await b.patch(`/apis/example.com/v1/namespaces/${ns}/widgets/w`, "strategic", {}))).toEqual(
      failure(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
    );
    const unknown = statusOf(await b.request("PATCH", `/api/v1/namespaces/${ns}/configmaps/x`, { body: "{}", contentType: "text/plain" }));
    expect([unknown.code, unknown.reason]).toEqual([415, "UnsupportedMediaType"]);
  });
});

forEachBackend("conformance: strategic merge patch", (backend) => {
  it("merges containers by name, env by name, and replaces lists without a strategy", async () => {
    const b = backend();
    const { path } = await deployment(b);
    const patched = await b.patch(path, "strategic", {
      spec: { template: { spec: { containers: [{ name: "b", image: "b:2" }, { name: "c", image: "c:1" }], tolerations: [{ key: "t", operator: "Exists" }] } } },
    });
    expect(patched.status).toBe(200);
    expect(containers(patched.body).map((c) => [c.name, c.image])).toEqual([
      ["a", "a:1"],
      ["b", "b:2"],
      ["c", "c:1"],
    ]);
    const env = await b.patch(path, "strategic", { spec: { template: { spec: { containers: [{ name: "a", env: [{ name: "B", value: "two" }, { name: "C", value: "3" }] }] } } } });
    expect(containers(env.body)[0].env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "two" },
      { name: "C", value: "3" },
    ]);
    const replaced = await b.patch(path, "strategic", { spec: { template: { spec: { tolerations: [{ key: "u", operator: "Exists" }] } } } });
    expect(replaced.body.spec.template.spec.tolerations).toEqual([{ key: "u", operator: "Exists" }]);
  });

  it("understands $patch: delete and replace, $setElementOrder and $deleteFromPrimitiveList", async () => {
    const b = backend();
    const { path } = await deployment(b);
    const deleted = await b.patch(path, "strategic", { spec: { template: { spec: { containers: [{ name: "a", env: [{ name: "A", $patch: "delete" }] }] } } } });
    expect(containers(deleted.body)[0].env).toEqual([{ name: "B", value: "2" }]);
    const ordered = await b.patch(path, "strategic", {
      spec: { template: { spec: { "$setElementOrder/containers": [{ name: "b" }, { name: "a" }], containers: [{ name: "a", image: "a:2" }] } } },
    });
    expect(containers(ordered.body).map((c) => [c.name, c.image])).toEqual([
      ["b", "b:1"],
      ["a", "a:2"],
    ]);
    const one = await b.patch(path, "strategic", { spec: { template: { spec: { containers: [{ name: "z", image: "z:1" }, { $patch: "replace" }] } } } });
    expect(containers(one.body).map((c) => c.name)).toEqual(["z"]);
    const finalizers = await b.patch(path, "strategic", { metadata: { finalizers: ["example.com/y"] } });
    expect(finalizers.body.metadata.finalizers).toEqual(["example.com/y", "example.com/x"]);
    const removed = await b.patch(path, "strategic", { metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/x"] } });
    expect(removed.body.metadata.finalizers).toEqual(["example.com/y"]);
    const strategy = await b.patch(path, "strategic", { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } });
    expect(strategy.body.spec.strategy).toEqual({ type: "Recreate" });
  });
});

forEachBackend("conformance: server-side apply", (backend) => {
  const apply = (b: Backend, path: string, body: object | string, manager: string | undefined, force?: boolean) =>
    b.patch(path, "apply", body, { ...(manager !== undefined ? { fieldManager: manager } : {}), ...(force ? { force: true } : {}) });
  const config = (spec: object, metadata: object = {}): object => ({ apiVersion: WIDGET, kind: "Widget", metadata: { name: "w", ...metadata }, spec });

  it("creates with 201, records Apply entries, merges keyed lists and sets by key", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets/w`;
    const created = await apply(b, path, config({ size: 2, tags: ["x"], ports: [{ name: "http", port: 80 }] }, { labels: { a: "1" } }), "one");
    expect(created.status).toBe(201);
    expect(shape(created.body).metadata.managedFields).toEqual([
      {
        manager: "one",
        operation: "Apply",
        apiVersion: WIDGET,
        time: "<time>",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:a": {} } },
          "f:spec": { "f:ports": { 'k:{"name":"http"}': { ".": {}, "f:name": {}, "f:port": {} } }, "f:size": {}, "f:tags": { 'v:"x"': {} } },
        },
      },
    ]);
    const second = await apply(b, path, config({ tags: ["y"], ports: [{ name: "https", port: 443 }] }), "two");
    expect(second.status).toBe(200);
    expect(second.body.spec).toEqual({ size: 2, color: "blue", tags: ["x", "y"], ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] });
    expect(second.body.metadata.managedFields.map((e: { manager: string }) => e.manager)).toEqual(["one", "two"]);
    // Dropping fields from one's configuration removes them (unless someone else owns them), keyed items whole.
    const dropped = await apply(b, path, config({ size: 4 }), "two", true);
    expect(dropped.body.spec).toEqual({ size: 4, color: "blue", tags: ["x"], ports: [{ name: "http", port: 80 }] });
    expect(shape(dropped.body).metadata.managedFields.map((e: { manager: string; fieldsV1: unknown }) => [e.manager, e.fieldsV1])).toEqual([
      ["one", { "f:metadata": { "f:labels": { "f:a": {} } }, "f:spec": { "f:ports": { 'k:{"name":"http"}': { ".": {}, "f:name": {}, "f:port": {} } }, "f:tags": { 'v:"x"': {} } } }],
      ["two", { "f:spec": { "f:size": {} } }],
    ]);
  });

  it("conflicts with another manager's fields (409 with causes), which force takes over", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets/w`;
    await apply(b, path, config({ size: 2 }), "one");
    expect(statusOf(await apply(b, path, config({ size: 3 }), "two"))).toEqual(
      failure(409, "Conflict", 'Apply failed with 1 conflict: conflict with "one": .spec.size', {
        causes: [{ reason: "FieldManagerConflict", message: 'conflict with "one"', field: ".spec.size" }],
      }),
    );
    // Same value: shared ownership, no conflict; an apply that changes nothing sets no time, so its entry sorts first.
    const shared = await apply(b, path, config({ size: 2 }), "two");
    expect(shared.body.metadata.managedFields.map((e: { manager: string; time?: string }) => [e.manager, typeof e.time])).toEqual([
      ["two", "undefined"],
      ["one", "string"],
    ]);
    await b.patch(path, "merge", { spec: { color: "red" } }, { fieldManager: "editor" });
    expect(statusOf(await apply(b, path, config({ color: "green" }), "one"))).toEqual(
      failure(409, "Conflict", `Apply failed with 1 conflict: conflict with "editor" using ${WIDGET}: .spec.color`, {
        causes: [{ reason: "FieldManagerConflict", message: `conflict with "editor" using ${WIDGET}`, field: ".spec.color" }],
      }),
    );
    const forced = await apply(b, path, config({ color: "green" }), "one", true);
    expect(forced.status).toBe(200);
    expect(forced.body.spec.color).toBe("green");
    expect(forced.body.metadata.managedFields.map((e: { manager: string }) => e.manager)).not.toContain("editor");
  });

  it("applies status through /status, with its own entry, and orders entries as the API server does", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets/w`;
    await apply(b, path, config({ size: 2 }), "one");
    await b.patch(path, "merge", { spec: { color: "red" } }, { fieldManager: "editor" });
    const status = await apply(b, `${path}/status`, { apiVersion: WIDGET, kind: "Widget", metadata: { name: "w" }, status: { phase: "Ready", conditions: [{ type: "Ready", status: "True" }] } }, "ctrl");
    expect(status.status).toBe(200);
    expect(status.body.status).toEqual({ phase: "Ready", conditions: [{ type: "Ready", status: "True" }] });
    // The API server's order: Apply before Update, then by time to the second, then by manager.
    // "one" and "ctrl" applied in the same second or "one" a second earlier: both orders occur.
    const entries = status.body.metadata.managedFields as { manager: string; operation: string; subresource?: string; time: string }[];
    const [one, ctrl] = ["one", "ctrl"].map((m) => entries.find((e) => e.manager === m)!);
    const sameSecond = Math.floor(Date.parse(one!.time) / 1000) === Math.floor(Date.parse(ctrl!.time) / 1000);
    expect(entries.map((e) => [e.manager, e.operation, e.subresource])).toEqual([
      ...(sameSecond ? [["ctrl", "Apply", "status"], ["one", "Apply", undefined]] : [["one", "Apply", undefined], ["ctrl", "Apply", "status"]]),
      ["editor", "Update", undefined],
    ]);
    expect(status.body.metadata.managedFields.find((e: { subresource?: string }) => e.subresource === "status").fieldsV1).toEqual({ "f:status": { "f:conditions": { 'k:{"type":"Ready"}': { ".": {}, "f:status": {}, "f:type": {} } }, "f:phase": {} } });
  });

  it("takes YAML; an Update after an apply takes the fields it changes", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps/c`;
    expect((await apply(b, path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: '1'\n  b: '2'\n", "one")).status).toBe(201);
    const cm = (await b.get(path)).body;
    const updated = await b.put(path, { ...cm, data: { a: "9", b: "2", z: "1" } }, { fieldManager: "upd" });
    expect(shape(updated.body).metadata.managedFields.map((e: { manager: string; fieldsV1: unknown }) => [e.manager, e.fieldsV1])).toEqual([
      ["one", { "f:data": { "f:b": {} } }],
      ["upd", { "f:data": { "f:a": {}, "f:z": {} } }],
    ]);
    expect(statusOf(await apply(b, path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: '2'\n", "one")).message).toBe(
      'Apply failed with 1 conflict: conflict with "upd" using v1: .data.a',
    );
  });

  it("refuses an apply without fieldManager (422), apiVersion and kind (400), or another name (400)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps/c`;
    expect(statusOf(await apply(b, path, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, undefined))).toEqual(
      invalidStatus('PatchOptions.meta.k8s.io "" is invalid', { group: "meta.k8s.io", kind: "PatchOptions" }, [
        { field: "fieldManager", reason: "FieldValueRequired", message: "Required value: is required for apply patch" },
      ]),
    );
    expect(statusOf(await apply(b, path, { metadata: { name: "c" } }, "one"))).toEqual(failure(400, "BadRequest", "invalid object type: /, Kind="));
    expect(statusOf(await apply(b, path, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other" } }, "one"))).toEqual(
      failure(400, "BadRequest", "the name of the object (other) does not match the name on the URL (c)"),
    );
    const yaml = statusOf(await apply(b, path, "{not yaml: [", "one"));
    expect([yaml.code, yaml.reason, yaml.message.startsWith("error decoding YAML: ")]).toEqual([400, "BadRequest", true]);
  });
});
