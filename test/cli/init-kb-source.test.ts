// kb init's kubebuilder-ts: vendored from a tarball (--kb-source), and what kb init says when
// its npm install fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withKbPackage } from "../../src/cli/kb-package-output.js";
import { installFailureHint } from "../../src/cli/npm-install.js";
import { runKb, tempDir } from "../helpers/temp-project.js";

/** An npm-style tarball of kubebuilder-ts@`version` in a folder beside `project`. */
function fakeTarball(project: string, version: string): string {
  const staging = join(project, "..", "staging", "package");
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "package.json"), JSON.stringify({ name: "kubebuilder-ts", version }));
  const file = join(project, "..", `kubebuilder-ts-${version}.tgz`);
  const r = spawnSync("tar", ["czf", file, "-C", join(staging, ".."), "package"], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return file;
}

describe("kb init --kb-source <tarball>", () => {
  it("copies the tarball into vendor/, depends on it, lets the image build copy it in, and says where it came from", async () => {
    const dir = tempDir("vendored-operator");
    const tarball = fakeTarball(dir, "9.9.9");
    const r = await runKb(dir, "init", "--domain", "example.com", "--skip-install", "--kb-source", tarball);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`kubebuilder-ts 9.9.9: from the tarball ${tarball}, as vendor/kubebuilder-ts-9.9.9.tgz`);
    expect(r.out).toMatch(/^created vendor\/kubebuilder-ts-9\.9\.9\.tgz$/m);
    expect(readFileSync(join(dir, "vendor", "kubebuilder-ts-9.9.9.tgz")).equals(readFileSync(tarball))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["kubebuilder-ts"]).toBe("file:vendor/kubebuilder-ts-9.9.9.tgz");
    expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toMatch(/^COPY vendor\/kubebuilder-ts-9\.9\.9\.tgz vendor\/kubebuilder-ts-9\.9\.9\.tgz$/m);
  });

  it("--dry-run writes no tarball; a different file already at its place is refused before anything is written", async () => {
    const dry = tempDir("dry-operator");
    const tarball = fakeTarball(dry, "9.9.9");
    const r = await runKb(dry, "init", "--domain", "example.com", "--dry-run", "--kb-source", tarball);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^would create vendor\/kubebuilder-ts-9\.9\.9\.tgz$/m);
    expect(existsSync(join(dry, "vendor"))).toBe(false);

    const taken = tempDir("taken-operator");
    mkdirSync(join(taken, "vendor"));
    writeFileSync(join(taken, "vendor", "kubebuilder-ts-9.9.9.tgz"), "someone else's");
    const refused = await runKb(taken, "init", "--domain", "example.com", "--skip-install", "--kb-source", fakeTarball(taken, "9.9.9"));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^error: vendor\/kubebuilder-ts-9\.9\.9\.tgz exists and is not the kubebuilder-ts 9\.9\.9 kb init would put there/m);
    expect(existsSync(join(taken, "PROJECT"))).toBe(false);
    expect(readFileSync(join(taken, "vendor", "kubebuilder-ts-9.9.9.tgz"), "utf8")).toBe("someone else's");
  });

  it("refuses a tarball that is not kubebuilder-ts, naming it", async () => {
    const dir = tempDir("wrong-operator");
    writeFileSync(join(dir, "..", "junk.tgz"), "junk");
    const r = await runKb(dir, "init", "--domain", "example.com", "--skip-install", "--kb-source", "../junk.tgz");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/junk\.tgz is not an npm package tarball/);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(join(dir, "PROJECT"))).toBe(false);
  });
});

describe("kb alpha generate --kb-source", () => {
  it("gives the re-scaffolded project this kb's kubebuilder-ts, vendored as kb init vendors it", async () => {
    const dir = tempDir("upgraded-operator");
    const old = fakeTarball(dir, "9.9.8");
    expect((await runKb(dir, "init", "--domain", "example.com", "--skip-install", "--kb-source", old)).code).toBe(0);
    const current = fakeTarball(join(dir, "..", "current", "x"), "9.9.9");

    const out = join(dir, "..", "upgraded");
    const r = await runKb(dir, "alpha", "generate", "--output-dir", out, "--kb-source", current);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^created .*vendor\/kubebuilder-ts-9\.9\.9\.tgz$/m);
    expect(readFileSync(join(out, "vendor", "kubebuilder-ts-9.9.9.tgz")).equals(readFileSync(current))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["kubebuilder-ts"]).toBe("file:vendor/kubebuilder-ts-9.9.9.tgz");
    expect(readFileSync(join(out, "Dockerfile"), "utf8")).toMatch(/^COPY vendor\/kubebuilder-ts-9\.9\.9\.tgz vendor\/kubebuilder-ts-9\.9\.9\.tgz$/m);

    // In place, --force: the new version's tarball joins the old one, which the project no longer names.
    const inPlace = await runKb(dir, "alpha", "generate", "--force", "--kb-source", current);
    expect(inPlace.code, inPlace.err).toBe(0);
    const updated = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(updated.dependencies["kubebuilder-ts"]).toBe("file:vendor/kubebuilder-ts-9.9.9.tgz");
    expect(existsSync(join(dir, "vendor", "kubebuilder-ts-9.9.9.tgz"))).toBe(true);
  });
});

describe("the vendored tarball when writing the project fails", () => {
  const io = (cwd: string) => ({ cwd, out: () => undefined, err: () => undefined });
  const chosen = (path: string) => ({ detected: { source: { kind: "tarball" as const, path }, why: "test" }, kbPackage: { kind: "vendored" as const, version: "9.9.9", file: "vendor/kubebuilder-ts-9.9.9.tgz" } });

  it("is taken away again, its folder too, when it was new", async () => {
    const dir = tempDir("failing-operator");
    const code = await withKbPackage(io(dir), dir, chosen(fakeTarball(dir, "9.9.9")), { dryRun: false, replace: false, command: "kb init" }, () => Promise.resolve(2));
    expect(code).toBe(2);
    expect(existsSync(join(dir, "vendor"))).toBe(false);
  });

  it("is put back as it was when it replaced another (--force)", async () => {
    const dir = tempDir("failing-forced-operator");
    mkdirSync(join(dir, "vendor"));
    writeFileSync(join(dir, "vendor", "kubebuilder-ts-9.9.9.tgz"), "the one before");
    const failing = withKbPackage(io(dir), dir, chosen(fakeTarball(dir, "9.9.9")), { dryRun: false, replace: true, command: "kb alpha generate" }, () => Promise.reject(new Error("disk full")));
    await expect(failing).rejects.toThrow("disk full");
    expect(readFileSync(join(dir, "vendor", "kubebuilder-ts-9.9.9.tgz"), "utf8")).toBe("the one before");
  });
});

describe("kb init when npm install fails", () => {
  it("with the registry unreachable: exits non-zero, keeps the files, and says the command to run again (or offline)", async () => {
    const dir = tempDir("offline-operator");
    const saved = { ...process.env };
    // Port 9 (discard) on loopback: nothing listens, so npm's requests are refused at once.
    Object.assign(process.env, {
      npm_config_registry: "http://127.0.0.1:9/",
      npm_config_cache: join(dir, "..", "npm-cache"),
      npm_config_fetch_retries: "0",
      npm_config_update_notifier: "false",
    });
    let r;
    try {
      r = await runKb(dir, "init", "--domain", "example.com", "--kb-source", "registry");
    } finally {
      process.env = saved;
    }
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^running npm install$/m);
    expect(r.err).toMatch(/^error: npm install failed \(exit code \d+\): the npm registry could not be reached\. The project is written: once it can be, run `npm install` \(or `npm install --offline`/m);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    for (const file of ["PROJECT", "package.json", "src/main.ts", "Dockerfile"]) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(r.out).not.toContain("next: kb create api");
  }, 120_000);

  it("says what to do for a package the registry does not have, kubebuilder-ts above all", () => {
    const notHere = (pkg: string) => `npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/${pkg} - Not found\nnpm error 404\nnpm error 404  '${pkg}@^0.1.0' is not in this registry.\n`;
    expect(installFailureHint(notHere("kubebuilder-ts"), "cronjob-operator")).toMatch(/^kubebuilder-ts is not on the npm registry\..*kb init --kb-source <kubebuilder-ts \.tgz or checkout>/);
    expect(installFailureHint(notHere("@acme/thing"), "cronjob-operator")).toBe(
      "the npm registry has no package @acme/thing. The project is written: check the registry npm uses (npm config get registry), then run `cd cronjob-operator && npm install`",
    );
    expect(installFailureHint("npm error code EAI_AGAIN\nnpm error request to https://registry.npmjs.org/x failed, reason: getaddrinfo EAI_AGAIN", ".")).toMatch(/could not be reached.*run `npm install` \(or `npm install --offline`/);
    expect(installFailureHint("npm error code ERESOLVE", ".")).toBe("the project is written: fix the problem above, then run `npm install`");
  });
});
