import { describe, expect, it } from "vitest";
import { applyJsonPatch } from "../../../src/testing/patch/json-patch.js";
import { applyMergePatch } from "../../../src/testing/patch/merge-patch.js";
import { applyStrategicMergePatch, builtinStrategies } from "../../../src/testing/patch/strategic-merge-patch.js";
import type { JsonObject } from "../../../src/testing/store/json.js";
import { StatusError } from "../../../src/testing/store/status-error.js";
import { statusOf } from "../helpers.js";

describe("JSON merge patch (RFC 7386)", () => {
  it("merges objects, removes members set to null and replaces arrays", () => {
    const target = { a: 1, b: { c: 2, d: 3 }, list: [1, 2] };
    expect(applyMergePatch(target, { b: { c: null, e: 4 }, list: [3], f: "x" })).toEqual({ a: 1, b: { d: 3, e: 4 }, list: [3], f: "x" });
    expect(target).toEqual({ a: 1, b: { c: 2, d: 3 }, list: [1, 2] });
  });

  it("replaces a non-object target and drops nulls inside new objects", () => {
    expect(applyMergePatch({ a: "x" }, { a: { b: null, c: 1 } })).toEqual({ a: { c: 1 } });
    expect(applyMergePatch({ a: 1 }, [1])).toEqual([1]);
  });
});

describe("JSON patch (RFC 6902)", () => {
  it("applies add, replace, remove, move, copy and test", () => {
    const doc = { spec: { a: 1, list: ["x"] } };
    const out = applyJsonPatch(doc, [
      { op: "test", path: "/spec/a", value: 1 },
      { op: "replace", path: "/spec/a", value: 2 },
      { op: "add", path: "/spec/list/-", value: "y" },
      { op: "copy", from: "/spec/a", path: "/spec/b" },
      { op: "move", from: "/spec/b", path: "/spec/c" },
      { op: "remove", path: "/spec/list/0" },
    ]);
    expect(out).toEqual({ spec: { a: 2, list: ["y"], c: 2 } });
    expect(doc).toEqual({ spec: { a: 1, list: ["x"] } });
  });

  it("answers 422 for a patch that does not apply, as the API server does", () => {
    const failedTest = statusOf(() => applyJsonPatch({ a: 1 }, [{ op: "test", path: "/a", value: 2 }]));
    expect(failedTest).toMatchObject({ code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request" });
    // The API server gives no causes (it said more in older versions).
    expect(failedTest.details).toEqual({});
    expect(statusOf(() => applyJsonPatch({ a: 1 }, [{ op: "replace", path: "/missing", value: 2 }])).code).toBe(422);
  });

  it("answers 400 for a malformed patch", () => {
    expect(statusOf(() => applyJsonPatch({}, { op: "add" }))).toMatchObject({
      code: 400,
      message: "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp",
    });
    expect(statusOf(() => applyJsonPatch({}, [{ op: "frobnicate", path: "/a" }])).code).toBe(400);
    expect(() => applyJsonPatch({}, [{ op: "add", path: "/a", value: 1 }])).not.toThrow(StatusError);
  });
});

describe("strategic merge patch", () => {
  const pods = builtinStrategies("/pods");
  const pod: JsonObject = {
    metadata: { name: "p", finalizers: ["example.com/x"] },
    spec: {
      containers: [
        { name: "a", image: "a:1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }] },
        { name: "b", image: "b:1" },
      ],
      tolerations: [{ key: "t" }],
    },
  };

  it("merges lists by their merge key and replaces the others", () => {
    const out = applyStrategicMergePatch(pod, { spec: { containers: [{ name: "b", image: "b:2" }, { name: "c", image: "c:1" }], tolerations: [{ key: "u" }] } }, pods);
    expect(out).toMatchObject({
      spec: {
        containers: [{ name: "a", image: "a:1" }, { name: "b", image: "b:2" }, { name: "c", image: "c:1" }],
        tolerations: [{ key: "u" }],
      },
    });
    const env = applyStrategicMergePatch(pod, { spec: { containers: [{ name: "a", env: [{ name: "B", value: null }, { name: "C", value: "3" }] }] } }, pods);
    expect((env as { spec: { containers: { env: unknown }[] } }).spec.containers[0]!.env).toEqual([{ name: "A", value: "1" }, { name: "B" }, { name: "C", value: "3" }]);
  });

  it("merges primitive lists by value, new values first, and understands the directives", () => {
    expect(applyStrategicMergePatch(pod, { metadata: { finalizers: ["example.com/y"] } }, pods)).toMatchObject({ metadata: { finalizers: ["example.com/y", "example.com/x"] } });
    expect(applyStrategicMergePatch(pod, { metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/x"] } }, pods)).toMatchObject({ metadata: { finalizers: [] } });
    const deleted = applyStrategicMergePatch(pod, { spec: { containers: [{ name: "a", $patch: "delete" }] } }, pods);
    expect((deleted as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name)).toEqual(["b"]);
    const replaced = applyStrategicMergePatch(pod, { spec: { containers: [{ name: "z", image: "z" }, { $patch: "replace" }] } }, pods);
    expect((replaced as { spec: { containers: unknown[] } }).spec.containers).toEqual([{ name: "z", image: "z" }]);
    const ordered = applyStrategicMergePatch(pod, { spec: { "$setElementOrder/containers": [{ name: "b" }, { name: "a" }], containers: [{ name: "a", image: "a:2" }] } }, pods);
    expect((ordered as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name)).toEqual(["b", "a"]);
    expect(applyStrategicMergePatch({ spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } } }, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }, pods)).toEqual({
      spec: { strategy: { type: "Recreate" } },
    });
    expect(applyStrategicMergePatch({ spec: { a: { b: 1 } } }, { spec: { a: { $patch: "delete" } } }, pods)).toEqual({ spec: {} });
  });
});
