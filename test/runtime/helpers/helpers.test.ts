import { describe, expect, it } from "vitest";
import {
  addFinalizer,
  findStatusCondition,
  getControllerOf,
  hasFinalizer,
  isBeingDeleted,
  isStatusConditionTrue,
  mergePatch,
  OwnerReferenceError,
  removeFinalizer,
  removeStatusCondition,
  setControllerReference,
  setOwnerReference,
  setStatusCondition,
  type Condition,
} from "../../../src/runtime/helpers/index.js";
import { ConfigMap, defineResource, Namespace } from "../../../src/runtime/resource.js";

const Widget = defineResource({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });
const owner = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "ns", uid: "uid-1" } };

describe("finalizers", () => {
  it("adds once, removes, and reports changes", () => {
    const cm: ConfigMap = { metadata: { name: "c" } };
    expect(addFinalizer(cm, "example.com/cleanup")).toBe(true);
    expect(addFinalizer(cm, "example.com/cleanup")).toBe(false);
    expect(cm.metadata!.finalizers).toEqual(["example.com/cleanup"]);
    expect(hasFinalizer(cm, "example.com/cleanup")).toBe(true);
    expect(removeFinalizer(cm, "example.com/cleanup")).toBe(true);
    expect(removeFinalizer(cm, "example.com/cleanup")).toBe(false);
    expect(cm.metadata!.finalizers).toEqual([]);
    expect(isBeingDeleted(cm)).toBe(false);
    expect(isBeingDeleted({ metadata: { deletionTimestamp: "2024-05-06T07:08:09Z" } })).toBe(true);
  });
});

describe("owner references", () => {
  it("sets a controller reference once and refuses a second controller", () => {
    const cm: ConfigMap = { metadata: { name: "c", namespace: "ns" } };
    setControllerReference(owner, Widget, cm);
    setControllerReference(owner, Widget, cm);
    expect(cm.metadata!.ownerReferences).toEqual([
      { apiVersion: "example.com/v1", kind: "Widget", name: "w", uid: "uid-1", controller: true, blockOwnerDeletion: true },
    ]);
    expect(getControllerOf(cm)?.uid).toBe("uid-1");
    const other = { metadata: { name: "x", namespace: "ns", uid: "uid-2" } };
    expect(() => setControllerReference(other, Widget, cm)).toThrow(/already controlled by Widget w/);
    setOwnerReference(other, Widget, cm);
    expect(cm.metadata!.ownerReferences).toHaveLength(2);
  });

  it("refuses cross-namespace and cluster-scoped dependents of namespaced owners", () => {
    expect(() => setControllerReference(owner, Widget, { metadata: { name: "c", namespace: "other" } })).toThrow(OwnerReferenceError);
    expect(() => setOwnerReference(owner, Widget, { metadata: { name: "n" } })).toThrow(/cluster-scoped/);
    expect(() => setOwnerReference({ metadata: { name: "w" } }, Widget, { metadata: { name: "c", namespace: "ns" } })).toThrow(/uid/);
    // a cluster-scoped owner may own anything
    setOwnerReference({ metadata: { name: "ns", uid: "u" } }, Namespace, { metadata: { name: "c", namespace: "ns" } });
    void ConfigMap;
  });
});

describe("status conditions", () => {
  it("sets, updates and keeps lastTransitionTime until the status changes", () => {
    const conditions: Condition[] = [];
    let t = new Date("2026-01-01T00:00:00.123Z");
    const now = () => t;
    expect(setStatusCondition(conditions, { type: "Ready", status: "False", reason: "Starting", message: "" }, now)).toBe(true);
    expect(conditions[0]!.lastTransitionTime).toBe("2026-01-01T00:00:00Z");
    t = new Date("2026-01-01T00:01:00Z");
    expect(setStatusCondition(conditions, { type: "Ready", status: "False", reason: "Waiting", message: "m" }, now)).toBe(true);
    expect(conditions[0]!.lastTransitionTime).toBe("2026-01-01T00:00:00Z");
    expect(setStatusCondition(conditions, { type: "Ready", status: "False", reason: "Waiting", message: "m" }, now)).toBe(false);
    expect(setStatusCondition(conditions, { type: "Ready", status: "True", reason: "Done", message: "", observedGeneration: 3 }, now)).toBe(true);
    expect(conditions[0]).toEqual({ type: "Ready", status: "True", reason: "Done", message: "", observedGeneration: 3, lastTransitionTime: "2026-01-01T00:01:00Z" });
    expect(isStatusConditionTrue(conditions, "Ready")).toBe(true);
    expect(findStatusCondition(conditions, "Other")).toBeUndefined();
    expect(removeStatusCondition(conditions, "Ready")).toBe(true);
    expect(conditions).toEqual([]);
  });
});

describe("mergePatch", () => {
  it("computes RFC 7386 patches", () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2 } })).toEqual({ b: { d: null } });
    expect(mergePatch({ a: [1, 2] }, { a: [1, 2, 3] })).toEqual({ a: [1, 2, 3] });
    expect(mergePatch({ a: 1 }, { a: 1 })).toBeUndefined();
    expect(mergePatch({}, { n: { x: "y" } })).toEqual({ n: { x: "y" } });
  });
});
