import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/testing/store/json.js";
import type { ObjectStore } from "../../../src/testing/store/object-store.js";
import { recorder, statusOf, testStore } from "../helpers.js";

const md = (o: JsonObject): JsonObject => o["metadata"] as JsonObject;

function owned(store: ObjectStore, owner: JsonObject, name: string, extra: JsonObject = {}, block = false): JsonObject {
  const cms = store.resolve("", "v1", "configmaps");
  const ref = { apiVersion: owner["apiVersion"]!, kind: owner["kind"]!, name: md(owner)["name"]!, uid: md(owner)["uid"]!, ...(block ? { blockOwnerDeletion: true } : {}) };
  return store.create(cms, "default", { metadata: { name, ownerReferences: [ref], ...extra } }, { manager: "t" });
}

const exists = (store: ObjectStore, plural: string, name: string, group = "", ns: string | undefined = "default"): boolean => {
  try {
    store.get(store.resolve(group, "v1", plural), ns, name);
    return true;
  } catch {
    return false;
  }
};

describe("finalizers", () => {
  it("keep a deleted object with a deletionTimestamp until the last one is removed", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    store.create(widgets, "default", { metadata: { name: "w", finalizers: ["example.com/cleanup", "example.com/other"] }, spec: { size: 2 } }, { manager: "t" });
    const watch = recorder();
    store.watch(widgets, { namespace: "default", resourceVersion: store.resourceVersion }, watch);

    const first = store.delete(widgets, "default", "w");
    expect(first.kind).toBe("pending");
    expect(md(first.object)).toMatchObject({ deletionTimestamp: "2025-01-01T00:00:00Z", deletionGracePeriodSeconds: 0, generation: 2 });
    expect(store.delete(widgets, "default", "w").kind).toBe("already-deleting");

    let w = store.get(widgets, "default", "w");
    w = store.update(widgets, "default", "w", { ...w, metadata: { ...md(w), finalizers: ["example.com/other"] } }, { manager: "t" });
    expect(md(w)["finalizers"]).toEqual(["example.com/other"]);
    store.update(widgets, "default", "w", { ...w, metadata: { ...md(w), finalizers: [] } }, { manager: "t" });
    expect(exists(store, "widgets", "w", "example.com")).toBe(false);
    expect(watch.types()).toEqual(["MODIFIED w", "MODIFIED w", "DELETED w"]);
  });

  it("cannot be added once deletion started (422), and a merge patch can remove them", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    store.create(cms, "default", { metadata: { name: "a", finalizers: ["x/y"] } }, { manager: "t" });
    store.delete(cms, "default", "a");
    const cm = store.get(cms, "default", "a");
    const status = statusOf(() => store.update(cms, "default", "a", { ...cm, metadata: { ...md(cm), finalizers: ["x/y", "x/z"] } }, { manager: "t" }));
    expect(status).toMatchObject({ code: 422, details: { causes: [{ reason: "FieldValueForbidden", field: "metadata.finalizers" }] } });
    expect(status.message).toContain('no new finalizers can be added if the object is being deleted, found new finalizers []string{"x/z"}');
    store.patch(cms, "default", "a", { type: "merge", patch: { metadata: { finalizers: null } }, manager: "t" });
    expect(exists(store, "configmaps", "a")).toBe(false);
  });

  it("honour delete preconditions (409)", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const a = store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" });
    expect(statusOf(() => store.delete(cms, "default", "a", { preconditions: { resourceVersion: "1" } })).message).toContain(
      "the ResourceVersion in the precondition (1) does not match the ResourceVersion in record",
    );
    expect(statusOf(() => store.delete(cms, "default", "a", { preconditions: { uid: "nope" } })).code).toBe(409);
    expect(store.delete(cms, "default", "a", { preconditions: { resourceVersion: String(md(a)["resourceVersion"]) } }).kind).toBe("deleted");
    expect(statusOf(() => store.delete(cms, "default", "a")).code).toBe(404);
  });
});

describe("garbage collection", () => {
  it("deletes dependents of a deleted owner (background), recursively", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const owner = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 1 } }, { manager: "t" });
    const child = owned(store, owner, "child");
    owned(store, child, "grandchild");
    store.delete(widgets, "default", "w");
    expect(exists(store, "configmaps", "child")).toBe(false);
    expect(exists(store, "configmaps", "grandchild")).toBe(false);
  });

  it("keeps a dependent that has another live owner, removing only the dangling reference", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const a = store.create(widgets, "default", { metadata: { name: "a" }, spec: { size: 1 } }, { manager: "t" });
    const b = store.create(widgets, "default", { metadata: { name: "b" }, spec: { size: 1 } }, { manager: "t" });
    const cms = store.resolve("", "v1", "configmaps");
    const refs = [a, b].map((o) => ({ apiVersion: "example.com/v1", kind: "Widget", name: md(o)["name"]!, uid: md(o)["uid"]! }));
    store.create(cms, "default", { metadata: { name: "shared", ownerReferences: refs } }, { manager: "t" });
    store.delete(widgets, "default", "a");
    const shared = store.get(cms, "default", "shared");
    expect((md(shared)["ownerReferences"] as JsonObject[]).map((r) => r["name"])).toEqual(["b"]);
  });

  it("orphans dependents with propagationPolicy Orphan", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const owner = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 1 } }, { manager: "t" });
    owned(store, owner, "child");
    store.delete(widgets, "default", "w", { propagationPolicy: "Orphan" });
    expect(exists(store, "widgets", "w", "example.com")).toBe(false);
    const child = store.get(store.resolve("", "v1", "configmaps"), "default", "child");
    expect(md(child)["ownerReferences"]).toBeUndefined();
  });

  it("with Foreground propagation, keeps the owner until blocking dependents are gone", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const cms = store.resolve("", "v1", "configmaps");
    const owner = store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 1 } }, { manager: "t" });
    owned(store, owner, "blocker", { finalizers: ["x/hold"] }, true);
    owned(store, owner, "plain");
    const outcome = store.delete(widgets, "default", "w", { propagationPolicy: "Foreground" });
    expect(outcome.kind).toBe("pending");
    expect(md(store.get(widgets, "default", "w"))["finalizers"]).toEqual(["foregroundDeletion"]);
    expect(exists(store, "configmaps", "plain")).toBe(false);
    const blocker = store.get(cms, "default", "blocker");
    expect(md(blocker)["deletionTimestamp"]).toBeDefined();
    store.update(cms, "default", "blocker", { ...blocker, metadata: { ...md(blocker), finalizers: [] } }, { manager: "t" });
    expect(exists(store, "configmaps", "blocker")).toBe(false);
    expect(exists(store, "widgets", "w", "example.com")).toBe(false);
  });

  it("deletes an owner with no dependents at once even in the foreground", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    store.create(widgets, "default", { metadata: { name: "w" }, spec: { size: 1 } }, { manager: "t" });
    store.delete(widgets, "default", "w", { propagationPolicy: "Foreground" });
    expect(exists(store, "widgets", "w", "example.com")).toBe(false);
  });
});

describe("namespace deletion", () => {
  it("terminates the namespace, deletes its content, then removes it; creates in it are forbidden meanwhile", () => {
    const { store } = testStore();
    const nss = store.resolve("", "v1", "namespaces");
    const cms = store.resolve("", "v1", "configmaps");
    store.create(nss, undefined, { metadata: { name: "team" } }, { manager: "t" });
    store.create(cms, "team", { metadata: { name: "plain" } }, { manager: "t" });
    store.create(cms, "team", { metadata: { name: "held", finalizers: ["x/hold"] } }, { manager: "t" });
    const outcome = store.delete(nss, undefined, "team");
    expect(outcome.kind).toBe("pending");
    expect(outcome.object["status"]).toEqual({ phase: "Terminating" });
    expect(exists(store, "configmaps", "plain", "", "team")).toBe(false);
    expect(statusOf(() => store.create(cms, "team", { metadata: { name: "new" } }, { manager: "t" }))).toMatchObject({
      code: 403,
      reason: "Forbidden",
      message: 'configmaps "new" is forbidden: unable to create new content in namespace team because it is being terminated',
    });
    const held = store.get(cms, "team", "held");
    store.update(cms, "team", "held", { ...held, metadata: { ...md(held), finalizers: [] } }, { manager: "t" });
    expect(exists(store, "namespaces", "team", "", undefined)).toBe(false);
  });

  it("handles owners and dependents deleted together with their namespace", () => {
    const { store } = testStore();
    const nss = store.resolve("", "v1", "namespaces");
    const cms = store.resolve("", "v1", "configmaps");
    store.create(nss, undefined, { metadata: { name: "mixed" } }, { manager: "t" });
    const owner = store.create(cms, "mixed", { metadata: { name: "a-owner" } }, { manager: "t" });
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "a-owner", uid: md(owner)["uid"]! };
    store.create(cms, "mixed", { metadata: { name: "b-dep", ownerReferences: [ref], finalizers: ["x/hold"] } }, { manager: "t" });
    store.delete(nss, undefined, "mixed");
    const dep = store.get(cms, "mixed", "b-dep");
    expect(md(dep)["finalizers"]).toEqual(["x/hold"]);
    expect(md(dep)["deletionTimestamp"]).toBeDefined();
    store.update(cms, "mixed", "b-dep", { ...dep, metadata: { ...md(dep), finalizers: [] } }, { manager: "t" });
    expect(exists(store, "namespaces", "mixed", "", undefined)).toBe(false);
  });
});
