import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_GENERATE_FLAGS, runGenerate } from "../../src/cli/generate-command.js";
import { copyFixture, runKb } from "../helpers/temp-project.js";

const TYPES = "api/v1/cronjob-types.ts";

/** Every file under `dir`, relative, sorted. */
function listing(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

describe("kb generate: output it cannot write is exit 2, with the path, and nothing is written", () => {
  it("--crd-dir naming a file", async () => {
    const dir = copyFixture("cronjob-tutorial");
    writeFileSync(join(dir, "crds"), "a file\n");
    const before = listing(dir);
    const r = await runKb(dir, "generate", "--crd-dir", "crds");
    expect(r.code).toBe(2);
    expect(r.err).toContain("error: crds: is a file, not a directory\n1 error; nothing was written\n");
    expect(listing(dir)).toEqual(before);
  });

  it("role.yaml being a directory", async () => {
    const dir = copyFixture("cronjob-tutorial");
    mkdirSync(join(dir, "config/rbac/role.yaml"), { recursive: true });
    const r = await runKb(dir, "generate");
    expect(r.code).toBe(2);
    expect(r.err).toContain("error: config/rbac/role.yaml: is a directory; kb writes a file there\n1 error; nothing was written\n");
    expect(existsSync(join(dir, "config/crd"))).toBe(false);
    // --check compares, and needs to read it: the same answer
    const check = await runKb(dir, "generate", "--check");
    expect(check.code).toBe(2);
    expect(check.err).toContain("config/rbac/role.yaml: is a directory");
  });

  it.skipIf(process.getuid?.() === 0)("a read-only output directory", async () => {
    const dir = copyFixture("cronjob-tutorial");
    mkdirSync(join(dir, "config/crd/bases"), { recursive: true });
    chmodSync(join(dir, "config/crd/bases"), 0o555);
    const r = await runKb(dir, "generate");
    expect(r.code).toBe(2);
    expect(r.err).toContain("error: config/crd/bases: is not writable: permission denied\n");
    expect(existsSync(join(dir, "config/rbac"))).toBe(false);
  });
});

describe("kb generate: names that would become paths outside the output directories", () => {
  it("+groupName=../../x is an invalid group at the marker, and nothing lands outside --crd-dir", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const gv = join(dir, "api/v1/groupversion-info.ts");
    writeFileSync(gv, readFileSync(gv, "utf8").replace(/\+groupName=\S+/, "+groupName=../../x"));
    const before = listing(dir);
    const r = await runKb(dir, "generate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^api\/v1\/groupversion-info\.ts:\d+:\d+: error: \+groupName "\.\.\/\.\.\/x" is not a valid API group: it must be a DNS-1123 subdomain/m);
    expect(listing(dir)).toEqual(before);
  });

  it("+kubebuilder:resource:path=../../x is an invalid plural at the marker", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const types = join(dir, TYPES);
    writeFileSync(types, readFileSync(types, "utf8").replace("// +kubebuilder:object:root=true\n// +kubebuilder:subresource:status", "// +kubebuilder:object:root=true\n// +kubebuilder:subresource:status\n// +kubebuilder:resource:path=../../x"));
    const r = await runKb(dir, "generate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^api\/v1\/cronjob-types\.ts:\d+:\d+: error: plural "\.\.\/\.\.\/x" of kind CronJob is not valid: it must be a DNS-1035 label/m);
    expect(existsSync(join(dir, "config"))).toBe(false);
  });

  it("--role-name must be a name the API server takes", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const r = await runKb(dir, "generate", "rbac", "--role-name", "../x");
    expect(r.code).toBe(2);
    expect(r.err).toContain("argument '../x' is invalid. it may not contain '/' or '%'");
    expect(existsSync(join(dir, "config"))).toBe(false);
  });

  it("two kinds that map to one CRD file are an error naming both", async () => {
    const dir = copyFixture("cronjob-tutorial");
    writeFileSync(
      join(dir, "api/v1/other-types.ts"),
      "// +kubebuilder:object:root=true\n// +kubebuilder:resource:path=cronjobs\nexport interface Other {\n  apiVersion?: string;\n  kind?: string;\n  spec?: { a?: string };\n}\n",
    );
    const r = await runKb(dir, "generate", "crd");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^api\/v1\/other-types\.ts:3:18: error: kinds CronJob and Other both make the CRD cronjobs\.batch\.tutorial\.kubebuilder\.io \(plural "cronjobs" in group batch\.tutorial\.kubebuilder\.io\) \(CronJob is at .*api\/v1\/cronjob-types\.ts:\d+:\d+; give one of them another plural with \+kubebuilder:resource:path\)$/m,
    );
  });
});

describe("kb generate: markers that would be ignored", () => {
  it("+kubebuilder:printcolumn and +kubebuilder:subresource:status on a type that is not a kind", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const types = join(dir, TYPES);
    writeFileSync(
      types,
      readFileSync(types, "utf8").replace(
        "export interface CronJobSpec",
        '// +kubebuilder:subresource:status\n// +kubebuilder:printcolumn:name="X",type=string,JSONPath=".spec.x"\nexport interface CronJobSpec',
      ),
    );
    const r = await runKb(dir, "generate", "crd");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^api\/v1\/cronjob-types\.ts:\d+:4: error: \+kubebuilder:subresource:status applies to kinds only: CronJobSpec is not a kind \(a kind is marked \+kubebuilder:object:root=true\)$/m);
    expect(r.err).toMatch(/^api\/v1\/cronjob-types\.ts:\d+:4: error: \+kubebuilder:printcolumn applies to kinds only: CronJobSpec is not a kind/m);
  });
});

describe("kb generate: diagnostics print source text safely", () => {
  it("escapes terminal control sequences in a marker", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const types = join(dir, TYPES);
    writeFileSync(types, readFileSync(types, "utf8").replace("// +kubebuilder:validation:MinLength=0", "// +kubebuilder:validation:MinLength\u001b]0;pwned\u0007\u001b[2J=0"));
    const r = await runKb(dir, "generate");
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.err).toContain("\\x1b]0;pwned\\x07\\x1b[2J");
  });

  it("escapes them in flag errors too", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const r = await runKb(dir, "generate", "\u001b]0;pwned\u0007");
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.err).toContain("\\x1b]0;pwned\\x07");
  });
});

describe("kb generate: bad sources are exit 2 with the location, never an internal error", () => {
  const cases: [string, (dir: string) => void, RegExp][] = [
    ["an unclosed brace", (dir) => writeFileSync(join(dir, TYPES), readFileSync(join(dir, TYPES), "utf8").replace("export interface CronJobSpec {", "export interface CronJobSpec {{")), /^api\/v1\/cronjob-types\.ts:\d+:\d+: error: syntax error: /m],
    ["a binary file", (dir) => writeFileSync(join(dir, "src/blob.ts"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])), /^src\/blob\.ts:1:5: error: the file holds a NUL byte/m],
    ["a dangling symbolic link", (dir) => symlinkSync(join(dir, "gone.ts"), join(dir, "api/v1/gone.ts")), /^api\/v1\/gone\.ts: error: cannot read: dangling symbolic link/m],
    ["5000 nested inline types", (dir) => writeFileSync(join(dir, "api/v1/deep-types.ts"), `export interface Deep { a?: ${"{ a?: ".repeat(5000)}string${" }".repeat(5000)} }\n`), /^api\/v1\/deep-types\.ts:1:\d+: error: brackets nest deeper than 200 levels/m],
    ["a default nested 5000 levels", (dir) => writeFileSync(join(dir, "api/v1/deep-types.ts"), `export interface Deep {\n  // +kubebuilder:default=${"{a:".repeat(5000)}1${"}".repeat(5000)}\n  a?: unknown;\n}\n`), /^api\/v1\/deep-types\.ts:2:\d+: error: invalid marker \+kubebuilder:default: value nests deeper than 64 levels/m],
  ];
  it.each(cases)("%s", async (_, spoil, expected) => {
    const dir = copyFixture("cronjob-tutorial");
    spoil(dir);
    const r = await runKb(dir, "generate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(expected);
    expect(r.err).not.toContain("internal error");
    expect(existsSync(join(dir, "config"))).toBe(false);
  });

  it("a stack overflow that no limit caught is still bad input, not a crash", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const io = { cwd: dir, out: () => {}, err: (t: string) => void (err += t) };
    let err = "";
    const code = await runGenerate(io, "all", DEFAULT_GENERATE_FLAGS, async () => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    expect(code).toBe(2);
    expect(err).toContain("error: the sources nest too deeply for kb to follow (it ran out of stack)");
  });
});
