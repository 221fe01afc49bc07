import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiagnosticList } from "../../src/diagnostics/index.js";
import { GENERATE_TARGETS, generateManifests, type GeneratedFile } from "../../src/generator/index.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/generate");
const scratch = mkdtempSync(join(tmpdir(), "kb-determinism-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(paths: string[]): GeneratedFile[] {
  const diagnostics = new DiagnosticList();
  const files = generateManifests(
    { paths, targets: GENERATE_TARGETS, crdDir: "/o/crd", rbacDir: "/o/rbac", webhookDir: "/o/webhook", roleName: "manager-role", kbVersion: "1.2.3" },
    diagnostics,
  );
  expect(diagnostics.errors()).toEqual([]);
  return files;
}

/** Copies a tree file by file in reverse name order, so directory order differs from the original. */
function copyReversed(from: string, to: string): void {
  for (const e of readdirSync(from, { withFileTypes: true }).reverse()) {
    if (e.isDirectory()) copyReversed(join(from, e.name), join(to, e.name));
    else cpSync(join(from, e.name), join(to, e.name));
  }
}

describe("deterministic output", () => {
  it("gives identical bytes twice, whatever the order of --paths and of files on disk", () => {
    const a = join(FIXTURES, "multigroup/input/api/ships");
    const b = join(FIXTURES, "multigroup/input/api/fleet");
    const c = join(FIXTURES, "rbac-merge/input");
    const d = join(FIXTURES, "webhook-order/input");
    const first = run([a, b, c, d]);
    expect(run([a, b, c, d])).toEqual(first);
    expect(run([d, c, b, a])).toEqual(first);
    const copy = join(scratch, "copy");
    copyReversed(join(FIXTURES, "multigroup/input"), copy);
    const fromCopy = run([join(copy, "api/fleet"), join(copy, "api/ships"), c, d]);
    expect(fromCopy.map((f) => f.content)).toEqual(first.map((f) => f.content));
    expect(first.length).toBe(4);
  });
});
