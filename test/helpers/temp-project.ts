import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { main } from "../../src/cli/main.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary copy of a golden case's input, removed after the test. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kb-test-"));
  made.push(dir);
  cpSync(join(import.meta.dirname, "../../fixtures/generate", name, "input"), dir, { recursive: true });
  return dir;
}

/** Runs `kb` in `cwd`, capturing its output. */
export async function runKb(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { cwd, out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** An empty temporary directory named `name` (a project's name comes from its directory), removed after the test. */
export function tempDir(name = "project"): string {
  const parent = mkdtempSync(join(tmpdir(), "kb-test-"));
  made.push(parent);
  const dir = join(parent, name);
  mkdirSync(dir);
  return dir;
}
