// The TypeScript that kb init, kb create api and kb create webhook write, checked as a whole
// without npm install: type-checked against this repository's own sources (the project's
// `kubebuilder-ts` imports mapped to src/ through tsconfig `paths`), formatted as prettier
// formats it, importing only public entry points, and left alone by a re-run.
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { runKb, tempDir } from "../../helpers/temp-project.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

async function kb(dir: string, ...argv: string[]): Promise<void> {
  const r = await runKb(dir, ...argv);
  expect(r.code, `kb ${argv.join(" ")}\n${r.out}\n${r.err}`).toBe(0);
}

const gvk = (group: string, version: string, kind: string) => ["--group", group, "--version", version, "--kind", kind];

/** A project with two kinds (namespaced, cluster-scoped), Kubernetes kinds' controllers, and every webhook type. */
async function scaffold(name: string, init: readonly string[] = []): Promise<string> {
  const dir = tempDir(name);
  const multigroup = init.includes("--multigroup");
  await kb(dir, "init", "--domain", "example.com", "--skip-install", ...init);
  await kb(dir, "create", "api", ...gvk("batch", "v1", "CronJob"));
  await kb(dir, "create", "api", ...gvk("batch", "v1", "Tenant"), "--namespaced=false");
  await kb(dir, "create", "api", ...gvk("batch", "v2", "CronJob"), "--controller=false");
  await kb(dir, "create", "api", ...gvk("apps", "v1", "Deployment"), "--resource=false", "--controller");
  await kb(dir, "create", "api", ...gvk("networking", "v1", "Ingress"), "--resource=false", "--controller");
  await kb(dir, "create", "webhook", ...gvk("batch", "v1", "CronJob"), "--defaulting", "--programmatic-validation");
  await kb(dir, "create", "webhook", ...gvk("batch", "v1", "CronJob"), "--conversion", "--spoke", "v2");
  await kb(dir, "create", "webhook", ...gvk("batch", "v1", "Tenant"), "--programmatic-validation");
  await kb(dir, "create", "webhook", ...gvk("networking", "v1", "Ingress"), "--defaulting", "--programmatic-validation");
  // Webhooks of kinds without an API here: Kubernetes' (the runtime's typed handles, a custom
  // path), and another project's, typed from a module of the project; a second controller.
  await kb(dir, "create", "webhook", ...gvk("core", "v1", "Pod"), "--defaulting", "--programmatic-validation");
  await kb(dir, "create", "webhook", ...gvk("apps", "v1", "Deployment"), "--programmatic-validation", "--validation-path", "/validate-deployments");
  mkdirSync(join(dir, "src/external"));
  writeFileSync(join(dir, "src/external/certmanager-v1.ts"), ISSUER_TYPES);
  const issuer = ["--external-api-path", "./src/external/certmanager-v1", "--external-api-domain", "io"];
  await kb(dir, "create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--defaulting", "--programmatic-validation", ...issuer);
  await kb(dir, "create", "api", ...gvk("cert-manager", "v1", "Issuer"), "--resource=false", "--controller", ...issuer);
  await kb(dir, "create", "api", ...gvk("batch", "v1", "CronJob"), "--resource=false", "--controller-name", "cronjob-backup");
  if (multigroup) {
    // The same kind in another group: its imports and webhook names must not clash.
    await kb(dir, "create", "api", ...gvk("crew", "v1", "CronJob"));
    await kb(dir, "create", "webhook", ...gvk("crew", "v1", "CronJob"), "--defaulting");
  }
  return dir;
}

/** Another project's types, as a user would write them (or an npm package would export them) for `--external-api-path`. */
const ISSUER_TYPES = `import type { ObjectMeta } from "kubebuilder-ts";

/** cert-manager's Issuer (cert-manager.io/v1), the fields this project reads. */
export interface Issuer {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: { selfSigned?: Record<string, never>; ca?: { secretName: string } };
}
`;

/** The TypeScript kb scaffolded (api/ and src/), relative to `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs)) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) out.push(relative(dir, p));
    }
  };
  for (const top of ["api", "src"]) walk(join(dir, top));
  return out.sort();
}

/** Type-checks the projects' api/ and src/ with their own tsconfig, kubebuilder-ts mapped to this repo's sources. */
function typeCheck(dirs: readonly string[]): string {
  const config = ts.readConfigFile(join(dirs[0]!, "tsconfig.json"), ts.sys.readFile);
  expect(config.error).toBeUndefined();
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirs[0]!);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    // This repository's sources join the program, from outside the projects.
    rootDir: undefined,
    noEmit: true,
    paths: {
      "kubebuilder-ts": [join(REPO, "src/index.ts")],
      "kubebuilder-ts/runtime": [join(REPO, "src/runtime/index.ts")],
      "kubebuilder-ts/testing": [join(REPO, "src/testing/index.ts")],
    },
  };
  // vitest, @types/node and the runtime's own dependencies come from this repository.
  for (const dir of dirs) symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  const program = ts.createProgram(dirs.flatMap((d) => sources(d).map((f) => join(d, f))), options);
  const ours = ts.getPreEmitDiagnostics(program).filter((d) => !d.file || dirs.some((dir) => d.file!.fileName.startsWith(dir)));
  return ts.formatDiagnostics(ours, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => REPO, getNewLine: () => "\n" });
}

/** Every module a file imports. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/^import [^;]*? from "([^"]+)";$/gms)].map((m) => m[1]!);
}

describe("the scaffolded TypeScript", () => {
  it("type-checks, is formatted, imports only public entry points, and registers every controller and webhook", async () => {
    const single = await scaffold("shop");
    const multi = await scaffold("fleet", ["--multigroup", "--namespaced"]);
    expect(sources(single)).toEqual([
      "api/v1/cronjob-conversion.ts",
      "api/v1/cronjob-types.ts",
      "api/v1/groupversion-info.ts",
      "api/v1/tenant-types.ts",
      "api/v2/cronjob-conversion.ts",
      "api/v2/cronjob-types.ts",
      "api/v2/groupversion-info.ts",
      "src/controllers/cronjob-backup-controller.test.ts",
      "src/controllers/cronjob-backup-controller.ts",
      "src/controllers/cronjob-controller.test.ts",
      "src/controllers/cronjob-controller.ts",
      "src/controllers/deployment-controller.test.ts",
      "src/controllers/deployment-controller.ts",
      "src/controllers/ingress-controller.test.ts",
      "src/controllers/ingress-controller.ts",
      "src/controllers/issuer-controller.test.ts",
      "src/controllers/issuer-controller.ts",
      "src/controllers/tenant-controller.test.ts",
      "src/controllers/tenant-controller.ts",
      "src/external/certmanager-v1.ts",
      "src/main.ts",
      "src/webhooks/v1/cronjob-conversion.test.ts",
      "src/webhooks/v1/cronjob-conversion.ts",
      "src/webhooks/v1/cronjob-defaulter.test.ts",
      "src/webhooks/v1/cronjob-defaulter.ts",
      "src/webhooks/v1/cronjob-validator.test.ts",
      "src/webhooks/v1/cronjob-validator.ts",
      "src/webhooks/v1/cronjob-webhook-suite.test.ts",
      "src/webhooks/v1/deployment-validator.test.ts",
      "src/webhooks/v1/deployment-validator.ts",
      "src/webhooks/v1/ingress-defaulter.test.ts",
      "src/webhooks/v1/ingress-defaulter.ts",
      "src/webhooks/v1/ingress-validator.test.ts",
      "src/webhooks/v1/ingress-validator.ts",
      "src/webhooks/v1/issuer-defaulter.test.ts",
      "src/webhooks/v1/issuer-defaulter.ts",
      "src/webhooks/v1/issuer-validator.test.ts",
      "src/webhooks/v1/issuer-validator.ts",
      "src/webhooks/v1/pod-defaulter.test.ts",
      "src/webhooks/v1/pod-defaulter.ts",
      "src/webhooks/v1/pod-validator.test.ts",
      "src/webhooks/v1/pod-validator.ts",
      "src/webhooks/v1/tenant-validator.test.ts",
      "src/webhooks/v1/tenant-validator.ts",
      "src/webhooks/v1/tenant-webhook-suite.test.ts",
    ]);

    for (const dir of [single, multi]) {
      const prettierOptions = JSON.parse(readFileSync(join(dir, ".prettierrc.json"), "utf8")) as prettier.Options;
      for (const file of sources(dir)) {
        const text = readFileSync(join(dir, file), "utf8");
        expect(await prettier.check(text, { ...prettierOptions, filepath: file }), `${file} is not formatted as prettier formats it:\n${text}`).toBe(true);
        for (const from of importsOf(text)) {
          expect(from, `${file} imports ${from}`).toMatch(/^(\.{1,2}\/.*\.js|node:[a-z]+|vitest|kubebuilder-ts(\/runtime|\/testing)?)$/);
        }
      }
      const main = readFileSync(join(dir, "src/main.ts"), "utf8");
      const setups = [...main.matchAll(/^import \{ (?:\w+ as )?(setup\w+) \}/gm)].map((m) => m[1]!);
      expect(setups.length).toBe(dir === multi ? 19 : 17);
      for (const setup of setups) {
        const uses = main.match(new RegExp(`\\b${setup}\\b(?! as )`, "g")) ?? [];
        expect(uses, `${setup} is imported and used once`).toHaveLength(2);
      }
    }

    expect(typeCheck([single, multi])).toBe("");
  }, 240_000);

  it("leaves every file as it was when a command is run again", async () => {
    const dir = await scaffold("shop");
    const snapshot = () => new Map(sources(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
    const before = snapshot();
    await kb(dir, "create", "api", ...gvk("apps", "v1", "Deployment"), "--resource=false", "--controller", "--force");
    await kb(dir, "create", "webhook", ...gvk("batch", "v1", "CronJob"), "--defaulting", "--programmatic-validation", "--conversion", "--spoke", "v2", "--force");
    expect(snapshot()).toEqual(before);
  }, 120_000);
});
