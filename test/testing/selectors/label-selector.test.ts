import { describe, expect, it } from "vitest";
import { matchesLabels, parseLabelSelector, SelectorParseError } from "../../../src/testing/selectors/label-selector.js";

const match = (sel: string, labels: Record<string, string>): boolean => matchesLabels(parseLabelSelector(sel), labels);

describe("label selectors", () => {
  it("matches equality, == and != (which also matches a missing label)", () => {
    expect(match("app=web", { app: "web" })).toBe(true);
    expect(match("app==web", { app: "web" })).toBe(true);
    expect(match("app=web", { app: "db" })).toBe(false);
    expect(match("app=web", {})).toBe(false);
    expect(match("app!=web", { app: "db" })).toBe(true);
    expect(match("app!=web", {})).toBe(true);
    expect(match("app!=web", { app: "web" })).toBe(false);
  });

  it("matches in and notin sets", () => {
    expect(match("env in (prod, stage)", { env: "stage" })).toBe(true);
    expect(match("env in (prod,stage)", { env: "dev" })).toBe(false);
    expect(match("env in (prod)", {})).toBe(false);
    expect(match("env notin (prod,stage)", { env: "dev" })).toBe(true);
    expect(match("env notin (prod)", {})).toBe(true);
    expect(match("env notin (prod)", { env: "prod" })).toBe(false);
  });

  it("matches exists, !exists, gt and lt", () => {
    expect(match("legacy", { legacy: "" })).toBe(true);
    expect(match("legacy", {})).toBe(false);
    expect(match("!legacy", {})).toBe(true);
    expect(match("!legacy", { legacy: "x" })).toBe(false);
    expect(match("rank>3", { rank: "4" })).toBe(true);
    expect(match("rank>3", { rank: "3" })).toBe(false);
    expect(match("rank<3", { rank: "2" })).toBe(true);
    expect(match("rank<3", { rank: "x" })).toBe(false);
  });

  it("requires every requirement, and splits on commas outside parentheses", () => {
    const sel = parseLabelSelector("app=web, env in (a,b), !legacy");
    expect(sel).toHaveLength(3);
    expect(matchesLabels(sel, { app: "web", env: "b" })).toBe(true);
    expect(matchesLabels(sel, { app: "web", env: "b", legacy: "1" })).toBe(false);
  });

  it("selects everything when empty, and takes a map of equalities", () => {
    expect(match("", { a: "b" })).toBe(true);
    expect(matchesLabels(parseLabelSelector(undefined), {})).toBe(true);
    const sel = parseLabelSelector({ tier: "web", app: "shop" });
    expect(sel.map((r) => r.key)).toEqual(["app", "tier"]);
    expect(matchesLabels(sel, { app: "shop", tier: "web" })).toBe(true);
  });

  it("rejects malformed selectors, saying what was expected", () => {
    expect(() => parseLabelSelector("app in ()")).toThrow(SelectorParseError);
    expect(() => parseLabelSelector("a=b c")).toThrow(/invalid label value/);
    expect(() => parseLabelSelector("rank>x")).toThrow(/must be an integer/);
    expect(() => parseLabelSelector("Bad Key=1")).toThrow(/unable to parse requirement/);
  });
});
