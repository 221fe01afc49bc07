import { describe, expect, it } from "vitest";
import { compareGoStrings, uniqueSorted } from "../../../src/generator/rbac/index.js";

describe("compareGoStrings", () => {
  it("orders ASCII by bytes: upper case first, space before slash", () => {
    expect(["b", "B", "a", "a b", "a/b", "a"].sort(compareGoStrings)).toEqual(["B", "a", "a", "a b", "a/b", "b"]);
  });

  it("orders beyond the BMP by code point, as UTF-8 bytes do, not by UTF-16 units", () => {
    const fullwidthTilde = "\uff5e";
    const emoji = "\u{1f600}";
    // JavaScript's default order puts the surrogate pair (0xd83d...) first.
    expect([fullwidthTilde, emoji].sort()).toEqual([emoji, fullwidthTilde]);
    expect([emoji, fullwidthTilde].sort(compareGoStrings)).toEqual([fullwidthTilde, emoji]);
  });
});

describe("uniqueSorted", () => {
  it("drops duplicates and sorts", () => {
    expect(uniqueSorted(["watch", "get", "watch", ""])).toEqual(["", "get", "watch"]);
  });
});
