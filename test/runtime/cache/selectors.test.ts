import { describe, expect, it } from "vitest";
import { parseFieldSelector, readField } from "../../../src/runtime/cache/field-selector.js";
import { parseLabelSelector } from "../../../src/runtime/cache/label-selector.js";

describe("parseLabelSelector", () => {
  const labels = { app: "web", env: "prod", "example.com/tier": "front", replicas: "3" };
  const cases: [string, boolean][] = [
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app = web , env=prod", true],
    ["app=db", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["env in (prod, staging)", true],
    ["env in (dev)", false],
    ["env notin (dev,test)", true],
    ["missing notin (a)", true],
    ["missing in (a)", false],
    ["example.com/tier", true],
    ["!example.com/tier", false],
    ["!missing", true],
    ["replicas>2", true],
    ["replicas<3", false],
    ["app>1", false],
    ["app=web,env=dev", false],
    ["app=", false],
  ];
  for (const [selector, expected] of cases) {
    it(`"${selector}" ${expected ? "matches" : "does not match"}`, () => {
      expect(parseLabelSelector(selector).matches(labels)).toBe(expected);
    });
  }

  it("reads an object as equality on every pair", () => {
    expect(parseLabelSelector({ app: "web", env: "prod" }).matches(labels)).toBe(true);
    expect(parseLabelSelector({ app: "web", env: "dev" }).matches(labels)).toBe(false);
    expect(parseLabelSelector({}).matches(undefined)).toBe(true);
  });

  it("matches an empty value and missing labels", () => {
    expect(parseLabelSelector("a=").matches({ a: "" })).toBe(true);
    expect(parseLabelSelector("a").matches(undefined)).toBe(false);
  });

  it("says what was expected and where", () => {
    expect(() => parseLabelSelector("app=web,")).toThrow('label selector "app=web,": expected a label key at column 9, found the end');
    expect(() => parseLabelSelector("app in prod")).toThrow(/expected "\(" at column/);
    expect(() => parseLabelSelector("app ~ x")).toThrow(/expected an operator/);
    expect(() => parseLabelSelector("n>x")).toThrow(/an integer after ">"/);
  });
});

describe("parseFieldSelector", () => {
  const pod = { metadata: { name: "web-1", namespace: "shop" }, spec: { nodeName: "n1", replicas: 2 }, status: { phase: "Running" } };

  it("matches =, == and != on dotted paths", () => {
    expect(parseFieldSelector("metadata.name=web-1").matches(pod)).toBe(true);
    expect(parseFieldSelector("metadata.name==web-1,status.phase!=Failed").matches(pod)).toBe(true);
    expect(parseFieldSelector("status.phase!=Running").matches(pod)).toBe(false);
    expect(parseFieldSelector("spec.replicas=2").matches(pod)).toBe(true);
    expect(parseFieldSelector("spec.missing=").matches(pod)).toBe(true);
    expect(parseFieldSelector("").matches(pod)).toBe(true);
    expect(parseFieldSelector(undefined).requirements).toEqual([]);
  });

  it("unescapes \\, \\= and \\\\", () => {
    expect(parseFieldSelector("a\\=b=c\\,d,e=f\\\\").requirements).toEqual([
      { field: "a=b", op: "=", value: "c,d" },
      { field: "e", op: "=", value: "f\\" },
    ]);
  });

  it("says what was expected", () => {
    expect(() => parseFieldSelector("metadata.name")).toThrow(/expected "field=value" or "field!=value", found "metadata.name"/);
    expect(() => parseFieldSelector("=x")).toThrow(/expected a field name/);
  });

  it("reads fields", () => {
    expect(readField(pod, ".metadata.name")).toBe("web-1");
    expect(readField(pod, "spec")).toBe(JSON.stringify(pod.spec));
    expect(readField(null, "a.b")).toBe("");
  });
});
