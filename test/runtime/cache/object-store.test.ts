import { describe, expect, it } from "vitest";
import { deepCopy, deepFreeze, stripManagedFields } from "../../../src/runtime/cache/object-copy.js";
import { ObjectStore, objectKey } from "../../../src/runtime/cache/object-store.js";
import type { KubernetesObject } from "../../../src/runtime/resource.js";

const o = (ns: string | undefined, name: string, rv: string, labels: Record<string, string> = {}): KubernetesObject => ({
  metadata: { ...(ns ? { namespace: ns } : {}), name, resourceVersion: rv, labels },
});
const names = (objects: KubernetesObject[]) => objects.map((x) => x.metadata?.name).sort();

describe("ObjectStore", () => {
  it("keys by namespace/name and lists by namespace", () => {
    const s = new ObjectStore();
    s.upsert(o("a", "x", "1"));
    s.upsert(o("b", "x", "1"));
    s.upsert(o(undefined, "cluster", "1"));
    expect(objectKey(o("a", "x", "1"))).toBe("a/x");
    expect(s.size).toBe(3);
    expect(s.get("a/x")?.metadata?.namespace).toBe("a");
    expect(s.get("cluster")?.metadata?.name).toBe("cluster");
    expect(names(s.list("a"))).toEqual(["x"]);
    expect(names(s.list())).toEqual(["cluster", "x", "x"]);
    expect(s.remove("a/x")?.metadata?.name).toBe("x");
    expect(s.list("a")).toEqual([]);
    expect(s.remove("a/x")).toBeUndefined();
  });

  it("maintains custom indexes on upsert, remove and replace, holding keys", () => {
    const s = new ObjectStore();
    s.upsert(o("a", "x", "1", { app: "web" }));
    s.addIndex("app", (obj) => (obj.metadata?.labels?.["app"] ? [obj.metadata.labels["app"]] : []));
    expect(names(s.byIndex("app", "web"))).toEqual(["x"]);
    s.upsert(o("a", "y", "1", { app: "web" }));
    s.upsert(o("a", "x", "2", { app: "db" }));
    expect(names(s.byIndex("app", "web"))).toEqual(["y"]);
    expect(names(s.byIndex("app", "db"))).toEqual(["x"]);
    s.remove("a/y");
    expect(s.byIndex("app", "web")).toEqual([]);
    s.replace(new Map([["a/z", o("a", "z", "3", { app: "web" })]]));
    expect(names(s.byIndex("app", "web"))).toEqual(["z"]);
    expect(s.byIndex("app", "db")).toEqual([]);
    expect(() => s.byIndex("nope", "x")).toThrow('no index named "nope"');
    expect(() => s.addIndex("app", () => [])).toThrow(/exists already/);
  });

  it("reports index functions that throw and leaves the object unindexed", () => {
    const errors: string[] = [];
    const s = new ObjectStore({ onIndexError: (name) => errors.push(name) });
    s.addIndex("bad", () => {
      throw new Error("boom");
    });
    s.upsert(o("a", "x", "1"));
    expect(s.get("a/x")).toBeDefined();
    expect(errors).toEqual(["bad"]);
  });

  it("diffs a replacement: added, changed (by resourceVersion) and vanished", () => {
    const s = new ObjectStore();
    s.upsert(o("a", "same", "1"));
    s.upsert(o("a", "changed", "1"));
    s.upsert(o("a", "gone", "1"));
    const diff = s.replace(
      new Map([
        ["a/same", o("a", "same", "1")],
        ["a/changed", o("a", "changed", "2")],
        ["a/new", o("a", "new", "1")],
      ]),
    );
    expect(names(diff.added)).toEqual(["new"]);
    expect(diff.updated.map(([a, b]) => [a.metadata?.resourceVersion, b.metadata?.resourceVersion])).toEqual([["1", "2"]]);
    expect(names(diff.deleted)).toEqual(["gone"]);
    expect(names(s.list("a"))).toEqual(["changed", "new", "same"]);
  });
});

describe("object copies", () => {
  it("deep-freezes and deep-copies JSON values", () => {
    const frozen = deepFreeze({ a: { b: [1, { c: 2 }] } });
    expect(Object.isFrozen(frozen.a.b[1])).toBe(true);
    expect(() => {
      (frozen.a as { b: unknown }).b = 1;
    }).toThrow(TypeError);
    const copy = deepCopy(frozen);
    expect(copy).toEqual(frozen);
    expect(Object.isFrozen(copy.a)).toBe(false);
    copy.a.b.push(3);
    expect(frozen.a.b).toHaveLength(2);
  });

  it("strips managedFields", () => {
    const obj = { metadata: { name: "x", managedFields: [{ manager: "kubectl" }] } };
    expect(stripManagedFields(obj)).toEqual({ metadata: { name: "x" } });
    const plain = { metadata: { name: "y" } };
    expect(stripManagedFields(plain)).toBe(plain);
  });
});
