import { describe, expect, it } from "vitest";
import { deepCopy, jsonEqual } from "../../../src/runtime/cache/object-copy.js";

/** What the sorted-key JSON text comparison says, the reference jsonEqual must agree with. */
function viaJson(a: unknown, b: unknown): boolean {
  const sorted = (v: unknown): string | undefined =>
    JSON.stringify(v, (_k, x: unknown) =>
      x && typeof x === "object" && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype
        ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
        : x,
    );
  return sorted(a) === sorted(b);
}

describe("jsonEqual", () => {
  it("agrees with comparing sorted JSON text", () => {
    const when = new Date("2026-01-01T00:00:00Z");
    const pairs: [unknown, unknown][] = [
      [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }],
      [{ a: 1 }, { a: 1, b: undefined }],
      [{ a: 1, f: () => 1 }, { a: 1 }],
      [{ a: 1 }, { a: 2 }],
      [{ a: 1 }, { b: 1 }],
      [{ a: undefined }, { b: undefined }],
      [[1, undefined], [1, null]],
      [[1, 2], [2, 1]],
      [{ at: when }, { at: "2026-01-01T00:00:00.000Z" }],
      [{ at: when }, { at: "other" }],
      [Number.NaN, null],
      ["x", "y"],
      [1, "1"],
      [null, {}],
      [[], {}],
      [undefined, null],
      [{ a: [] }, { a: {} }],
    ];
    for (const [a, b] of pairs) {
      expect(jsonEqual(a, b), JSON.stringify([a, b])).toBe(viaJson(a, b));
      expect(jsonEqual(b, a), JSON.stringify([b, a])).toBe(viaJson(b, a));
    }
  });

  it("compares a deep copy as equal, and sees a change made to it", () => {
    const original = { metadata: { name: "a", labels: { x: "1" } }, data: { k: "v" } };
    const copy = deepCopy(original);
    expect(jsonEqual(original, copy)).toBe(true);
    copy.metadata.labels.x = "2";
    expect(jsonEqual(original, copy)).toBe(false);
  });
});
