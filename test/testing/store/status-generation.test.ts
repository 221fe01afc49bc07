import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/testing/store/json.js";
import { statusOf, testStore } from "../helpers.js";

const md = (o: JsonObject): JsonObject => o["metadata"] as JsonObject;

describe("status subresource", () => {
  it("drops status on create, ignores it on main updates, and changes only status through /status", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const created = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 2 }, status: { phase: "Ready" } }, { manager: "t" });
    expect(created["status"]).toBeUndefined();

    const withStatus = store.update(widgets, "default", "w", { ...created, spec: { size: 9, color: "blue" }, status: { phase: "Ignored" } }, { manager: "t", subresource: "status" });
    expect(withStatus["status"]).toEqual({ phase: "Ignored" });
    expect(withStatus["spec"]).toEqual({ size: 2, color: "blue" });
    expect(md(withStatus)["generation"]).toBe(1);

    const main = store.update(widgets, "default", "w", { ...withStatus, spec: { size: 3, color: "blue" }, status: { phase: "Overwritten?" } }, { manager: "t" });
    expect(main["status"]).toEqual({ phase: "Ignored" });
    expect(main["spec"]).toEqual({ size: 3, color: "blue" });
  });

  it("ignores metadata changes sent to /status, and patches status only through /status", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const w = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 2 } }, { manager: "t" });
    const s = store.update(widgets, "default", "w", { ...w, metadata: { ...md(w), labels: { x: "y" } }, status: { phase: "A" } }, { manager: "t", subresource: "status" });
    expect(md(s)["labels"]).toBeUndefined();
    const p = store.patch(widgets, "default", "w", { type: "merge", patch: { status: { phase: "B" }, spec: { size: 4 } }, manager: "t", subresource: "status" }).object;
    expect(p).toMatchObject({ status: { phase: "B" }, spec: { size: 2 } });
    const main = store.patch(widgets, "default", "w", { type: "merge", patch: { status: { phase: "C" } }, manager: "t" }).object;
    expect(main["status"]).toEqual({ phase: "B" });
  });

  it("checks the resourceVersion of status updates too", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const w = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 2 } }, { manager: "t" });
    store.update(widgets, "default", "w", { ...w, status: { phase: "A" } }, { manager: "t", subresource: "status" });
    expect(statusOf(() => store.update(widgets, "default", "w", { ...w, status: { phase: "B" } }, { manager: "t", subresource: "status" })).code).toBe(409);
  });

  it("has no /status for kinds without the subresource (404), where status is an ordinary field", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const cm = store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" });
    expect(statusOf(() => store.update(cms, "default", "a", cm, { manager: "t", subresource: "status" })).code).toBe(404);
    const gadgets = store.resolve("example.com", "v1", "gadgets");
    const g = store.create(gadgets, undefined, { metadata: { name: "g" }, spec: { mode: "a" }, status: { ready: true } }, { manager: "t" });
    expect(g["status"]).toEqual({ ready: true });
  });

  it("keeps the status of Deployments to /status, and resets it to {} on create", () => {
    const { store } = testStore();
    const deps = store.resolve("apps", "v1", "deployments");
    const d = store.create(deps, "default", { metadata: { name: "d" }, spec: { replicas: 1 }, status: { replicas: 5 } }, { manager: "t" });
    expect(d["status"]).toEqual({});
    expect(md(d)["generation"]).toBe(1);
  });
});

describe("metadata.generation", () => {
  it("starts at 1 and is bumped by spec changes only (kinds with a status subresource)", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    let w = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 2 } }, { manager: "t" });
    expect(md(w)["generation"]).toBe(1);
    w = store.update(widgets, "default", "w", { ...w, metadata: { ...md(w), labels: { a: "b" }, annotations: { c: "d" } } }, { manager: "t" });
    expect(md(w)["generation"]).toBe(1);
    w = store.update(widgets, "default", "w", { ...w, status: { phase: "x" } }, { manager: "t", subresource: "status" });
    expect(md(w)["generation"]).toBe(1);
    w = store.update(widgets, "default", "w", { ...w, spec: { ...(w["spec"] as JsonObject), size: 3 } }, { manager: "t" });
    expect(md(w)["generation"]).toBe(2);
    w = store.patch(widgets, "default", "w", { type: "json", patch: [{ op: "replace", path: "/spec/size", value: 4 }], manager: "t" }).object;
    expect(md(w)["generation"]).toBe(3);
  });

  it("is bumped by any change outside metadata when there is no status subresource", () => {
    const { store } = testStore();
    const gadgets = store.resolve("example.com", "v1", "gadgets");
    let g = store.create(gadgets, undefined, { metadata: { name: "g" }, spec: { mode: "a" } }, { manager: "t" });
    g = store.update(gadgets, undefined, "g", { ...g, status: { ready: true } }, { manager: "t" });
    expect(md(g)["generation"]).toBe(2);
    g = store.update(gadgets, undefined, "g", { ...g, metadata: { ...md(g), labels: { a: "b" } } }, { manager: "t" });
    expect(md(g)["generation"]).toBe(2);
  });

  it("cannot be set by clients", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const w = store.create(widgets, "default", { metadata: { name: "w", generation: 7, uid: "mine" }, spec: { size: 2 } }, { manager: "t" });
    expect(md(w)["generation"]).toBe(1);
    expect(md(w)["uid"]).not.toBe("mine");
    const u = store.update(widgets, "default", "w", { ...w, metadata: { ...md(w), generation: 42 } }, { manager: "t" });
    expect(md(u)).toMatchObject({ generation: 1, uid: md(w)["uid"] });
    // Another uid is a failed precondition (409), as on the API server.
    expect(statusOf(() => store.update(widgets, "default", "w", { ...u, metadata: { ...md(u), uid: "other" } }, { manager: "t" }))).toMatchObject({
      code: 409,
      message: `Operation cannot be fulfilled on widgets.example.com "w": StorageError: invalid object, Code: 4, Key: /registry/example.com/widgets/default/w, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: other, UID in object meta: ${String(md(w)["uid"])}`,
    });
  });
});
