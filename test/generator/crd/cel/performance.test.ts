import { describe, expect, it } from "vitest";
import { DiagnosticList } from "../../../../src/diagnostics/index.js";
import { checkValidationRules, type RuleSite } from "../../../../src/generator/crd/cel/index.js";
import type { JSONSchemaProps } from "../../../../src/model/schema.js";
import { LOCATION, scalerSpec } from "./schemas.js";
import { cpuTimed } from "../../../helpers/cpu-time.js";

/** A wide schema: 300 properties plus the scaler spec's, so field lookups must not be linear walks. */
function wideSchema(): JSONSchemaProps {
  const spec = scalerSpec();
  for (let i = 0; i < 300; i++) spec.properties![`field${i}`] = { type: "integer" };
  return spec;
}

describe("checking many rules", () => {
  it("checks 1,000 rules quickly, parsing each once", () => {
    const schema = wideSchema();
    const sites: RuleSite[] = [];
    for (let i = 0; i < 1000; i++) {
      const rule =
        i % 4 === 0
          ? `self.field${i % 300} <= self.maxReplicas && self.metrics.all(m, m.name.startsWith('m${i}') && m.selector.all(k, k != ''))`
          : i % 4 === 1
            ? `self.?targetRef.?name.orValue('') != 'n${i}' || self.metrics.exists(m, has(m.target) && m.name == 'x')`
            : i % 4 === 2
              ? `self.field${(i * 7) % 300} == oldSelf.field${(i * 7) % 300} && self.node__dash__selector.size() < ${i}`
              : `self.fieldd${i % 300} > 0`; // a typo: exercises did-you-mean over 300+ names
      sites.push({ rule: { rule, message: `rule ${i}` }, schema, location: { ...LOCATION, line: i + 1 } });
    }
    const diagnostics = new DiagnosticList();
    const elapsed = cpuTimed(() => checkValidationRules(sites, diagnostics)).ms;
    expect(diagnostics.errors()).toHaveLength(250);
    expect(diagnostics.warnings()).toHaveLength(0);
    // typically well under a second; generous for slow CI machines
    expect(elapsed).toBeLessThan(5000);
  });

  it("does not grow quadratically with the number of rules", () => {
    const schema = wideSchema();
    const run = (n: number) => {
      const sites: RuleSite[] = Array.from({ length: n }, (_, i) => ({
        rule: { rule: `self.field${i % 300} >= 0 && self.metrics.all(m, m.name != 'r${i}')` },
        schema,
        location: LOCATION,
      }));
      return cpuTimed(() => checkValidationRules(sites, new DiagnosticList())).ms;
    };
    run(200); // warm up the parser
    // CPU time, the fastest of three interleaved runs of each: garbage collection only ever
    // adds time, so the minimum is the closest to the work itself.
    const runs = [0, 1, 2].map(() => [run(250), run(1000)] as const);
    const small = Math.min(...runs.map((r) => r[0]));
    const large = Math.min(...runs.map((r) => r[1]));
    // 4x the rules should cost about 4x the time; 16x would mean a quadratic walk
    expect(large).toBeLessThan(Math.max(small, 5) * 10);
  });
});
