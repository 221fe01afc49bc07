import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTree } from "../helpers/golden.js";
import { runKb, tempDir } from "../helpers/temp-project.js";

const INIT = ["init", "--domain", "example.com", "--skip-install"];
const CRONJOB = ["create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob"];

describe("kb init", () => {
  it("refuses a bad flag before writing anything", async () => {
    const dir = tempDir();
    const r = await runKb(dir, "init", "--domain", "Example_COM", "--skip-install");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--domain "Example_COM": expected a DNS subdomain/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("names the project after its directory, and refuses a directory name that is no DNS label", async () => {
    const ok = await runKb(tempDir("my-operator"), ...INIT);
    expect(ok.code).toBe(0);
    const bad = tempDir("My_Operator");
    const r = await runKb(bad, ...INIT);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the directory name \(use --project-name\) "my_operator"/);
    expect((await runKb(bad, ...INIT, "--project-name", "mine")).code).toBe(0);
    expect(readFileSync(join(bad, "PROJECT"), "utf8")).toContain("projectName: mine\n");
  });

  it("refuses to initialise a project twice", async () => {
    const dir = tempDir();
    expect((await runKb(dir, ...INIT)).code).toBe(0);
    const before = readTree(dir);
    const again = await runKb(dir, ...INIT);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/PROJECT exists: this directory already holds a project/);
    expect(readTree(dir)).toEqual(before);
  });

  it("refuses to overwrite files that are already there, listing them, and writes nothing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "package.json"), '{"name":"mine"}\n');
    const r = await runKb(dir, ...INIT);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/would be overwritten: package\.json \(kb init writes a new project and overwrites nothing: move these files away, or run kb init in an empty directory\)/);
    expect(r.err).not.toContain("--force");
    expect(readdirSync(dir)).toEqual(["package.json"]);
  });

  it("--dry-run lists the files and writes nothing", async () => {
    const dir = tempDir();
    const r = await runKb(dir, ...INIT, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.out).toContain("would create PROJECT\n");
    expect(r.out).toContain("+++ b/src/main.ts");
    expect(r.out).toMatch(/dry run: \d+ files would change; nothing was written/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("writes the same bytes every time", async () => {
    const [a, b] = [tempDir(), tempDir()];
    await runKb(a, ...INIT);
    await runKb(b, ...INIT);
    expect(readTree(a)).toEqual(readTree(b));
  });
});

describe("kb create api", () => {
  it("needs a project", async () => {
    const r = await runKb(tempDir(), ...CRONJOB);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no PROJECT file in .*run kb init first/);
  });

  it("refuses bad flags before reading anything", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT);
    const before = readTree(dir);
    for (const [flag, value, message] of [
      ["--kind", "cronJob", /--kind "cronJob": expected a PascalCase kind/],
      ["--version", "1", /--version "1": expected a Kubernetes API version/],
      ["--group", "Batch", /--group "Batch": expected a DNS subdomain/],
    ] as const) {
      const args = [...CRONJOB];
      args[args.indexOf(flag) + 1] = value;
      const r = await runKb(dir, ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    }
    expect(readTree(dir)).toEqual(before);
  });

  it("records the resource in PROJECT, then refuses it a second time", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT);
    const first = await runKb(dir, ...CRONJOB);
    expect(first.code).toBe(0);
    expect(first.out).toContain("created api/v1/cronjob-types.ts\n");
    expect(first.out).toContain("running kb generate\n");
    const project = readFileSync(join(dir, "PROJECT"), "utf8");
    expect(project).toContain("  group: batch\n  kind: CronJob\n  path: api/v1\n  version: v1\n");
    const before = readTree(dir);
    const again = await runKb(dir, ...CRONJOB);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/the API batch\/v1, Kind=CronJob already exists in PROJECT/);
    expect(readTree(dir)).toEqual(before);
  });

  it("refuses a second group unless the project is multigroup", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT);
    await runKb(dir, ...CRONJOB);
    const r = await runKb(dir, "create", "api", "--group", "crew", "--version", "v1", "--kind", "Captain");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/second group \(crew\) needs a multigroup layout.*kb edit --multigroup/s);
    expect((await runKb(dir, "edit", "--multigroup")).code).toBe(0);
    const ok = await runKb(dir, "create", "api", "--group", "crew", "--version", "v1", "--kind", "Captain");
    expect(ok.code).toBe(0);
    expect(existsSync(join(dir, "api/crew/v1/captain-types.ts"))).toBe(true);
    expect(existsSync(join(dir, "api/v1/cronjob-types.ts"))).toBe(true);
  });

  it("refuses a controller for a kind that is neither Kubernetes' nor the project's", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT);
    const r = await runKb(dir, "create", "api", "--group", "acme", "--version", "v1", "--kind", "Widget", "--resource=false");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/acme\/v1 Widget is not a Kubernetes group nor an API of this project/);
    const core = await runKb(dir, "create", "api", "--group", "apps", "--version", "v1", "--kind", "Deployment", "--resource=false", "--controller");
    expect(core.code).toBe(0);
    expect(readFileSync(join(dir, "PROJECT"), "utf8")).toContain("- controller: true\n  core: true\n  group: apps\n  kind: Deployment\n  version: v1\n");
  });
});

describe("kb create webhook", () => {
  it("needs the resource in PROJECT and at least one kind of webhook", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT);
    const missing = await runKb(dir, "create", "webhook", "--group", "crew", "--version", "v1", "--kind", "Captain", "--defaulting");
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no API found for crew\/v1, Kind=Captain.*kb create api.*--external-api-path/s);
    await runKb(dir, ...CRONJOB);
    const none = await runKb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/pass --defaulting, --programmatic-validation or --conversion/);
    const spoke = await runKb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--conversion", "--spoke", "v2");
    expect(spoke.code).toBe(2);
    expect(spoke.err).toMatch(/the spoke batch\/v2, Kind=CronJob is not in PROJECT/);
    // batch is a Kubernetes group too, but CronJob is the project's kind: v2 needs its API first.
    const otherVersion = await runKb(dir, "create", "webhook", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--defaulting");
    expect(otherVersion.code).toBe(2);
    expect(otherVersion.err).toMatch(/the project's CronJob is at v1, and this version is not in PROJECT/);
  });

  it("re-run with --force after another group's kind of the same name got the same webhook, registers it once", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT, "--multigroup");
    const webhook = (group: string) => ["create", "webhook", "--group", group, "--version", "v1", "--kind", "CronJob", "--defaulting"];
    for (const group of ["batch", "crew"]) {
      expect((await runKb(dir, "create", "api", "--group", group, "--version", "v1", "--kind", "CronJob")).code).toBe(0);
      expect((await runKb(dir, ...webhook(group))).code).toBe(0);
    }
    const main = readFileSync(join(dir, "src/main.ts"), "utf8");
    expect(main).toContain('import { setupCronJobDefaulter } from "./webhooks/batch/v1/cronjob-defaulter.js";');
    expect(main).toContain('import { setupCronJobDefaulter as setupCrewV1CronJobDefaulter } from "./webhooks/crew/v1/cronjob-defaulter.js";');
    for (const group of ["batch", "crew"]) {
      const again = await runKb(dir, ...webhook(group), "--force");
      expect(again.code, again.err).toBe(0);
      expect(readFileSync(join(dir, "src/main.ts"), "utf8")).toBe(main);
    }
  });
});

describe("kb edit", () => {
  it("needs a setting, and says when there is nothing to change", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT);
    expect((await runKb(dir, "edit")).code).toBe(2);
    const same = await runKb(dir, "edit", "--multigroup=false");
    expect(same.code).toBe(0);
    expect(same.out).toContain("nothing to change");
  });

  it("replaces the files that depend on --namespaced only while kb's text is still in them", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT);
    await runKb(dir, ...CRONJOB);
    const before = readTree(dir);
    const on = await runKb(dir, "edit", "--namespaced");
    expect(on.code).toBe(0);
    expect(on.out).toContain("updated config/manager/manager.yaml\n");
    expect(on.out).toContain("note: existing controllers of namespaced kinds need namespace=project-system in their +kubebuilder:rbac markers");
    expect(readFileSync(join(dir, "PROJECT"), "utf8")).toMatch(/^namespaced: true$/m);
    expect(readFileSync(join(dir, "config/manager/manager.yaml"), "utf8")).toContain("WATCH_NAMESPACE");
    expect(readFileSync(join(dir, "config/rbac/role_binding.yaml"), "utf8")).toMatch(/kind: RoleBinding/);
    // and back: the same bytes as before, PROJECT aside
    expect((await runKb(dir, "edit", "--namespaced=false")).code).toBe(0);
    const after = readTree(dir);
    after.set("PROJECT", before.get("PROJECT")!);
    expect(after).toEqual(before);
    // a file the user edited is not replaced without --force
    writeFileSync(join(dir, "config/manager/manager.yaml"), `${readFileSync(join(dir, "config/manager/manager.yaml"), "utf8")}# mine\n`);
    const refused = await runKb(dir, "edit", "--namespaced");
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/edited since kb wrote them: config\/manager\/manager.yaml.*--force/s);
    expect(readFileSync(join(dir, "PROJECT"), "utf8")).not.toMatch(/^namespaced: true$/m);
    expect((await runKb(dir, "edit", "--namespaced", "--force")).code).toBe(0);
    expect(readFileSync(join(dir, "config/manager/manager.yaml"), "utf8")).not.toContain("# mine");
  });
});

describe("kb alpha generate", () => {
  it("re-scaffolds a project from its PROJECT into the same tree", async () => {
    const dir = tempDir();
    await runKb(dir, ...INIT);
    await runKb(dir, ...CRONJOB);
    await runKb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "Cluster", "--namespaced=false");
    await runKb(dir, "create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--controller=false");
    await runKb(dir, "create", "api", "--group", "apps", "--version", "v1", "--kind", "Deployment", "--resource=false", "--controller");
    await runKb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting", "--programmatic-validation");
    await runKb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--conversion", "--spoke", "v2");
    const out = join(dir, "..", "regenerated");
    const r = await runKb(dir, "alpha", "generate", "--output-dir", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(readTree(out)).toEqual(readTree(dir));
    const inPlace = await runKb(dir, "alpha", "generate");
    expect(inPlace.code).toBe(2);
    expect(inPlace.err).toMatch(/would be overwritten: .*PROJECT/s);
  });
});
