import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix, relative, resolve } from "node:path";
import { renderTemplate, TEMPLATES_DIR } from "../../machinery/render-template.js";
import type { ProjectConfig } from "../../project-file/project-config.js";
import { projectModel, type ProjectModel } from "../../plan/project-model.js";
import type { ResourceModel } from "../../plan/resource-model.js";
import { isNamespacedKind } from "../api/api-code-files.js";
import { crdBaseFile, HELPER_ROLES, helperRole, type HelperRole } from "../api/api-config-files.js";
import { CHART_DIR } from "./helm-plugin.js";
import { chartNames, crdTemplate, roleTemplate, webhooksTemplate } from "./manifest-templates.js";

/** One file of the chart, relative to the project root. */
export interface ChartFile {
  readonly path: string;
  readonly content: string;
  /**
   * The user's once written (Chart.yaml, values.yaml, .helmignore, templates/_helpers.tpl, as
   * kubebuilder's plugin keeps them): written only where missing, unless forced. kb owns every
   * other file and writes it anew each time.
   */
  readonly userOwned: boolean;
}

/**
 * The manifests `kb generate` writes that the chart carries, as text by their path relative to
 * the project root (`config/crd/bases/<group>_<plural>.yaml`, `config/rbac/role.yaml`,
 * `config/webhook/manifests.yaml`). A missing one is left out of the chart (kb generate, which
 * writes it, writes the chart again).
 */
export type ChartManifests = ReadonlyMap<string, string>;

/** Where kb generate writes the manifests the chart carries, relative to the project root. */
export interface ManifestDirs {
  readonly crdDir: string;
  readonly rbacDir: string;
  readonly webhookDir: string;
}

export const DEFAULT_MANIFEST_DIRS: ManifestDirs = { crdDir: "config/crd/bases", rbacDir: "config/rbac", webhookDir: "config/webhook" };

const USER_OWNED = new Set(["Chart.yaml", "values.yaml", ".helmignore", "templates/_helpers.tpl"]);

/** The templates under `templates/helm/chart/`, relative to it, without `.ejs`, sorted. */
function chartTemplates(): string[] {
  const root = join(TEMPLATES_DIR, "helm", "chart");
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.name.endsWith(".ejs")) out.push(relative(root, abs).split("\\").join("/").slice(0, -".ejs".length));
    }
  };
  walk(root);
  return out.sort();
}

/** The first line of each template kb owns: where it comes from, and that kb rewrites it. */
function header(source: string): string {
  return `{{- /* Written by kb from ${source}; kb generate writes it anew: change the project or the values, not this file. */}}\n`;
}

/** What each template of `templates/helm/chart/templates` mirrors in the kustomize tree. */
const SOURCES: Readonly<Record<string, string>> = {
  manager: "config/manager and config/default",
  rbac: "config/rbac",
  metrics: "config/default/metrics_service.yaml",
  prometheus: "config/prometheus",
  "network-policy": "config/network-policy",
  webhook: "config/webhook",
  "cert-manager": "config/certmanager",
};

/** The files in the manifest dirs that the chart reads, relative to the project root. */
export function chartManifestPaths(config: ProjectConfig, dirs: ManifestDirs = DEFAULT_MANIFEST_DIRS): string[] {
  const project = projectModel(config, "", "");
  const crds = [...new Set(project.resources.filter((r) => r.hasApi).map((r) => posix.join(dirs.crdDir, crdBaseFile(r).replace(/^bases\//, ""))))];
  return [...crds, posix.join(dirs.rbacDir, "role.yaml"), posix.join(dirs.webhookDir, "manifests.yaml")];
}

/**
 * What {@link chartManifestPaths} lists: from `inMemory` (by path relative to `root`) where it
 * holds the file, else read from `root` where present.
 */
export function readChartManifests(root: string, config: ProjectConfig, dirs: ManifestDirs = DEFAULT_MANIFEST_DIRS, inMemory: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const out = new Map<string, string>();
  for (const path of chartManifestPaths(config, dirs)) {
    const held = inMemory.get(path);
    if (held !== undefined) out.set(path, held);
    else {
      const abs = resolve(root, path);
      if (existsSync(abs)) out.set(path, readFileSync(abs, "utf8"));
    }
  }
  return out;
}

/**
 * The Helm chart of the project, as kubebuilder's helm/v2-alpha plugin makes it: `dist/chart`
 * with a template for every object `kubectl kustomize config/default` renders (and those of
 * config/prometheus, config/network-policy and the Namespace, off by default), each behind
 * the value that turns its feature off, and the manifests kb generate wrote (CRDs, the
 * manager's role, the webhook configurations) made into templates. The same project and
 * manifests always give the same files.
 *
 * @example
 * const files = chartFiles(config, readChartManifests(root, config));
 * // dist/chart/Chart.yaml, dist/chart/values.yaml, dist/chart/templates/manager/manager.yaml, ...
 */
export function chartFiles(config: ProjectConfig, manifests: ChartManifests, dirs: ManifestDirs = DEFAULT_MANIFEST_DIRS): ChartFile[] {
  const project = projectModel(config, "", "");
  const hasWebhooks = project.resources.some((r) => r.webhooks.defaulting || r.webhooks.validation || r.webhooks.conversion);
  const chart = {
    name: project.projectName,
    namespaced: project.namespaced,
    hasWebhooks,
  };
  const names = chartNames(project.projectName);
  const files: ChartFile[] = [];
  const add = (path: string, content: string, source?: string) => {
    if (content.trim() === "") return;
    const userOwned = USER_OWNED.has(path);
    files.push({ path: posix.join(CHART_DIR, path), content: userOwned || !source ? content : header(source) + content, userOwned });
  };

  const webhookOnly = new Set(["templates/webhook/service.yaml", "templates/cert-manager/serving-cert.yaml", "templates/network-policy/allow-webhook-traffic.yaml"]);
  const clusterRoleBinding = project.namespaced && project.resources.some((r) => r.hasController && !isNamespacedKind(r));
  for (const path of chartTemplates()) {
    if (path === "templates/rbac/manager_cluster_role_binding.yaml" && !clusterRoleBinding) continue;
    if (webhookOnly.has(path) && !hasWebhooks) continue;
    add(path, renderTemplate(`helm/chart/${path}.ejs`, { project, chart }), SOURCES[path.split("/")[1] ?? ""]);
  }

  for (const { resource, role, file, name } of helperRoles(project.resources, project)) {
    add(`templates/rbac/${file}`, helperRoleTemplate(project, resource, role, name), "config/rbac");
  }

  const conversionCrds = new Set(project.resources.filter((r) => r.hasApi && r.webhooks.conversion).map((r) => `${r.plural}.${r.apiGroup}`));
  for (const [path, text] of [...manifests].sort(([a], [b]) => byCodePoint(a, b))) {
    if (path === posix.join(dirs.rbacDir, "role.yaml")) add("templates/rbac/role.yaml", roleTemplate(text, path, names), path);
    else if (path === posix.join(dirs.webhookDir, "manifests.yaml")) add("templates/webhook/webhooks.yaml", webhooksTemplate(text, path, names), path);
    else if (path.startsWith(`${dirs.crdDir}/`)) {
      const crdName = crdNameOf(path, project.resources);
      add(`templates/crd/${posix.basename(path)}`, crdTemplate(text, path, names, crdName !== undefined && conversionCrds.has(crdName)), path);
    }
  }
  return files.sort((a, b) => byCodePoint(a.path, b.path));
}

/** Order by code points, the same whatever the machine's locale (the output is deterministic). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The CRD name (`<plural>.<group>`) of a CRD file of the project's resources. */
function crdNameOf(path: string, resources: readonly ResourceModel[]): string | undefined {
  const r = resources.find((r) => r.hasApi && posix.basename(crdBaseFile(r)) === posix.basename(path));
  return r ? `${r.plural}.${r.apiGroup}` : undefined;
}

/** The admin/editor/viewer roles of each kind with API types, once per group and kind. */
function helperRoles(resources: readonly ResourceModel[], project: ProjectModel) {
  const seen = new Set<string>();
  const out: { resource: ResourceModel; role: HelperRole; file: string; name: string }[] = [];
  for (const resource of resources) {
    if (!resource.hasApi || seen.has(`${resource.apiGroup}/${resource.kind}`)) continue;
    seen.add(`${resource.apiGroup}/${resource.kind}`);
    for (const role of HELPER_ROLES) out.push({ resource, role, ...helperRole(project, resource, role) });
  }
  return out;
}

/** A kind's helper role as config/rbac/<kind>_<role>_role.yaml has it (kb create api's template), behind `rbacHelpers.enable`. */
function helperRoleTemplate(project: ProjectModel, resource: ResourceModel, role: HelperRole, name: string): string {
  const base = renderTemplate(`api/config/rbac/kind_${role}_role.yaml.ejs`, { project, resource, roleName: name });
  return `{{- if .Values.rbacHelpers.enable }}\n${roleTemplate(base, name, chartNames(project.projectName))}{{- end }}\n`;
}
