import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, runKb } from "../helpers/temp-project.js";

describe("kb generate", () => {
  it("writes CRDs, RBAC and webhooks from api/ and src/ by default", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const r = await runKb(dir, "generate");
    expect(r.code).toBe(0);
    expect(r.out).toContain("created config/crd/bases/batch.tutorial.kubebuilder.io_cronjobs.yaml");
    expect(r.out).toContain("created config/rbac/role.yaml");
    expect(r.out).toContain("created config/webhook/manifests.yaml");
    expect(readFileSync(join(dir, "config/rbac/role.yaml"), "utf8")).toMatch(/^---\napiVersion: rbac.authorization.k8s.io\/v1\nkind: ClusterRole/);
    // a second run changes nothing
    const again = await runKb(dir, "generate");
    expect(again.code).toBe(0);
    expect(again.out).toBe("3 unchanged\n");
  });

  it("generates one target with custom directories", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const r = await runKb(dir, "generate", "rbac", "--rbac-dir", "out/rbac", "--role-name", "cron-role");
    expect(r.code).toBe(0);
    expect(r.out).toBe("created out/rbac/role.yaml\n");
    expect(readFileSync(join(dir, "out/rbac/role.yaml"), "utf8")).toContain("name: cron-role");
    expect(existsSync(join(dir, "config"))).toBe(false);
  });

  it("--check exits 0 when current and 1 with a diff when stale, writing nothing", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const missing = await runKb(dir, "generate", "--check");
    expect(missing.code).toBe(1);
    expect(existsSync(join(dir, "config"))).toBe(false);
    expect(missing.err).toMatch(/3 manifests are stale/);

    expect((await runKb(dir, "generate")).code).toBe(0);
    const current = await runKb(dir, "generate", "--check");
    expect(current).toEqual({ code: 0, out: "3 manifests are up to date\n", err: expect.stringContaining("warning: CRD") });

    const role = join(dir, "config/rbac/role.yaml");
    writeFileSync(role, readFileSync(role, "utf8").replace("- watch", "- watch\n  - deletecollection"));
    const stale = await runKb(dir, "generate", "--check");
    expect(stale.code).toBe(1);
    expect(stale.out).toContain("--- a/config/rbac/role.yaml");
    expect(stale.out).toContain("+++ b/config/rbac/role.yaml");
    expect(stale.out).toContain("-  - deletecollection");
    expect(stale.err).toContain("1 manifest is stale: config/rbac/role.yaml");
    expect(readFileSync(role, "utf8")).toContain("deletecollection");
  });

  it("reports every error as file:line:col, exits 2 and writes nothing", async () => {
    const dir = copyFixture("cronjob-tutorial");
    const types = join(dir, "api/v1/cronjob-types.ts");
    writeFileSync(
      types,
      readFileSync(types, "utf8")
        .replace("// +kubebuilder:validation:MinLength=0", "// +kubebuilder:validation:MinLenght=0")
        .replace("suspend?: boolean;", "suspend?: () => boolean;"),
    );
    const r = await runKb(dir, "generate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^api\/v1\/cronjob-types\.ts:\d+:6: error: unknown marker \+kubebuilder:validation:MinLenght \(did you mean \+kubebuilder:validation:MinLength\?\)$/m);
    expect(r.err).toMatch(/^api\/v1\/cronjob-types\.ts:\d+:\d+: error: functions are not allowed in API types/m);
    expect(r.err).toContain("2 errors; nothing was written");
    expect(existsSync(join(dir, "config"))).toBe(false);
  });

  it("refuses bad flags and missing sources", async () => {
    const dir = copyFixture("cronjob-tutorial");
    expect((await runKb(dir, "generate", "everything")).code).toBe(2);
    expect((await runKb(dir, "generate", "--max-desc-len", "-3")).code).toBe(2);
    const nowhere = await runKb(join(dir, "api"), "generate");
    expect(nowhere.code).toBe(2);
    expect(nowhere.err).toContain("pass --paths <dir>");
    const missing = await runKb(dir, "generate", "--paths", "nope");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("--paths nope: no such file or directory");
  });

  it("--max-desc-len shortens descriptions", async () => {
    const dir = copyFixture("cronjob-tutorial");
    expect((await runKb(dir, "generate", "crd", "--max-desc-len", "0")).code).toBe(0);
    const crd = readFileSync(join(dir, "config/crd/bases/batch.tutorial.kubebuilder.io_cronjobs.yaml"), "utf8");
    expect(crd).not.toContain("description:");
  });
});

describe("kb markers, help and version", () => {
  it("lists markers as text and JSON", async () => {
    const text = await runKb("/", "markers");
    expect(text.code).toBe(0);
    expect(text.out).toContain("+kubebuilder:validation:Minimum=<number>");
    expect(text.out).toContain("+kubebuilder:rbac:");
    expect(text.out).toContain("Markers of other Go generators (accepted and ignored");
    expect(text.out).toContain("  client-gen: +genclient, +groupGoName, +resourceName\n");
    expect(text.out).toContain("  deepcopy-gen: +k8s:deepcopy-gen\n");
    const json = await runKb("/", "markers", "--json");
    const list = JSON.parse(json.out) as { name: string; targets: string[] }[];
    expect(list.find((m) => m.name === "kubebuilder:printcolumn")?.targets).toEqual(["type"]);
    expect(list.length).toBeGreaterThan(60);
  });

  it("prints help with examples and the version", async () => {
    const help = await runKb("/", "generate", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("Examples:");
    expect(help.out).toContain("--check");
    const version = await runKb("/", "version");
    expect(version.out).toMatch(/^\d+\.\d+\.\d+/);
    expect((await runKb("/", "--help")).out).toContain("generate");
  });
});
