// kb edit --plugins=helm/v2-alpha and kb generate's part in keeping the chart, without helm: what
// they write, keep, refuse and report.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProjectConfig, formatProjectConfig } from "../../../src/scaffolder/project-file/project-config.js";
import { crdTemplate, chartNames, escapeForHelm } from "../../../src/scaffolder/commands/helm/manifest-templates.js";
import { HELM_VERSION } from "../../../src/scaffolder/commands/helm/write-chart.js";
import { runKb, tempDir } from "../../helpers/temp-project.js";
import { parseAllDocuments } from "yaml";
import { get } from "../config/support.js";
import { HELM, helm } from "./support.js";

const CHART = "dist/chart";

async function kb(dir: string, ...argv: string[]): Promise<string> {
  const r = await runKb(dir, ...argv);
  expect(r.code, `kb ${argv.join(" ")}\n${r.out}\n${r.err}`).toBe(0);
  return r.out;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), "utf8");

async function project(): Promise<string> {
  const dir = tempDir("shop");
  await kb(dir, "init", "--domain", "example.com", "--skip-install");
  await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
  return dir;
}

describe("kb edit --plugins=helm/v2-alpha", () => {
  it("records the plugin in PROJECT, writes the chart and lets it back into git; kb generate writes nothing more", async () => {
    const dir = await project();
    expect(existsSync(join(dir, CHART))).toBe(false);
    const out = await kb(dir, "edit", "--plugins=helm/v2-alpha");
    expect(out).toContain("note: the chart is in dist/chart: npm run helm-deploy installs it (helm upgrade --install shop dist/chart --namespace shop-system --create-namespace");
    expect(out).toContain("updated package.json");
    expect(out).toContain("created .github/workflows/test-chart.yml");
    expect(parseProjectConfig(read(dir, "PROJECT"), "PROJECT").plugins).toEqual({ "helm.kubebuilder-ts.io/v2-alpha": {} });
    expect(read(dir, ".gitignore")).toMatch(/^dist\/\*\n# .*\n!dist\/chart\/$/m);
    for (const file of ["Chart.yaml", "values.yaml", ".helmignore", "templates/_helpers.tpl", "templates/manager/manager.yaml", "templates/crd/batch.example.com_cronjobs.yaml", "templates/rbac/role.yaml"]) {
      expect(existsSync(join(dir, CHART, file)), file).toBe(true);
    }
    const scripts = (JSON.parse(read(dir, "package.json")) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(scripts).filter((s) => s.startsWith("helm-"))).toEqual(["helm-deploy", "helm-uninstall", "helm-status", "helm-history", "helm-rollback"]);
    expect(scripts["helm-uninstall"]).toBe("helm uninstall ${HELM_RELEASE:-shop} --namespace ${HELM_NAMESPACE:-shop-system}");
    // helm-deploy splits IMG into the chart's image repository and tag (as sh runs npm's scripts).
    const deploy = scripts["helm-deploy"]!.replace("npm run manifests && ", "").replace("helm upgrade", "echo helm upgrade");
    const shown = spawnSync("sh", ["-c", deploy], { encoding: "utf8", env: { ...process.env, IMG: "registry.example.com:5000/shop:v1.2.3", HELM_RELEASE: "" } }).stdout;
    expect(shown.trim()).toBe(
      "helm upgrade --install shop dist/chart --namespace shop-system --create-namespace --set manager.image.repository=registry.example.com:5000/shop --set manager.image.tag=v1.2.3 --wait --timeout 5m",
    );
    const again = await kb(dir, "generate");
    expect(again).not.toMatch(/created|updated/);
    const check = await runKb(dir, "generate", "--check");
    expect(check.code, check.err).toBe(0);
  });

  it("keeps the values.yaml the user edited and writes kb's templates anew; --force writes values.yaml anew too", async () => {
    const dir = await project();
    await kb(dir, "edit", "--plugins=helm/v2-alpha");
    const values = read(dir, `${CHART}/values.yaml`);
    const manager = read(dir, `${CHART}/templates/manager/manager.yaml`);
    writeFileSync(join(dir, CHART, "values.yaml"), values.replace("repository: controller", "repository: registry.example.com/shop"));
    writeFileSync(join(dir, CHART, "templates/manager/manager.yaml"), "# edited\n");

    const out = await kb(dir, "edit", "--plugins=helm/v2-alpha");
    expect(out).toContain(`kept ${CHART}/values.yaml (already there)`);
    expect(read(dir, `${CHART}/values.yaml`)).toContain("repository: registry.example.com/shop");
    expect(read(dir, `${CHART}/templates/manager/manager.yaml`)).toBe(manager);

    await kb(dir, "edit", "--plugins=helm/v2-alpha", "--force");
    expect(read(dir, `${CHART}/values.yaml`)).toBe(values);
  });

  it("kb generate brings the chart's CRD up to date with the types, and --check finds an edited chart stale", async () => {
    const dir = await project();
    await kb(dir, "edit", "--plugins=helm/v2-alpha");
    const types = join(dir, "api", "v1", "cronjob-types.ts");
    writeFileSync(types, readFileSync(types, "utf8").replace(/^(export (?:interface|class) CronJob\b)/m, "// +kubebuilder:resource:shortName=cj\n$1"));
    const out = await kb(dir, "generate");
    expect(out).toContain(`updated ${CHART}/templates/crd/batch.example.com_cronjobs.yaml`);
    expect(read(dir, `${CHART}/templates/crd/batch.example.com_cronjobs.yaml`)).toMatch(/shortNames:\n\s+- cj/);

    writeFileSync(join(dir, CHART, "templates/rbac/role.yaml"), "# edited\n");
    const check = await runKb(dir, "generate", "--check");
    expect(check.code).toBe(1);
    expect(check.err).toContain(`${CHART}/templates/rbac/role.yaml`);
  });

  it("kb alpha generate re-scaffolds the chart with the project", async () => {
    const dir = await project();
    await kb(dir, "edit", "--plugins=helm/v2-alpha");
    const out = join(dir, "..", "regenerated");
    await kb(dir, "alpha", "generate", "--output-dir", out);
    expect(read(out, ".gitignore")).toBe(read(dir, ".gitignore"));
    expect(read(out, "package.json")).toBe(read(dir, "package.json"));
    expect(read(out, ".github/workflows/test-chart.yml")).toBe(read(dir, ".github/workflows/test-chart.yml"));
    expect(read(out, "PROJECT")).toBe(read(dir, "PROJECT"));
    for (const file of ["values.yaml", "templates/manager/manager.yaml", "templates/crd/batch.example.com_cronjobs.yaml"]) expect(read(out, `${CHART}/${file}`), file).toBe(read(dir, `${CHART}/${file}`));
  });

  it("kb generate names the manifest it cannot make into a template, and writes nothing", async () => {
    const dir = await project();
    await kb(dir, "edit", "--plugins=helm/v2-alpha");
    writeFileSync(join(dir, "config/rbac/role.yaml"), "kind: [\n");
    const r = await runKb(dir, "generate", "crd");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: the Helm chart: config\/rbac\/role.yaml:2:1: not valid YAML: Flow sequence [^\n]*end with a \] \(run kb generate to write it anew\)\nnothing was written\n$/);
    // kb generate (all) writes role.yaml anew, and the chart from it.
    await kb(dir, "generate");
  });

  it("kb generate writes no chart in a project without the plugin", async () => {
    const dir = await project();
    await kb(dir, "generate");
    expect(existsSync(join(dir, "dist"))).toBe(false);
  });

  it("--dry-run prints the chart and writes nothing", async () => {
    const dir = await project();
    const project_ = read(dir, "PROJECT");
    const out = await kb(dir, "edit", "--plugins=helm/v2-alpha", "--dry-run");
    expect(out).toContain(`would create ${CHART}/values.yaml`);
    expect(out).toContain("would update PROJECT");
    expect(out).toContain("nothing was written");
    expect(existsSync(join(dir, "dist"))).toBe(false);
    expect(read(dir, "PROJECT")).toBe(project_);
  });

  it("refuses an unknown plugin and --plugins with other settings, saying what it takes", async () => {
    const dir = await project();
    const v1 = await runKb(dir, "edit", "--plugins=helm/v1-alpha");
    expect(v1.code).toBe(2);
    expect(v1.err).toContain('--plugins: unknown plugin "helm/v1-alpha": kb edit knows helm/v2-alpha');
    expect(v1.err).toContain("pass --plugins=helm/v2-alpha");
    const both = await runKb(dir, "edit", "--plugins=helm/v2-alpha", "--multigroup");
    expect(both.code).toBe(2);
    expect(both.err).toContain("--plugins cannot be combined with --multigroup or --namespaced");
    expect(existsSync(join(dir, "dist"))).toBe(false);
  });

  it("refuses a dist that leads outside the project, writing nothing there", async () => {
    const dir = await project();
    const outside = mkdtempSync(join(tmpdir(), "kb-outside-"));
    try {
      symlinkSync(outside, join(dir, "dist"));
      const r = await runKb(dir, "edit", "--plugins=helm/v2-alpha");
      expect(r.code).toBe(2);
      expect(r.err).toContain("dist leads outside the project");
      expect(existsSync(join(outside, "chart"))).toBe(false);
      expect(parseProjectConfig(read(dir, "PROJECT"), "PROJECT").plugins).toBeUndefined();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("kb generate refuses a dist/chart turned into a symbolic link out of the project", async () => {
    const dir = await project();
    await kb(dir, "edit", "--plugins=helm/v2-alpha");
    const outside = mkdtempSync(join(tmpdir(), "kb-outside-"));
    try {
      rmSync(join(dir, CHART), { recursive: true });
      symlinkSync(outside, join(dir, CHART));
      const r = await runKb(dir, "generate");
      expect(r.code).toBe(2);
      expect(r.err).toContain("error: the Helm chart: dist/chart leads outside the project");
      expect(r.err).toContain("nothing was written");
      expect(existsSync(join(outside, "values.yaml"))).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("the chart's CI workflow", () => {
  it("installs the helm version kb's own tests run (npm run envtest:assets)", () => {
    const versions = JSON.parse(spawnSync(process.execPath, [join(import.meta.dirname, "../../../scripts/envtest-assets.mjs"), "--print-versions"], { encoding: "utf8" }).stdout) as { helm: string };
    expect(HELM_VERSION).toBe(versions.helm);
  });
});

describe("PROJECT's plugins", () => {
  const base = "domain: example.com\nlayout:\n- typescript.kubebuilder-ts.io/v1\nprojectName: shop\nversion: \"3\"\n";

  it("round-trips, keys in order, and drops when empty", () => {
    const config = parseProjectConfig(`${base}plugins:\n  helm.kubebuilder-ts.io/v2-alpha: {}\n`, "PROJECT");
    expect(config.plugins).toEqual({ "helm.kubebuilder-ts.io/v2-alpha": {} });
    expect(formatProjectConfig(config)).toContain("layout:\n- typescript.kubebuilder-ts.io/v1\nplugins:\n  helm.kubebuilder-ts.io/v2-alpha: {}\nprojectName: shop\n");
    expect(formatProjectConfig({ ...config, plugins: undefined })).not.toContain("plugins");
  });

  it("refuses plugins that are not a mapping, pointing at them", () => {
    expect(() => parseProjectConfig(`${base}plugins:\n- helm\n`, "PROJECT")).toThrow(/expected plugins to be a mapping of plugin keys to their settings/);
    expect(() => parseProjectConfig(`${base}plugins:\n  helm.kubebuilder-ts.io/v2-alpha: 3\n`, "PROJECT")).toThrow(/expected the settings of plugin helm.kubebuilder-ts.io\/v2-alpha to be a mapping/);
  });
});

describe("generated manifests as Helm templates", () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    kubebuilder-ts.io/version: 0.0.0-test
  name: cronjobs.batch.example.com
spec:
  group: batch.example.com
  names:
    kind: CronJob
    plural: cronjobs
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          description: 'A template such as {{ .Values.x }} or {{- "y" }} is text here.'
          type: object
`;

  it("escape Helm's delimiters in what kb generate wrote", () => {
    expect(escapeForHelm("a {{ b }} c")).toBe('a {{ "{{" }} b }} c');
    const template = crdTemplate(crd, "config/crd/bases/batch.example.com_cronjobs.yaml", chartNames("shop"), false);
    expect(template).toContain('description: A template such as {{ "{{" }} .Values.x }} or {{ "{{" }}- "y" }} is text here.');
  });

  it("refuse a manifest whose name would not stay a name in the template", () => {
    const bad = crd.replace("name: cronjobs.batch.example.com", 'name: "cronjobs{{ .Values.x }}"');
    expect(() => crdTemplate(bad, "config/crd/bases/x.yaml", chartNames("shop"), false)).toThrow(/config\/crd\/bases\/x.yaml: "CustomResourceDefinition" "cronjobs\{\{ .Values.x \}\}" .* is not a Kubernetes object name/);
  });

  it.skipIf(!HELM)("render to the text kb generate wrote (skipped without helm)", () => {
    const parent = mkdtempSync(join(tmpdir(), "kb-helm-escape-"));
    try {
      const chart = join(parent, "chart");
      mkdirSync(join(chart, "templates"), { recursive: true });
      writeFileSync(join(chart, "Chart.yaml"), "apiVersion: v2\nname: shop\nversion: 0.1.0\n");
      writeFileSync(join(chart, "values.yaml"), "crd:\n  enable: true\n  keep: false\n");
      writeFileSync(join(chart, "templates", "_helpers.tpl"), '{{- define "shop.labels" -}}\na: b\n{{- end }}\n');
      writeFileSync(join(chart, "templates", "crd.yaml"), crdTemplate(crd, "crd.yaml", chartNames("shop"), false));
      const [rendered] = parseAllDocuments(helm("template", "shop", chart)).map((d) => d.toJS() as Record<string, unknown>);
      expect(get(rendered, "spec", "versions", 0, "schema", "openAPIV3Schema", "description")).toBe('A template such as {{ .Values.x }} or {{- "y" }} is text here.');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

