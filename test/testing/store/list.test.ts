import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/testing/store/json.js";
import { statusOf, testStore } from "../helpers.js";

const names = (items: JsonObject[]): unknown[] => items.map((i) => (i["metadata"] as JsonObject)["name"]);

describe("list", () => {
  function seeded() {
    const t = testStore();
    const cms = t.store.resolve("", "v1", "configmaps");
    t.store.create(t.store.resolve("", "v1", "namespaces"), undefined, { metadata: { name: "other" } }, { manager: "t" });
    for (const [ns, name, labels] of [
      ["default", "c", { app: "web", tier: "front" }],
      ["default", "a", { app: "db" }],
      ["other", "b", { app: "web" }],
      ["default", "b", {}],
    ] as const) {
      t.store.create(cms, ns, { metadata: { name, labels } }, { manager: "t" });
    }
    return { ...t, cms };
  }

  it("returns items in key order with the list's kind and resourceVersion (built-in items without type meta)", () => {
    const { store, cms } = seeded();
    const all = store.list(cms);
    expect(all.kind).toBe("ConfigMapList");
    expect(all.apiVersion).toBe("v1");
    expect(all.metadata.resourceVersion).toBe(store.resourceVersion);
    expect(names(all.items)).toEqual(["a", "b", "c", "b"]);
    expect(all.items[0]?.["kind"]).toBeUndefined();
    expect(names(store.list(cms, { namespace: "default" }).items)).toEqual(["a", "b", "c"]);
  });

  it("filters by label and field selectors", () => {
    const { store, cms } = seeded();
    expect(names(store.list(cms, { labelSelector: "app=web" }).items)).toEqual(["c", "b"]);
    expect(names(store.list(cms, { labelSelector: "app in (web,db),tier!=front" }).items)).toEqual(["a", "b"]);
    expect(names(store.list(cms, { labelSelector: "!app" }).items)).toEqual(["b"]);
    expect(names(store.list(cms, { labelSelector: { app: "web", tier: "front" } }).items)).toEqual(["c"]);
    expect(names(store.list(cms, { fieldSelector: "metadata.name=b" }).items)).toEqual(["b", "b"]);
    expect(names(store.list(cms, { fieldSelector: "metadata.namespace=other" }).items)).toEqual(["b"]);
    expect(names(store.list(cms, { fieldSelector: "metadata.name!=b,metadata.namespace==default" }).items)).toEqual(["a", "c"]);
    expect(statusOf(() => store.list(cms, { labelSelector: "app in (web" })).code).toBe(400);
  });

  it("allows only name, namespace and selectable fields in custom resources' field selectors", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    store.create(widgets, "default", { metadata: { name: "r" }, spec: { size: 1, color: "red" } }, { manager: "t" });
    store.create(widgets, "default", { metadata: { name: "b" }, spec: { size: 1 } }, { manager: "t" });
    expect(names(store.list(widgets, { fieldSelector: "spec.color=red" }).items)).toEqual(["r"]);
    expect(statusOf(() => store.list(widgets, { fieldSelector: "spec.size=1" }))).toMatchObject({
      code: 400,
      reason: "BadRequest",
      message: "field label not supported: spec.size",
    });
  });

  it("pages with limit and continue, counting the remaining items", () => {
    const { store, cms } = seeded();
    const first = store.list(cms, { limit: 2 });
    expect(names(first.items)).toEqual(["a", "b"]);
    expect(first.metadata.remainingItemCount).toBe(2);
    const second = store.list(cms, { limit: 2, continue: first.metadata.continue });
    expect(names(second.items)).toEqual(["c", "b"]);
    expect(second.metadata.continue).toBeUndefined();
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(statusOf(() => store.list(cms, { continue: "garbage" })).code).toBe(400);
  });

  it("answers 410 Expired for continue tokens and Exact resourceVersions older than the history", () => {
    const { store, cms } = seeded();
    const first = store.list(cms, { limit: 1 });
    const oldRv = first.metadata.resourceVersion;
    store.create(cms, "default", { metadata: { name: "later" } }, { manager: "t" });
    store.expireResourceVersions();
    expect(statusOf(() => store.list(cms, { limit: 1, continue: first.metadata.continue }))).toMatchObject({ code: 410, reason: "Expired" });
    expect(statusOf(() => store.list(cms, { resourceVersion: oldRv, resourceVersionMatch: "Exact" })).code).toBe(410);
    expect(statusOf(() => store.list(cms, { resourceVersion: oldRv })).code).toBe(410);
    expect(store.list(cms, { resourceVersion: "0" }).items.length).toBe(5);
    store.resetExpiry();
    expect(store.list(cms, { resourceVersion: oldRv }).items.length).toBe(5);
  });

  it("deletes collections by selector", () => {
    const { store, cms } = seeded();
    const outcomes = store.deleteCollection(cms, { namespace: "default", labelSelector: "app" });
    expect(outcomes.map((o) => o.kind)).toEqual(["deleted", "deleted"]);
    expect(names(store.list(cms).items)).toEqual(["b", "b"]);
  });
});
