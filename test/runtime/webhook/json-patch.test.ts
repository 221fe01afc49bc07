import jsonPatch from "fast-json-patch";
import { describe, expect, it } from "vitest";
import { jsonPatchDiff } from "../../../src/runtime/webhook/json-patch.js";
import { seededRandom } from "../../helpers/seeded-random.js";

const apply = (doc: unknown, ops: unknown[]) =>
  jsonPatch.applyPatch(structuredClone(doc), ops as jsonPatch.Operation[], true, false).newDocument;


const KEYS = ["a", "b", "x/y", "m~n", "~1", "", "0", "spec"];

function randomValue(r: () => number, depth: number): unknown {
  const pick = r();
  if (depth <= 0 || pick < 0.3) return [null, true, 1, 2.5, "s", "", "t/~"][Math.floor(r() * 7)];
  if (pick < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth - 1));
  const obj: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 4); i > 0; i--) obj[KEYS[Math.floor(r() * KEYS.length)]!] = randomValue(r, depth - 1);
  return obj;
}

function mutate(r: () => number, value: unknown, depth: number): unknown {
  if (Array.isArray(value)) {
    const out = value.map((v) => (r() < 0.3 ? mutate(r, v, depth - 1) : v));
    if (r() < 0.3) out.splice(Math.floor(r() * (out.length + 1)), 0, randomValue(r, depth - 1));
    if (r() < 0.3 && out.length > 0) out.splice(Math.floor(r() * out.length), 1 + Math.floor(r() * 2));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const key of Object.keys(out)) {
      const roll = r();
      if (roll < 0.2) delete out[key];
      else if (roll < 0.5) out[key] = mutate(r, out[key], depth - 1);
    }
    if (r() < 0.4) out[KEYS[Math.floor(r() * KEYS.length)]!] = randomValue(r, depth - 1);
    return out;
  }
  return r() < 0.5 ? randomValue(r, depth) : value;
}

describe("jsonPatchDiff", () => {
  it("adds, replaces and removes members, escaping ~ and / in pointers (RFC 6901)", () => {
    const ops = jsonPatchDiff({ a: 1, "x/y": 1, "m~n": 1, keep: true }, { a: 2, "m~n": 1, keep: true, "p/q~r": [1] });
    expect(ops).toEqual(
      expect.arrayContaining([
        { op: "replace", path: "/a", value: 2 },
        { op: "remove", path: "/x~1y" },
        { op: "add", path: "/p~1q~0r", value: [1] },
      ]),
    );
    expect(ops).toHaveLength(3);
  });

  it("removes array items from the highest index down so every index is valid when applied", () => {
    const before = { list: ["a", "b", "c", "d"] };
    const after = { list: ["a"] };
    const ops = jsonPatchDiff(before, after);
    expect(ops.filter((o) => o.op === "remove").map((o) => o.path)).toEqual(["/list/3", "/list/2", "/list/1"]);
    expect(apply(before, ops)).toEqual(after);
  });

  it("treats members set to undefined as removed, as JSON.stringify would send them", () => {
    expect(jsonPatchDiff({ spec: { a: 1, b: 2 } }, { spec: { a: 1, b: undefined } })).toEqual([{ op: "remove", path: "/spec/b" }]);
  });

  it("is empty when nothing changed", () => {
    expect(jsonPatchDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it("replaces a value whose type changed (object ↔ array ↔ scalar)", () => {
    const before = { a: { x: 1 }, b: [1], c: "s" };
    const after = { a: [1], b: { x: 1 }, c: { y: null } };
    expect(apply(before, jsonPatchDiff(before, after))).toEqual(after);
  });

  it("produces patches that turn the original into the mutated document (300 seeded random cases)", () => {
    const r = seededRandom(20240611);
    for (let i = 0; i < 300; i++) {
      const before = { metadata: { name: "x" }, spec: randomValue(r, 4) };
      const after = mutate(r, before, 5) as object;
      const ops = jsonPatchDiff(before, after);
      expect(apply(before, ops), `case ${i}`).toEqual(after);
      for (const op of ops) expect(op.path.startsWith("/") || op.path === "", `case ${i}`).toBe(true);
    }
  });
});
