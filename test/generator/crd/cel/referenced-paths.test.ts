import { describe, expect, it } from "vitest";
import { referencedSelfPaths } from "../../../../src/generator/crd/cel/index.js";
import { scalerSpec } from "./schemas.js";

describe("referencedSelfPaths", () => {
  it("lists the self paths a rule reads, without schema", () => {
    expect(
      referencedSelfPaths(
        "self.minReplicas <= self.maxReplicas && self.metrics.all(m, m.name != '' && has(m.selector)) && oldSelf.x == 1",
      ),
    ).toEqual(["self.maxReplicas", "self.metrics[*].name", "self.metrics[*].selector", "self.minReplicas"]);
  });

  it("follows escapes, optionals, indexes and map values with a schema, in JSON names", () => {
    expect(
      referencedSelfPaths(
        "self.node__dash__selector != '' && self.?targetRef.?name.orValue('') != '' && self.metrics[0].selector['app'] != ''",
        scalerSpec(),
      ),
    ).toEqual(["self.metrics[*].selector[*]", "self.node-selector", "self.targetRef.name"]);
  });

  it("gives nothing for a rule that does not parse", () => {
    expect(referencedSelfPaths("self.a <")).toEqual([]);
  });
});
