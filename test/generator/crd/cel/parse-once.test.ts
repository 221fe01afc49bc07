import * as cel from "@bufbuild/cel";
import { describe, expect, it, vi } from "vitest";
import { DiagnosticList } from "../../../../src/diagnostics/index.js";
import { checkValidationRules, type RuleSite } from "../../../../src/generator/crd/cel/index.js";
import { LOCATION, scalerSpec } from "./schemas.js";

vi.mock("@bufbuild/cel", async (importOriginal) => {
  const actual = await importOriginal<typeof cel>();
  return { ...actual, parse: vi.fn(actual.parse) };
});

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
    expect(vi.mocked(cel.parse)).toHaveBeenCalledTimes(75);
  });
});
