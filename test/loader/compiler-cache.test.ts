import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, tempDir } from "../helpers/temp-project.js";

const ROOT = join(import.meta.dirname, "../..");
const KB = join(ROOT, "bin/kb.js");
// Node 22.1 and later use Node's own compile cache instead (see src/loader/typescript.ts).
const NODE_HAS_COMPILE_CACHE = Number(process.versions.node.split(".")[0]) >= 22;

/** Runs `kb generate` in `project` as a user runs it, with `tmp` as the temporary directory; returns the CRDs it wrote. */
function generate(project: string, tmp: string): Map<string, string> {
  const r = spawnSync(process.execPath, [KB, "generate"], { cwd: project, env: { ...process.env, TMPDIR: tmp }, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const dir = join(project, "config/crd/bases");
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

function cacheFiles(tmp: string): string[] {
  const dir = readdirSync(tmp).find((d) => d.startsWith("kubebuilder-ts-"));
  if (!dir) return [];
  const cache = join(tmp, dir, "compile-cache");
  return readdirSync(cache).map((f) => join(cache, f));
}

describe.skipIf(!existsSync(join(ROOT, "dist/cli/main.js")) || NODE_HAS_COMPILE_CACHE)(
  "the TypeScript compiler's code cache (built kb on Node 20; skipped before npm run build or on Node 22)",
  () => {
    it("is written by the first kb generate, reused by the next, and rewritten when damaged, with the same manifests each time", () => {
      const tmp = tempDir("tmp");
      const project = copyFixture("cronjob-tutorial");

      const crds = generate(project, tmp);
      expect(crds.size).toBeGreaterThan(0);
      const [cache] = cacheFiles(tmp);
      expect(cache).toBeDefined();
      const first = statSync(cache!);
      expect(first.size).toBeGreaterThan(1_000_000);
      expect(first.mode & 0o077).toBe(0);

      expect(generate(project, tmp)).toEqual(crds);
      expect(statSync(cache!).mtimeMs).toBe(first.mtimeMs);

      writeFileSync(cache!, "not a code cache");
      expect(generate(project, tmp)).toEqual(crds);
      expect(statSync(cache!).size).toBeGreaterThan(1_000_000);
      expect(cacheFiles(tmp)).toEqual([cache]);
    });
  },
);
