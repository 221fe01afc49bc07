// kb create runs kb generate as the project's `npm run manifests` does: with the flags of its
// manifests script, so scaffolding does not undo them.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { DEFAULT_GENERATE_FLAGS } from "../../src/cli/generate-command.js";
import { projectGenerate } from "../../src/cli/project-generate-flags.js";
import { fuzzParams } from "../helpers/fuzz.js";
import { runKb, tempDir } from "../helpers/temp-project.js";

function setManifestsScript(dir: string, script: string): void {
  const path = join(dir, "package.json");
  const pkg = JSON.parse(readFileSync(path, "utf8")) as { scripts: Record<string, string> };
  pkg.scripts.manifests = script;
  writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`);
}

function captureIo(cwd: string) {
  let out = "";
  let err = "";
  return { io: { cwd, out: (t: string) => void (out += t), err: (t: string) => void (err += t) }, output: () => ({ out, err }) };
}

describe("kb create runs kb generate with the flags of the project's manifests script", () => {
  it("keeps --max-desc-len and --generate-embedded-object-meta of `npm run manifests` in force", async () => {
    const dir = tempDir("flags-operator");
    expect((await runKb(dir, "init", "--domain", "example.com", "--skip-install", "--kb-source", "registry")).code).toBe(0);
    setManifestsScript(dir, "kb generate --max-desc-len 0 --generate-embedded-object-meta");
    const r = await runKb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("running kb generate --max-desc-len 0 --generate-embedded-object-meta (package.json's manifests script)\n");
    const crd = readFileSync(join(dir, "config/crd/bases/batch.example.com_cronjobs.yaml"), "utf8");
    expect(crd).not.toContain("description:");
    // What the script's own run writes is what kb create wrote.
    expect((await runKb(dir, "generate", "--check", "--max-desc-len", "0", "--generate-embedded-object-meta")).code).toBe(0);
  });

  it("a plain `kb generate` script, or none, gives the defaults", async () => {
    const dir = tempDir("plain");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { manifests: "kb generate" } }));
    const plain = captureIo(dir);
    expect(await projectGenerate(plain.io, dir)).toEqual({ target: "all", flags: DEFAULT_GENERATE_FLAGS });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { build: "tsc" } }));
    expect(await projectGenerate(plain.io, dir)).toEqual({ target: "all", flags: DEFAULT_GENERATE_FLAGS });
    expect(plain.output()).toEqual({ out: "", err: "" });
  });

  it("takes the target and output folders, and leaves out --check", async () => {
    const dir = tempDir("target");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { manifests: "kb generate crd --crd-dir deploy/crds --check" } }));
    const { io } = captureIo(dir);
    const got = await projectGenerate(io, dir);
    expect(got.target).toBe("crd");
    expect(got.flags.crdDir).toBe("deploy/crds");
    expect(got.flags.check).toBeUndefined();
  });

  it("does not guess at a script that is more than one command, or has flags kb generate does not take: defaults, and a warning naming it", async () => {
    const dir = tempDir("guess");
    for (const [script, why] of [
      ["kb generate && kubectl kustomize config/default > out.yaml", /is more than one plain kb generate command/],
      ["kb generate --max-desc-len=$LEN", /is more than one plain kb generate command/],
      ["kb generate --no-such-flag", /has flags kb generate does not take \(unknown option '--no-such-flag'\)/],
      ["kb generate --max-desc-len -3", /has flags kb generate does not take/],
    ] as const) {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { manifests: script } }));
      const { io, output } = captureIo(dir);
      expect(await projectGenerate(io, dir), script).toEqual({ target: "all", flags: DEFAULT_GENERATE_FLAGS });
      expect(output().err, script).toMatch(why);
      expect(output().err, script).toContain(JSON.stringify(script));
    }
  });

  it("never throws, whatever the script: defaults (with a warning) or the flags it gives", async () => {
    const dir = tempDir("fuzz");
    const words = fc.constantFrom("kb", "generate", "crd", "rbac", "--check", "--paths", "api", "--crd-dir", "--max-desc-len", "0", "-1", "--role-name", "x", "&&", "'", "--embedded-openapi", "--generate-embedded-object-meta", "--help", "-h", "--version", "");
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.array(words, { maxLength: 8 }).map((w) => ["kb", "generate", ...w].join(" "))), async (script) => {
        writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { manifests: script } }));
        const { io } = captureIo(dir);
        const got = await projectGenerate(io, dir);
        expect(got.flags.check).toBeUndefined();
        expect(typeof got.flags.crdDir).toBe("string");
      }),
      fuzzParams(200),
    );
  });
});
