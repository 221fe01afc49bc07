import { createRequire } from "node:module";
import { describe, expect, it, vi } from "vitest";
import { DiagnosticList } from "../../../../src/diagnostics/index.js";
import { checkValidationRules, type RuleSite } from "../../../../src/generator/crd/cel/index.js";
import { LOCATION, scalerSpec } from "./schemas.js";

// The checker loads @bufbuild/cel with require on its first rule; spy on that module object.
const cel = createRequire(import.meta.url)("@bufbuild/cel") as typeof import("@bufbuild/cel");
const parse = vi.spyOn(cel, "parse");

describe("parsing", () => {
  it("parses each rule and each messageExpression exactly once", () => {
    const schema = scalerSpec();
    const sites: RuleSite[] = Array.from({ length: 50 }, (_, i) => ({
      rule: {
        rule: `self.minReplicas <= ${i} && self.metrics.all(m, m.name != '')`,
        ...(i % 2 === 0 ? { messageExpression: `'rule ${i}: ' + string(self.minReplicas)` } : {}),
      },
      schema,
      location: LOCATION,
    }));
    checkValidationRules(sites, new DiagnosticList());
    expect(parse).toHaveBeenCalledTimes(75);
  });
});
