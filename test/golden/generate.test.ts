import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "vitest";
import { DiagnosticList, formatDiagnostic } from "../../src/diagnostics/index.js";
import { GENERATE_TARGETS, generateManifests } from "../../src/generator/index.js";
import { expectGolden } from "../helpers/golden.js";

const ROOT = join(import.meta.dirname, "../../fixtures/generate");
const OUT = "/kb-out";

/**
 * Golden cases: fixtures/generate/<case>/input holds API types and controllers,
 * expected/ holds what kb generate writes (crd/, rbac/, webhook/) and, for bad input,
 * errors.txt; warnings.txt holds warnings when there are any.
 */
export function runCase(caseDir: string): Map<string, string> {
  const diagnostics = new DiagnosticList();
  const files = generateManifests(
    {
      paths: [join(caseDir, "input")],
      targets: GENERATE_TARGETS,
      crdDir: `${OUT}/crd`,
      rbacDir: `${OUT}/rbac`,
      webhookDir: `${OUT}/webhook`,
      roleName: "manager-role",
      kbVersion: "0.0.0-test",
    },
    diagnostics,
  );
  const out = new Map<string, string>();
  const errors = diagnostics.errors();
  const warnings = diagnostics.warnings();
  const format = (d: Parameters<typeof formatDiagnostic>[0]) => `${formatDiagnostic(d, join(caseDir, "input"))}\n`;
  if (errors.length > 0) out.set("errors.txt", errors.map(format).join(""));
  else for (const f of files) out.set(relative(OUT, f.path), f.content);
  if (warnings.length > 0) out.set("warnings.txt", warnings.map(format).join(""));
  return out;
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("kb generate golden cases", () => {
  for (const name of cases) {
    it(name, () => {
      const dir = join(ROOT, name);
      expectGolden(join(dir, "expected"), runCase(dir));
    });
  }
});
