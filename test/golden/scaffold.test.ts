import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { expectGolden, goldenCases, listFiles, pinSourceDateEpoch, readCommands, readTree } from "../helpers/golden.js";
import { runKb, tempDir } from "../helpers/temp-project.js";

// Golden trees must not change with every release: scaffold as version 0.0.0-test.
vi.mock("../../src/cli/version.js", () => ({ kbVersion: () => "0.0.0-test" }));

const ROOT = join(import.meta.dirname, "../../fixtures/scaffold");

const cases = goldenCases(ROOT);

pinSourceDateEpoch();

/**
 * Golden projects: fixtures/scaffold/<case>/commands.txt lists kb commands; expected/ is the
 * whole tree they write (kb generate's manifests included), compared file by file.
 */
describe("kb scaffolding golden projects", () => {
  for (const name of cases) {
    it(name, async () => {
      const dir = tempDir(name);
      for (const argv of readCommands(join(ROOT, name, "commands.txt"))) {
        const r = await runKb(dir, ...argv);
        expect(r.code, `kb ${argv.join(" ")}\n${r.err}`).toBe(0);
      }
      expectGolden(join(ROOT, name, "expected"), readTree(dir));
    });
  }
});

/**
 * What kb formats must pass the project's own `npm run lint` (`prettier --check .`), which
 * picks each file's parser itself (TypeScript's for .ts, where kb uses babel-ts) and skips
 * what .prettierignore lists: checked here on every golden file with the full prettier.
 */
describe("golden projects pass prettier --check with prettier's own parser choice", () => {
  for (const name of cases) {
    it(name, async () => {
      const prettier = await import("prettier");
      const dir = join(ROOT, name, "expected");
      const options = JSON.parse(readFileSync(join(dir, ".prettierrc.json"), "utf8")) as import("prettier").Options;
      const unformatted: string[] = [];
      let checked = 0;
      for (const path of listFiles(dir)) {
        const file = join(dir, path);
        const info = await prettier.getFileInfo(file, { ignorePath: join(dir, ".prettierignore") });
        if (info.ignored || !info.inferredParser) continue;
        checked++;
        if (!(await prettier.check(readFileSync(file, "utf8"), { ...options, filepath: file }))) unformatted.push(path);
      }
      expect(unformatted).toEqual([]);
      expect(checked).toBeGreaterThan(40);
    });
  }
});
