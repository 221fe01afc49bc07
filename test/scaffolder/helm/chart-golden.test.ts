import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { expectGolden, goldenCases, listFiles, pinSourceDateEpoch, readCommands } from "../../helpers/golden.js";
import { runKb, tempDir } from "../../helpers/temp-project.js";
import { HELM, helm } from "./support.js";

// Golden charts must not change with every release: scaffold as version 0.0.0-test.
vi.mock("../../../src/cli/version.js", () => ({ kbVersion: () => "0.0.0-test" }));

const ROOT = join(import.meta.dirname, "../../../fixtures/helm");

const cases = goldenCases(ROOT);

pinSourceDateEpoch();

/**
 * Golden charts: fixtures/helm/<case>/commands.txt lists kb commands (kb edit
 * --plugins=helm/v2-alpha among them); expected/ holds the dist/chart they leave, with PROJECT,
 * .gitignore and the chart's workflow, file by file. Running the commands twice over gives the same files.
 */
describe("kb's Helm chart: golden charts", () => {
  for (const name of cases) {
    it(name, async () => {
      const dir = tempDir(name);
      for (const argv of readCommands(join(ROOT, name, "commands.txt"))) {
        const r = await runKb(dir, ...argv);
        expect(r.code, `kb ${argv.join(" ")}\n${r.err}`).toBe(0);
      }
      const chart = () => new Map([...listFiles(join(dir, "dist/chart")).map((p) => [`dist/chart/${p}`, readFileSync(join(dir, "dist/chart", p), "utf8")] as const), ...["PROJECT", ".gitignore", ".github/workflows/test-chart.yml"].map((p) => [p, readFileSync(join(dir, p), "utf8")] as const)]);
      const first = chart();
      expectGolden(join(ROOT, name, "expected"), first);
      // Deterministic: the chart written again from the same project is the same, byte for byte.
      const again = await runKb(dir, "edit", "--plugins=helm/v2-alpha");
      expect(again.code, again.err).toBe(0);
      expect(chart()).toEqual(first);
      // The project's own npm run lint (prettier --check .) passes on the workflow kb wrote.
      const prettier = await import("prettier");
      const workflow = join(dir, ".github/workflows/test-chart.yml");
      const options = JSON.parse(readFileSync(join(dir, ".prettierrc.json"), "utf8")) as import("prettier").Options;
      expect(await prettier.check(readFileSync(workflow, "utf8"), { ...options, filepath: workflow })).toBe(true);
    });
  }
});

describe.skipIf(!HELM)("golden charts pass helm lint (skipped without helm)", () => {
  for (const name of cases) {
    it(name, () => {
      expect(helm("lint", "--strict", join(ROOT, name, "expected", "dist", "chart"))).toContain("0 chart(s) failed");
    });
  }
});
