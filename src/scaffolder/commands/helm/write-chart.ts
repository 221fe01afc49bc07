import { existsSync, lstatSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { KbError } from "../../../diagnostics/index.js";
import type { VirtualTree } from "../../../tree/index.js";
import type { ChartFile } from "./chart-files.js";
import { renderTemplate } from "../../machinery/render-template.js";
import type { ProjectConfig } from "../../project-file/project-config.js";
import { projectModel } from "../../plan/project-model.js";
import { CHART_DIR } from "./helm-plugin.js";

/**
 * Refuses a chart directory that would put files outside the project: `dist` or `dist/chart`
 * (or a folder in it) a symbolic link that leads elsewhere, or a file where a folder goes.
 */
export function checkChartDir(root: string, files: readonly ChartFile[]): void {
  const realRoot = realpathSync(root);
  const dirs = new Set(files.map((f) => dirname(f.path)));
  for (const dir of dirs) {
    // The nearest part of the path that exists decides where the rest would be created.
    let at = join(root, dir);
    while (!existsSync(at) && at !== root) at = dirname(at);
    const stat = lstatSync(at);
    if (!stat.isDirectory() && !stat.isSymbolicLink()) {
      throw new KbError("chart-dir", `${relative(root, at)} is a file: kb writes the Helm chart into the folder ${CHART_DIR}`, { hint: `move ${relative(root, at)} away` });
    }
    const real = realpathSync(at);
    const rel = relative(realRoot, real);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      throw new KbError("chart-dir", `${relative(root, at)} leads outside the project (to ${real}): kb writes the Helm chart only inside it`, {
        hint: `make ${relative(root, at)} a folder of the project`,
      });
    }
  }
}

/**
 * Puts the chart's files into `tree`: those kb owns always, the user's (values.yaml, ...) only
 * where missing unless `force`. Returns the user's files left as they were.
 */
export function writeChart(tree: VirtualTree, files: readonly ChartFile[], force: boolean): string[] {
  checkChartDir(tree.root, files);
  const kept: string[] = [];
  for (const f of files) {
    if (f.userOwned && !force && tree.read(f.path) !== undefined) {
      kept.push(f.path);
      continue;
    }
    tree.write(f.path, f.content);
  }
  return kept;
}

/**
 * `.gitignore` with the chart let back in: kb's ignores the build output folder `dist/`,
 * where the chart goes (as kubebuilder's), so the line becomes `dist/*` and `!dist/chart/`.
 * Unchanged when it does not ignore `dist/` in that form.
 */
export function gitignoreWithChart(text: string): string {
  if (text.split("\n").some((l) => l.trim() === `!${CHART_DIR}/`)) return text;
  return text.replace(/^dist\/$/m, `dist/*\n# The Helm chart (kb edit --plugins=helm/v2-alpha) is kept in git.\n!${CHART_DIR}/`);
}

/**
 * The npm scripts that deploy the chart (kubebuilder's Makefile targets helm-deploy, ...), for
 * the release `HELM_RELEASE` (default: the project's name) in `HELM_NAMESPACE` (default:
 * `<project>-system`). helm-deploy regenerates the manifests and the chart first and deploys
 * the image `IMG` (`<repository>:<tag>`, default controller:latest).
 */
export function helmScripts(projectName: string): Record<string, string> {
  const release = `\${HELM_RELEASE:-${projectName}}`;
  const namespace = `--namespace \${HELM_NAMESPACE:-${projectName}-system}`;
  return {
    "helm-deploy": `npm run manifests && img=\${IMG:-controller:latest} && helm upgrade --install ${release} ${CHART_DIR} ${namespace} --create-namespace --set manager.image.repository=\${img%:*} --set manager.image.tag=\${img##*:} --wait --timeout 5m`,
    "helm-uninstall": `helm uninstall ${release} ${namespace}`,
    "helm-status": `helm status ${release} ${namespace}`,
    "helm-history": `helm history ${release} ${namespace}`,
    "helm-rollback": `helm rollback ${release} ${namespace}`,
  };
}

/**
 * package.json with the {@link helmScripts} it lacks added after its other scripts (a script of
 * the same name is the user's and stays); undefined when it is not a JSON object with an
 * object of scripts, or already has them all.
 */
export function packageJsonWithHelmScripts(text: string, projectName: string): string | undefined {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof pkg !== "object" || pkg === null || Array.isArray(pkg)) return undefined;
  const scripts = (pkg as Record<string, unknown>).scripts ?? {};
  if (typeof scripts !== "object" || scripts === null || Array.isArray(scripts)) return undefined;
  const missing = Object.entries(helmScripts(projectName)).filter(([name]) => !(name in scripts));
  if (missing.length === 0) return undefined;
  const next = { ...(pkg as Record<string, unknown>), scripts: { ...scripts, ...Object.fromEntries(missing) } };
  return `${JSON.stringify(next, null, 2)}\n`;
}

/** The helm version the chart's CI workflow installs (the one kb's tests run). */
export const HELM_VERSION = "4.3.2";

/** The GitHub workflow that checks the chart (kubebuilder's test-chart.yml): lint, then install on kind. */
export const CHART_WORKFLOW = ".github/workflows/test-chart.yml";

/**
 * What the Helm plugin adds to the project beside the chart: `.gitignore` lets the chart in,
 * package.json gets the helm-* scripts, and the chart's CI workflow is written where missing
 * (or anew with `force`). Returns notes for what it could not do.
 */
export function addHelmProjectFiles(tree: VirtualTree, config: ProjectConfig, force: boolean): string[] {
  const notes: string[] = [];
  const gitignore = tree.read(".gitignore");
  if (gitignore !== undefined) tree.write(".gitignore", gitignoreWithChart(gitignore));
  const pkg = tree.read("package.json");
  const withScripts = pkg === undefined ? undefined : packageJsonWithHelmScripts(pkg, config.projectName);
  if (withScripts !== undefined) tree.write("package.json", withScripts);
  else if (pkg === undefined || !pkg.includes('"helm-deploy"')) notes.push("package.json has no scripts object kb can add helm-deploy, helm-uninstall, helm-status, helm-history and helm-rollback to");
  if (force || tree.read(CHART_WORKFLOW) === undefined) {
    tree.write(CHART_WORKFLOW, renderTemplate("helm/workflows/test-chart.yml.ejs", { project: projectModel(config, "", ""), helmVersion: HELM_VERSION }));
  }
  return notes;
}
