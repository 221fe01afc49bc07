import { describe, expect, it } from "vitest";
import { fieldValue, matchesFields, parseFieldSelector } from "../../../src/testing/selectors/field-selector.js";
import { SelectorParseError } from "../../../src/testing/selectors/label-selector.js";

const pod = { metadata: { name: "p", namespace: "ns" }, spec: { nodeName: "n1", replicas: 3, ready: true }, status: { phase: "Running" } };

describe("field selectors", () => {
  it("matches equality and inequality on dotted paths", () => {
    expect(matchesFields(parseFieldSelector("metadata.name=p"), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector("metadata.name==p,metadata.namespace=ns"), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector("status.phase!=Running"), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector("spec.nodeName!=n2"), pod)).toBe(true);
  });

  it("compares absent fields as empty strings and prints numbers and booleans", () => {
    expect(fieldValue(pod, "spec.missing")).toBe("");
    expect(matchesFields(parseFieldSelector("spec.missing="), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector("spec.replicas=3,spec.ready=true"), pod)).toBe(true);
  });

  it("unescapes \\, \\= and \\\\ in values", () => {
    const obj = { metadata: { name: "a,b=c\\d" } };
    expect(matchesFields(parseFieldSelector("metadata.name=a\\,b\\=c\\\\d"), obj)).toBe(true);
    expect(() => parseFieldSelector("metadata.name=a\\x")).toThrow(new SelectorParseError("invalid field selector: invalid escape sequence: \\x"));
  });

  it("rejects terms without an operator", () => {
    expect(() => parseFieldSelector("a=b,metadata.name")).toThrow(new SelectorParseError("invalid selector: 'a=b,metadata.name'; can't understand 'metadata.name'"));
    expect(parseFieldSelector(" ")).toEqual([]);
  });
});
