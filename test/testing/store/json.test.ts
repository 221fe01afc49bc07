import { describe, expect, it } from "vitest";
import { clone } from "../../../src/testing/store/json.js";

const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

describe("clone", () => {
  it("copies as a JSON round trip would", () => {
    const date = new Date("2026-01-02T03:04:05Z");
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const cases: unknown[] = [
      { a: 1, b: "x", c: true, d: null, e: [1, "two", null, { f: [] }] },
      { gone: undefined, fn: () => 1, sym: Symbol("s"), kept: 0 },
      [undefined, () => 1, Symbol("s"), Number.NaN, Infinity, -0],
      { n: Number.NaN, i: -Infinity },
      { when: date, nested: { point: new Point(1, 2) } },
      { custom: { toJSON: () => "custom" } },
      Object.assign(Object.create(null) as object, { bare: 1 }),
      "text",
      7,
      false,
      null,
    ];
    for (const value of cases) expect(clone(value)).toEqual(viaJson(value));
    expect(clone(undefined)).toBeUndefined();
  });

  it("shares nothing with the original", () => {
    const original = { metadata: { labels: { a: "1" } }, list: [{ x: 1 }] };
    const copy = clone(original);
    copy.metadata.labels.a = "2";
    copy.list[0]!.x = 2;
    expect(original).toEqual({ metadata: { labels: { a: "1" } }, list: [{ x: 1 }] });
  });
});
