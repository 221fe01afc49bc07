import { describe, expect, it } from "vitest";
import { applyJsonPatch } from "../../../src/testing/patch/json-patch.js";
import { applyMergePatch } from "../../../src/testing/patch/merge-patch.js";
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
    expect(failedTest.details?.causes?.[0]?.reason).toBe("UnexpectedServerResponse");
    expect(statusOf(() => applyJsonPatch({ a: 1 }, [{ op: "replace", path: "/missing", value: 2 }])).code).toBe(422);
  });

  it("answers 400 for a malformed patch", () => {
    expect(statusOf(() => applyJsonPatch({}, { op: "add" })).code).toBe(400);
    expect(statusOf(() => applyJsonPatch({}, [{ op: "frobnicate", path: "/a" }])).code).toBe(400);
    expect(() => applyJsonPatch({}, [{ op: "add", path: "/a", value: 1 }])).not.toThrow(StatusError);
  });
});
