import { describe, expect, it } from "vitest";
import { DiagnosticList } from "../../../../src/diagnostics/index.js";
import {
  checkRuleCosts,
  checkSchemaRules,
  estimateRuleCosts,
  sizeModel,
  type RuleCost,
} from "../../../../src/generator/crd/cel/index.js";
import type { JSONSchemaProps, ValidationRule } from "../../../../src/model/schema.js";
import { lines, LOCATION } from "./schemas.js";

/** A spec like the agreement corpus's (test/real/cel-corpus.ts), whose costs a real API server reported. */
function spec(): JSONSchemaProps {
  const bounded: JSONSchemaProps = { type: "string", maxLength: 63 };
  return {
    type: "object",
    properties: {
      replicas: { type: "integer" },
      name: { ...bounded },
      description: { type: "string" },
      tags: { type: "array", items: { type: "string" } },
      shortTags: { type: "array", maxItems: 10, items: { ...bounded } },
      labels: { type: "object", additionalProperties: { type: "string" } },
      items: {
        type: "array",
        items: { type: "object", required: ["name"], properties: { name: { ...bounded }, aliases: { type: "array", items: { type: "string" } } } },
      },
      fewItems: {
        type: "array",
        maxItems: 20,
        items: { type: "object", required: ["name"], properties: { name: { ...bounded }, aliases: { type: "array", maxItems: 5, items: { ...bounded } } } },
      },
    },
  };
}

function root(s: JSONSchemaProps = spec()): JSONSchemaProps {
  return { type: "object", properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec: s } };
}

/** The schema with `rules` on spec (or on the node `at` picks). */
function withRules(rules: readonly (string | ValidationRule)[], at: (spec: JSONSchemaProps) => JSONSchemaProps = (s) => s): JSONSchemaProps {
  const r = root();
  at(r.properties!["spec"]!)["x-kubernetes-validations"] = rules.map((x) => (typeof x === "string" ? { rule: x } : x));
  return r;
}

const costOf = (rule: string, at?: (spec: JSONSchemaProps) => JSONSchemaProps): RuleCost => estimateRuleCosts(withRules([rule], at))[0]!;

function budgetErrors(schema: JSONSchemaProps): string[] {
  const diagnostics = new DiagnosticList();
  checkSchemaRules(schema, "Widget v1", LOCATION, diagnostics);
  return lines(diagnostics.errors());
}

describe("the size model of schema nodes (the API server's DeclType bounds)", () => {
  it("bounds strings by maxLength in bytes, enums by their longest value, formats by their syntax", () => {
    expect(sizeModel({ type: "string", maxLength: 63 })?.maxElements).toBe(252);
    expect(sizeModel({ type: "string", enum: ["Auto", "Manual"] })?.maxElements).toBe(6);
    expect(sizeModel({ type: "string", format: "date-time" })?.maxElements).toBe(32);
    expect(sizeModel({ type: "string", format: "duration", maxLength: 5 })?.maxElements).toBe(32);
    expect(sizeModel({ type: "string", format: "byte", maxLength: 5 })?.maxElements).toBe(5);
    expect(sizeModel({ type: "string" })?.maxElements).toBe(3 * 1024 * 1024 - 2);
    expect(sizeModel({ "x-kubernetes-int-or-string": true, maxLength: 4 })?.maxElements).toBe(16);
  });

  it("bounds lists and maps by maxItems/maxProperties, else by how many of their smallest items fit in 3 MiB", () => {
    expect(sizeModel({ type: "array", maxItems: 7, items: { type: "string" } })?.maxElements).toBe(7);
    expect(sizeModel({ type: "array", items: { type: "string" } })?.maxElements).toBe(1_048_575); // "" and a comma
    expect(sizeModel({ type: "array", items: { type: "boolean" } })?.maxElements).toBe(629_145); // true and a comma
    expect(sizeModel({ type: "object", additionalProperties: { type: "string" } })?.maxElements).toBe(393_215);
    // an object's smallest form holds its required fields without defaults
    const item: JSONSchemaProps = { type: "object", required: ["name", "size"], properties: { name: { type: "string" }, size: { type: "integer", default: 1 } } };
    expect(sizeModel(item)?.minSerializedSize).toBe(2 + 4 + 2 + 4);
    expect(sizeModel({ type: "array", items: item })?.maxElements).toBe(241_978); // (3 MiB - 2) / 13
  });

  it("gives a resource root the API server's apiVersion, kind and metadata.name, unbounded", () => {
    const model = sizeModel(root(), true)!;
    expect(model.fields?.get("metadata")?.fields?.get("name")?.maxElements).toBe(3 * 1024 * 1024 - 2);
    expect(sizeModel({ type: "object", properties: { x: {} } })?.fields?.has("x")).toBe(false);
  });
});

describe("rule cost estimates, as the API server reports them", () => {
  // The numbers the API server gave (kube-apiserver 1.36.3, in the factor of its rejections):
  // see docs/cel-agreement.md, where test/real/cel-agreement.test.ts checks them again.
  it("an all() over an unbounded list of strings: 6,291,453 (16 of them: 1.006632 × 100 million)", () => {
    expect(costOf("self.tags.all(t, t.size() < 10)").total).toBe(6_291_453);
    const sixteen = Array.from({ length: 16 }, (_, i) => `self.tags.all(t, t.size() < ${i + 10})`);
    const total = estimateRuleCosts(withRules(sixteen)).reduce((s, c) => s + c.total, 0);
    expect((total / 100_000_000).toFixed(6)).toBe("1.006632");
  });

  it("membership in an unbounded list, nested in a bounded one: 1.048582 × 10 million", () => {
    expect((costOf("self.shortTags.exists(t, t in self.tags)").total / 10_000_000).toFixed(6)).toBe("1.048582");
  });

  it("string functions on unbounded strings: split 2.0×, contains 8.2×; startsWith costs only its prefix", () => {
    expect((costOf("self.description.split(',').all(x, x.size() < 3)").total / 10_000_000).toFixed(1)).toBe("2.0");
    expect((costOf("self.shortTags.all(t, t.contains(self.description))").total / 10_000_000).toFixed(1)).toBe("8.2");
    expect(costOf("self.description.startsWith('x')").total).toBeLessThan(10);
  });

  it("three nested iterations: 33.6 × the per-CRD 100 million", () => {
    const c = costOf("self.fewItems.all(i, i.aliases.all(a, self.tags.exists(t, t == a)))");
    expect((c.total / 100_000_000).toFixed(1)).toBe("33.6");
  });

  it("multiplies a rule below lists by their maxItems, or by the copies of its node a request can hold", () => {
    const bounded = costOf("self.aliases.all(a, a.size() < 64)", (s) => s.properties!["fewItems"]!.items!);
    expect(bounded).toMatchObject({ path: ".spec.fewItems[*]", cardinality: 20, estimated: false });
    expect(bounded.total).toBe(bounded.cost * 20);
    const unbounded = costOf("self.aliases.all(a, a.size() < 64)", (s) => s.properties!["items"]!.items!);
    expect(unbounded).toMatchObject({ path: ".spec.items[*]", cardinality: 241_979, estimated: true });
  });

  it("costs a messageExpression once, and a rule that does not compile nothing", () => {
    const costs = estimateRuleCosts(withRules([{ rule: "self.replicas >= 0", messageExpression: "'name ' + self.name" }, "self.nope > 0"]));
    expect(costs.map((c) => [c.expression, c.cardinality])).toEqual([
      ["rule", 1],
      ["messageExpression", 1],
    ]);
    expect(costs[1]!.total).toBeLessThan(100);
  });

  it("knows an unknown size stays unknown: a string from string() or an optional chain is as long as the estimate allows", () => {
    expect(costOf("self.?description.orValue('').matches('^a')").total).toBeGreaterThan(1e18);
    expect(costOf("self.?name.orValue('') != 'x'").total).toBeLessThan(10);
  });
});

describe("cost budget errors", () => {
  it("reports a rule over 10 million with its cost and the bounds that would lower it", () => {
    expect(budgetErrors(withRules(["self.tags.all(t, t.matches('^[a-z]+$'))"]))).toEqual([
      'error cel-cost-budget: XValidation rule "self.tags.all(t, t.matches(\'^[a-z]+$\'))": the API server estimates its cost at 659,710,961,253, more than 100 times its budget of 10,000,000 per rule, and rejects the CRD (add +kubebuilder:validation:MaxItems to the field self.tags; add +kubebuilder:validation:items:MaxLength to the list field self.tags, or simplify the rule)',
    ]);
  });

  it("explains the times a rule below an unbounded list runs", () => {
    const out = budgetErrors(withRules(["self.aliases.all(a, a.size() < 64)"], (s) => s.properties!["items"]!.items!));
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(
      "its cost at 6,291,453 per evaluation × 241,979 evaluations (the most copies of its node that fit in a request, below a list or map without maxItems/maxProperties) = 1,522,399,505,487",
    );
    expect(out[0]).toContain("and bound the list or map above the rule's field, or simplify the rule)");
  });

  it("reports a messageExpression over its budget", () => {
    const out = budgetErrors(withRules([{ rule: "self.replicas >= 0", messageExpression: "'replicas: ' + string(self.replicas)" }]));
    expect(out).toEqual([
      expect.stringContaining(
        'error cel-cost-budget: messageExpression "\'replicas: \' + string(self.replicas)" of XValidation rule "self.replicas >= 0": the API server estimates its cost at 1.8e18, more than 100 times its budget of 10,000,000 per messageExpression',
      ),
    ]);
  });

  it("reports rules that fit one by one but not together, naming the most expensive", () => {
    const rules = Array.from({ length: 16 }, (_, i) => `self.tags.all(t, t.size() < ${i + 10})`);
    expect(budgetErrors(withRules(rules.slice(0, 15)))).toEqual([]);
    const out = budgetErrors(withRules(rules));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^error cel-cost-budget: the CEL rules of Widget v1 together cost an estimated 100,663,248, 1\.006632 times the API server's budget of 100,000,000 per CRD version, and it rejects the CRD \(the most expensive: "self\.tags\.all\(t, t\.size\(\) < 10\)" at \.spec: 6,291,453; /,
    );
  });

  it("reports a rule once per marker, however many places hold it, at the marker", () => {
    const rule = { rule: "self.all(a, self.all(b, a == b))" };
    const list = (): JSONSchemaProps => ({ type: "array", items: { type: "string" }, "x-kubernetes-validations": [{ ...rule }] });
    const schema = root({ type: "object", properties: { a: list(), b: list() } });
    const marker = { file: "/project/api/v1/types.ts", line: 7, column: 4 };
    const diagnostics = new DiagnosticList();
    checkRuleCosts([{ schema, label: "Widget v1", location: LOCATION, locate: (r) => (r.rule === rule.rule ? marker : undefined) }], diagnostics);
    expect(diagnostics.errors().map((d) => d.location)).toEqual([marker]);
  });

  it("stays quiet for bounded rules", () => {
    expect(
      budgetErrors(
        withRules([
          "self.shortTags.all(t, t.matches('^[a-z]+$'))",
          "self.fewItems.all(i, i.aliases.all(a, a.matches('^[a-z]+$')))",
          "self.labels.all(k, k.startsWith('example.com/'))",
          "self.tags.all(t, t.size() < 10)",
        ]),
      ),
    ).toEqual([]);
  });
});
