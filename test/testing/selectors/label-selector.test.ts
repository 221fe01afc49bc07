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

  it("rejects malformed selectors with the API server's messages", () => {
    expect(() => parseLabelSelector("a in (b")).toThrow(new SelectorParseError("unable to parse requirement: found '', expected: ',' or ')'"));
    expect(() => parseLabelSelector("a=b c")).toThrow(new SelectorParseError("found 'c', expected: ',' or 'end of string'"));
    expect(() => parseLabelSelector("a=b=c")).toThrow(new SelectorParseError("found '=', expected: ',' or 'end of string'"));
    expect(() => parseLabelSelector("a=b,")).toThrow(new SelectorParseError("found '', expected: identifier after ','"));
    expect(() => parseLabelSelector("rank>x")).toThrow(
      new SelectorParseError(`unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`),
    );
    expect(() => parseLabelSelector("a=-x-")).toThrow(/^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-x-": a valid label must be an empty string/);
    expect(() => parseLabelSelector("-x")).toThrow(
      new SelectorParseError(
        `unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      ),
    );
  });

  it("reads an empty set as the empty value, as the API server does", () => {
    expect(matchesLabels(parseLabelSelector("app in ()"), { app: "" })).toBe(true);
    expect(matchesLabels(parseLabelSelector("app in ()"), { app: "x" })).toBe(false);
    expect(matchesLabels(parseLabelSelector("app notin (a,,b)"), { app: "" })).toBe(false);
  });
});
