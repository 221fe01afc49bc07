import { describe, expect, it } from "vitest";
import { readCrdFiles } from "../../../src/testing/store/crd-files.js";
import type { JsonObject } from "../../../src/testing/store/json.js";
import { CRD_DIR, statusOf, testStore } from "../helpers.js";

const md = (o: JsonObject): JsonObject => o["metadata"] as JsonObject;

describe("CRDs and custom resources", () => {
  it("reads CRDs from YAML directories, skipping other kinds", () => {
    const crds = readCrdFiles([CRD_DIR]);
    expect(crds.map((c) => md(c)["name"])).toEqual(["gadgets.example.com", "widgets.example.com"]);
    expect(() => readCrdFiles(["/does/not/exist"])).toThrow(/does not exist/);
  });

  it("registers served versions, and marks the CRD Established", () => {
    const { store } = testStore();
    const crd = store.get(store.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions"), undefined, "widgets.example.com");
    const status = crd["status"] as JsonObject;
    expect((status["conditions"] as JsonObject[]).map((c) => [c["type"], c["status"]])).toEqual([
      ["NamesAccepted", "True"],
      ["Established", "True"],
    ]);
    expect(status["storedVersions"]).toEqual(["v1"]);
    expect(store.registry.resolve("example.com", "v2", "widgets")?.info.kind).toBe("Widget");
  });

  it("prunes unknown fields and applies defaults through the schema", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const w = store.create(widgets, "default", { metadata: { name: "w", labels: { a: "b" } }, spec: { unknown: 1 }, extra: true }, { manager: "t" });
    expect(w["spec"]).toEqual({ size: 1, color: "blue" });
    expect(w["extra"]).toBeUndefined();
    expect(md(w)["labels"]).toEqual({ a: "b" });
  });

  it("answers 422 Invalid shaped as the API server's, CEL rules included", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const tooBig = statusOf(() => store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 11, color: "red" } }, { manager: "t" }));
    expect(tooBig).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "Invalid",
      code: 422,
      details: { name: "w", group: "example.com", kind: "Widget" },
    });
    expect(tooBig.message).toMatch(/^Widget\.example\.com "w" is invalid: spec\.size: Invalid value: 11: /);
    expect(tooBig.details?.causes?.[0]).toMatchObject({ reason: "FieldValueInvalid", field: "spec.size" });
    const cel = statusOf(() => store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 8, color: "blue" } }, { manager: "t" }));
    expect(cel.message).toContain("only red widgets may be bigger than 5");
    const two = statusOf(() => store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 0, color: "pink" } }, { manager: "t" }));
    expect(two.message).toMatch(/^Widget\.example\.com "w" is invalid: \[.*, .*\]$/);
  });

  it("validates updates and status updates too", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const w = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 2 } }, { manager: "t" });
    expect(statusOf(() => store.update(widgets, "default", "w", { ...w, spec: { size: 50 } }, { manager: "t" })).code).toBe(422);
    expect(statusOf(() => store.update(widgets, "default", "w", { ...w, status: { conditions: [{ type: "Ready" }] } }, { manager: "t", subresource: "status" })).code).toBe(422);
  });

  it("serves every served version over one storage (conversion None: only apiVersion changes)", () => {
    const { store } = testStore();
    const v1 = store.resolve("example.com", "v1", "widgets");
    const v2 = store.resolve("example.com", "v2", "widgets");
    const created = store.create(v2, "default", { apiVersion: "example.com/v2", kind: "Widget", metadata: { name: "w" }, spec: { size: 2 } }, { manager: "t" });
    expect(created["apiVersion"]).toBe("example.com/v2");
    expect(store.get(v1, "default", "w")["apiVersion"]).toBe("example.com/v1");
    expect(store.list(v2, {}).items[0]?.["apiVersion"]).toBe("example.com/v2");
  });

  it("registers a CRD created through the API, and removes the kind (and its objects) when the CRD is deleted", () => {
    const { store } = testStore({ crdDirectoryPaths: [] });
    const crds = store.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    const [widgetCrd] = readCrdFiles([CRD_DIR]).filter((c) => md(c)["name"] === "widgets.example.com");
    expect(statusOf(() => store.resolve("example.com", "v1", "widgets")).code).toBe(404);
    store.create(crds, undefined, widgetCrd, { manager: "t" });
    const widgets = store.resolve("example.com", "v1", "widgets");
    store.create(widgets, "default", { metadata: { name: "w", finalizers: ["example.com/hold"] }, spec: { size: 2 } }, { manager: "t" });
    const outcome = store.delete(crds, undefined, "widgets.example.com");
    expect(outcome.kind).toBe("pending");
    expect(statusOf(() => store.create(widgets, "default", { metadata: { name: "x" } }, { manager: "t" }))).toMatchObject({
      code: 405,
      message: "create not allowed while custom resource definition is terminating",
    });
    const held = store.get(widgets, "default", "w");
    expect(md(held)["deletionTimestamp"]).toBeDefined();
    store.update(widgets, "default", "w", { ...held, metadata: { ...md(held), finalizers: [] } }, { manager: "t" });
    expect(statusOf(() => store.resolve("example.com", "v1", "widgets")).code).toBe(404);
    expect(statusOf(() => store.get(crds, undefined, "widgets.example.com")).code).toBe(404);
  });

  it("rejects a CRD whose name is not plural.group", () => {
    const { store } = testStore({ crdDirectoryPaths: [] });
    const crds = store.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    const [crd] = readCrdFiles([CRD_DIR]);
    const status = statusOf(() => store.create(crds, undefined, { ...crd, metadata: { name: "wrong" } }, { manager: "t" }));
    expect(status.message).toContain('metadata.name: Invalid value: "wrong": must be spec.names.plural+"."+spec.group');
  });

  it("serves kinds registered without a CRD (no schema, status subresource on)", () => {
    const { store } = testStore({ crdDirectoryPaths: [] });
    store.registerKind({ group: "demo.io", version: "v1", kind: "Thing", plural: "things", namespaced: true });
    const things = store.resolve("demo.io", "v1", "things");
    const t = store.create(things, "default", { metadata: { name: "t" }, spec: { anything: 1 }, status: { x: 1 } }, { manager: "t" });
    expect(t["spec"]).toEqual({ anything: 1 });
    expect(t["status"]).toBeUndefined();
  });
});
