import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/testing/store/json.js";
import { statusOf, testStore } from "../helpers.js";

const md = (o: JsonObject): JsonObject => o["metadata"] as JsonObject;
const managers = (o: JsonObject): unknown[] => ((md(o)["managedFields"] ?? []) as JsonObject[]).map((e) => [e["manager"], e["operation"], e["subresource"] ?? ""]);

describe("patch", () => {
  it("applies merge patches; a resourceVersion in the patch is a precondition", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const a = store.create(cms, "default", { metadata: { name: "a" }, data: { x: "1", y: "2" } }, { manager: "t" });
    const p = store.patch(cms, "default", "a", { type: "merge", patch: { data: { x: null, z: "3" } }, manager: "t" });
    expect(p.created).toBe(false);
    expect(p.object["data"]).toEqual({ y: "2", z: "3" });
    expect(statusOf(() => store.patch(cms, "default", "a", { type: "merge", patch: { metadata: { resourceVersion: md(a)["resourceVersion"] } }, manager: "t" })).code).toBe(409);
    expect(statusOf(() => store.patch(cms, "default", "zz", { type: "merge", patch: {}, manager: "t" })).code).toBe(404);
    expect(statusOf(() => store.patch(cms, "default", "a", { type: "merge", patch: [1], manager: "t" })).code).toBe(400);
  });

  it("applies JSON patches and strategic merge patches to built-ins", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    store.create(cms, "default", { metadata: { name: "a" }, data: { x: "1" } }, { manager: "t" });
    const j = store.patch(cms, "default", "a", { type: "json", patch: [{ op: "add", path: "/data/y", value: "2" }], manager: "t" }).object;
    expect(j["data"]).toEqual({ x: "1", y: "2" });
    const s = store.patch(cms, "default", "a", { type: "strategic", patch: { data: { x: null } }, manager: "t" }).object;
    expect(s["data"]).toEqual({ y: "2" });
    expect(statusOf(() => store.patch(cms, "default", "a", { type: "json", patch: [{ op: "test", path: "/data/y", value: "9" }], manager: "t" })).code).toBe(422);
  });

  it("refuses strategic merge patches for custom resources (415), as the API server does", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 1 } }, { manager: "t" });
    expect(statusOf(() => store.patch(widgets, "default", "w", { type: "strategic", patch: {}, manager: "t" }))).toMatchObject({
      code: 415,
      reason: "UnsupportedMediaType",
      message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
    });
  });

  it("validates patched custom resources", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 1 } }, { manager: "t" });
    expect(statusOf(() => store.patch(widgets, "default", "w", { type: "merge", patch: { spec: { size: 99 } }, manager: "t" })).code).toBe(422);
  });

  it("records managedFields: Update entries per manager and subresource", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 1 } }, { manager: "creator" });
    store.patch(widgets, "default", "w", { type: "merge", patch: { spec: { size: 2 } }, manager: "editor" });
    const w = store.patch(widgets, "default", "w", { type: "merge", patch: { status: { phase: "Ready" } }, manager: "controller", subresource: "status" }).object;
    // Sorted as the API server sorts them: Apply first, then by time, then by manager.
    expect(managers(w)).toEqual([
      ["controller", "Update", "status"],
      ["creator", "Update", ""],
      ["editor", "Update", ""],
    ]);
    const entries = md(w)["managedFields"] as JsonObject[];
    // A map a write added (spec on create, status) is the writer's own member, ".".
    expect(entries[0]!["fieldsV1"]).toEqual({ "f:status": { ".": {}, "f:phase": {} } });
    expect(entries[1]!["fieldsV1"]).toEqual({ "f:spec": { ".": {}, "f:color": {} } });
    expect(entries[2]!["fieldsV1"]).toEqual({ "f:spec": { "f:size": {} } });
  });
});

describe("server-side apply through the store", () => {
  const widget = (spec: JsonObject): JsonObject => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec });

  it("creates the object when missing (created), then merges and takes ownership", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const first = store.patch(widgets, "default", "w", { type: "apply", patch: widget({ size: 2, tags: ["a"] }), manager: "alice" });
    expect(first.created).toBe(true);
    expect(first.object["spec"]).toEqual({ size: 2, tags: ["a"], color: "blue" });
    expect(managers(first.object)).toEqual([["alice", "Apply", ""]]);
    const second = store.patch(widgets, "default", "w", { type: "apply", patch: widget({ tags: ["b"], ports: [{ name: "http", port: 80 }] }), manager: "bob" });
    expect(second.created).toBe(false);
    expect(second.object["spec"]).toEqual({ size: 2, tags: ["a", "b"], color: "blue", ports: [{ name: "http", port: 80 }] });
  });

  it("conflicts across managers (409) unless forced, and bumps generation on spec changes", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    store.patch(widgets, "default", "w", { type: "apply", patch: widget({ size: 2 }), manager: "alice" });
    expect(statusOf(() => store.patch(widgets, "default", "w", { type: "apply", patch: widget({ size: 3 }), manager: "bob" }))).toMatchObject({
      code: 409,
      reason: "Conflict",
      message: 'Apply failed with 1 conflict: conflict with "alice": .spec.size',
    });
    const forced = store.patch(widgets, "default", "w", { type: "apply", patch: widget({ size: 3 }), manager: "bob", force: true }).object;
    expect(forced["spec"]).toMatchObject({ size: 3 });
    expect(md(forced)["generation"]).toBe(2);
  });

  it("applies status through /status only, and ignores status on the main resource", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const created = store.patch(widgets, "default", "w", { type: "apply", patch: { ...widget({ size: 2 }), status: { phase: "X" } }, manager: "alice" }).object;
    expect(created["status"]).toBeUndefined();
    const s = store.patch(widgets, "default", "w", {
      type: "apply",
      patch: { ...widget({ size: 5 }), status: { phase: "Ready", conditions: [{ type: "Ready", status: "True" }] } },
      manager: "ctrl",
      subresource: "status",
    }).object;
    expect(s["status"]).toEqual({ phase: "Ready", conditions: [{ type: "Ready", status: "True" }] });
    expect(s["spec"]).toMatchObject({ size: 2 });
    expect(managers(s)).toEqual([
      ["alice", "Apply", ""],
      ["ctrl", "Apply", "status"],
    ]);
  });

  it("needs a field manager (422 PatchOptions) and apiVersion/kind (400)", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    expect(statusOf(() => store.patch(widgets, "default", "w", { type: "apply", patch: widget({}), manager: "" }))).toMatchObject({
      code: 422,
      message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    });
    expect(statusOf(() => store.patch(widgets, "default", "w", { type: "apply", patch: { metadata: { name: "w" } }, manager: "m" }))).toMatchObject({ code: 400, message: "invalid object type: /, Kind=" });
  });
});
