import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../../src/model/schema.js";
import { check, lines, scalerSpec } from "./schemas.js";

const warningsOf = (rules: string[], schema: JSONSchemaProps = scalerSpec()) =>
  lines(check(schema, rules).filter((d) => d.severity === "warning"));

const TAIL = "the API server estimates the rule's cost from that bound and may reject the CRD as too expensive";

describe("CEL cost warnings", () => {
  it("warns when a macro iterates a list without maxItems, naming the field and the marker", () => {
    expect(warningsOf(["self.tags.all(t, t != '')"])).toEqual([
      `warning cel-cost: XValidation rule "self.tags.all(t, t != '')": all() iterates over self.tags, which has no maxItems: ${TAIL} (at column 10) (add +kubebuilder:validation:MaxItems to the field self.tags)`,
    ]);
    for (const rule of [
      "self.tags.exists(t, t == 'a')",
      "self.tags.exists_one(t, t == 'a')",
      "self.tags.map(t, t + 'x').size() > 0",
      "self.tags.filter(t, t != '').size() > 0",
      "self.tags.all(i, t, i >= 0)",
      "self.tags.sortBy(t, t).size() > 0",
    ]) {
      expect(warningsOf([rule]), rule).toHaveLength(1);
      expect(warningsOf([rule])[0]).toContain("iterates over self.tags, which has no maxItems");
    }
  });

  it("warns when a macro iterates a map without maxProperties", () => {
    const out = warningsOf(["self.annotations.all(k, k.startsWith('example.com/'))"]);
    expect(out).toEqual([
      `warning cel-cost: XValidation rule "self.annotations.all(k, k.startsWith('example.com/'))": all() iterates over self.annotations, which has no maxProperties: ${TAIL} (at column 17) (add +kubebuilder:validation:MaxProperties to the field self.annotations)`,
    ]);
  });

  it("warns when a string function runs on a string without maxLength", () => {
    expect(warningsOf(["self.description.matches('^[a-z ]*$')"])).toEqual([
      `warning cel-cost: XValidation rule "self.description.matches('^[a-z ]*$')": matches() on self.description, which has no maxLength: ${TAIL} (at column 17) (add +kubebuilder:validation:MaxLength to the field self.description)`,
    ]);
    expect(warningsOf(["matches(self.description, '^a')"])[0]).toContain(
      "matches() on self.description, which has no maxLength",
    );
    for (const fn of [
      "contains('x')",
      "indexOf('x') >= 0",
      "lowerAscii() == 'a'",
      "split(',').size() < 3",
      "replace('a', 'b') != ''",
      "find('[0-9]+') != ''",
    ]) {
      const out = warningsOf([`self.description.${fn}`]);
      expect(out, fn).toHaveLength(1);
      expect(out[0]).toContain("which has no maxLength");
    }
  });

  it("names items and map values, and suggests the items: marker for list items", () => {
    const out = warningsOf([
      "self.tags.all(t, t.matches('^[a-z]+$'))",
      "self.annotations.all(k, self.annotations[k].contains('x'))",
    ]);
    expect(out).toContain(
      `warning cel-cost: XValidation rule "self.tags.all(t, t.matches('^[a-z]+$'))": matches() on self.tags[*], which has no maxLength: ${TAIL} (at column 19) (add +kubebuilder:validation:items:MaxLength to the list field self.tags)`,
    );
    expect(
      out.some(
        (l) =>
          l.includes("contains() on self.annotations[*], which has no maxLength") &&
          l.includes("to the value type of the map self.annotations"),
      ),
    ).toBe(true);
  });

  it("says where the marker goes when the rule is on the unbounded node itself", () => {
    const tags = scalerSpec().properties!["tags"]!;
    expect(warningsOf(["self.all(t, t.size() < 64)"], tags)[0]).toContain(
      "all() iterates over self, which has no maxItems",
    );
    expect(warningsOf(["self.all(t, t.size() < 64)"], tags)[0]).toContain(
      "(add +kubebuilder:validation:MaxItems next to this rule's marker)",
    );
  });

  it("stays quiet for bounded values, enums, cheap functions and server-added fields", () => {
    expect(
      warningsOf([
        "self.metrics.all(m, m.name.matches('^[a-z]+$') && m.selector.all(k, k.size() < 64))",
        "self.mode.matches('^A')",
        "self.description.size() < 100 && self.description.startsWith('x') && self.description == 'y'",
        "self.tags.size() < 10 && 'a' in self.tags",
        "self.schedule.split(' ').all(f, f != '')",
      ]),
    ).toEqual([]);
    const root: JSONSchemaProps = {
      type: "object",
      properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" } },
    };
    expect(warningsOf(["self.metadata.name.matches('^a') && self.kind.lowerAscii() == 'x'"], root)).toEqual([]);
  });

  it("reports one warning per field and bound in a rule, with oldSelf counted as self", () => {
    const out = warningsOf([
      "self.tags.all(t, t != '') && oldSelf.tags.all(t, t != '') && self.tags.exists(t, t == 'a')",
    ]);
    expect(out).toHaveLength(1);
  });
});
