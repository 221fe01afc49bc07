import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { KbError } from "../diagnostics/index.js";
import { VirtualTree } from "../tree/index.js";
import { isNamespacedKind } from "./commands/api/api-code-files.js";
import { managerClusterRoleBinding, MANAGER_CLUSTER_ROLE_BINDING } from "./commands/api/api-config-files.js";
import { planWithExternalModule } from "./commands/api/external-module.js";
import { assembleApiPlan, planCreateApi, type CreateApiRequest } from "./commands/api/plan-create-api.js";
import { assembleInitPlan, planInit, type InitRequest } from "./commands/init/plan-init.js";
import type { KbPackage } from "./commands/init/kb-package.js";
import { assembleWebhookPlan, planCreateWebhook, type CreateWebhookRequest } from "./commands/webhook/plan-create-webhook.js";
import { applyPlan } from "./machinery/apply-plan.js";
import type { ScaffoldPlan } from "./machinery/scaffold-plan.js";
import { formatProjectConfig, PROJECT_FILE, type ProjectConfig, type ProjectResource } from "./project-file/project-config.js";
import { readProject } from "./project-file/read-project.js";
import { projectModel } from "./plan/project-model.js";
import { chartFiles, readChartManifests } from "./commands/helm/chart-files.js";
import { CHART_DIR, hasHelmPlugin, withHelmPlugin } from "./commands/helm/helm-plugin.js";
import { addHelmProjectFiles, CHART_WORKFLOW, writeChart } from "./commands/helm/write-chart.js";
import { resourceModel } from "./plan/resource-model.js";

/** What to do after the files are on disk (never on a dry run). */
export type FollowUp = "generate";

/** The outcome of a scaffolding command: a tree holding every change, not yet committed. */
export interface Scaffolded {
  readonly tree: VirtualTree;
  /** Shared files that were already there and were left alone. */
  readonly kept: readonly string[];
  readonly followUps: readonly FollowUp[];
}

/** What `kb init` says of files already in the directory (it does not overwrite any). */
export const INIT_CONFLICT_HINT = "kb init writes a new project and overwrites nothing: move these files away, or run kb init in an empty directory";

/** `kb init`: a new project in `root`. */
export async function scaffoldInit(root: string, req: InitRequest): Promise<Scaffolded> {
  if (existsSync(join(root, PROJECT_FILE))) {
    throw new KbError("already-initialised", `${join(root, PROJECT_FILE)} exists: this directory already holds a project`, {
      hint: "use kb create api / kb create webhook to add to it, or kb alpha generate to re-scaffold it",
    });
  }
  const tree = new VirtualTree(root);
  // As kubebuilder's init, kb init has no --force: it scaffolds a new project, never over files.
  const { kept } = await applyPlan(planInit(req), tree, { conflictHint: INIT_CONFLICT_HINT });
  // npm install runs after the vendored kubebuilder-ts tarball is in place (the CLI runs it).
  return { tree, kept, followUps: [] };
}

/** `kb create api` in the project at `root`. */
export async function scaffoldApi(root: string, kbVersion: string, req: CreateApiRequest): Promise<Scaffolded> {
  const { config, boilerplate } = readProject(root);
  const tree = new VirtualTree(root);
  const plan = planWithExternalModule(planCreateApi(config, boilerplate, kbVersion, req).plan, (path) => tree.read(path), req.externalApiModule);
  const { kept } = await applyPlan(plan, tree, { force: req.force });
  return { tree, kept, followUps: ["generate"] };
}

/** `kb create webhook` in the project at `root`. */
export async function scaffoldWebhook(root: string, kbVersion: string, req: CreateWebhookRequest): Promise<Scaffolded> {
  const { config, boilerplate } = readProject(root);
  const tree = new VirtualTree(root);
  const plan = planWithExternalModule(planCreateWebhook(config, boilerplate, kbVersion, req).plan, (path) => tree.read(path), req.externalApiModule);
  const { kept } = await applyPlan(plan, tree, { force: req.force });
  return { tree, kept, followUps: ["generate"] };
}

/** `kb edit`: what changes in the project when its layout flags change. */
export interface EditRequest {
  readonly multigroup?: boolean;
  readonly namespaced?: boolean;
  readonly force: boolean;
}

/**
 * `kb edit`: records the new flags in PROJECT and re-renders the project files that depend
 * on them. A file is replaced only while it still holds what kb wrote for the old flags;
 * one the user has edited is refused (listed) unless `force`.
 */
export async function scaffoldEdit(root: string, kbVersion: string, req: EditRequest): Promise<Scaffolded & { readonly notes: readonly string[] }> {
  const { config, boilerplate } = readProject(root);
  const next: ProjectConfig = {
    ...config,
    cliVersion: kbVersion,
    multigroup: (req.multigroup ?? config.multigroup === true) || undefined,
    namespaced: (req.namespaced ?? config.namespaced === true) || undefined,
  };
  const tree = new VirtualTree(root);
  const notes: string[] = [];
  if (Boolean(next.multigroup) === Boolean(config.multigroup) && Boolean(next.namespaced) === Boolean(config.namespaced)) {
    return { tree, kept: [], followUps: [], notes: ["nothing to change: PROJECT already has these settings"] };
  }
  const before = await renderIsolated(root, assembleInitPlan(config, boilerplate, kbVersion));
  const after = await renderIsolated(root, assembleInitPlan(next, boilerplate, kbVersion));
  const edited: string[] = [];
  for (const [path, text] of after) {
    // kb generate owns its outputs: it rewrites them from the markers right after.
    if (path === PROJECT_FILE || before.get(path) === text || isGeneratedOutput(path)) continue;
    const onDisk = tree.read(path);
    if (onDisk === undefined && before.has(path)) continue; // removed by the user: leave it removed
    if (onDisk !== undefined && onDisk !== before.get(path) && !req.force) edited.push(path);
    else tree.write(path, text);
  }
  if (edited.length > 0) {
    throw new KbError("file-edited", `these files depend on the changed settings but were edited since kb wrote them: ${edited.join(", ")}`, {
      hint: "pass --force to replace them (your edits are lost), or change them by hand and run kb edit --force",
    });
  }
  tree.write(PROJECT_FILE, formatProjectConfig(next));
  if (next.multigroup && !config.multigroup) notes.push("new APIs go to api/<group>/<version>/; existing ones stay where PROJECT records them");
  if (next.namespaced !== config.namespaced) {
    const ns = `${config.projectName}-system`;
    // Controllers of cluster-scoped kinds keep cluster-wide markers: a Role cannot grant them.
    const clusterScoped = next.resources.filter((r) => {
      const m = resourceModel(next, r);
      return m.hasController && !isNamespacedKind(m);
    }).map((r) => r.kind);
    if (next.namespaced) {
      notes.push(`existing controllers of namespaced kinds need namespace=${ns} in their +kubebuilder:rbac markers so that kb generate writes a Role; add it, then run kb generate`);
      if (clusterScoped.length > 0) {
        const project = projectModel(next, kbVersion, boilerplate);
        const part = managerClusterRoleBinding(project, true);
        await applyPlan({ data: { project }, templates: part.templates, computed: [], insertions: part.insertions }, tree);
        notes.push(`the controllers of cluster-scoped kinds (${clusterScoped.join(", ")}) keep theirs: config/rbac/${MANAGER_CLUSTER_ROLE_BINDING} binds their ClusterRole`);
      }
    } else {
      notes.push("remove namespace= from existing controllers' +kubebuilder:rbac markers so that kb generate writes a ClusterRole, then run kb generate");
      if (tree.read(`config/rbac/${MANAGER_CLUSTER_ROLE_BINDING}`) !== undefined) {
        notes.push(`config/rbac/${MANAGER_CLUSTER_ROLE_BINDING} is no longer needed (role_binding.yaml binds the ClusterRole now): remove it and its line in config/rbac/kustomization.yaml`);
      }
    }
  }
  return { tree, kept: [], followUps: ["generate"], notes };
}

/** `kb edit --plugins=helm/v2-alpha`: what to do with the chart's files the user owns. */
export interface HelmEditRequest {
  /** Write Chart.yaml, values.yaml, .helmignore and templates/_helpers.tpl anew even when they exist. */
  readonly force: boolean;
}

/**
 * `kb edit --plugins=helm/v2-alpha`, as kubebuilder's helm plugin: records the plugin in PROJECT
 * and writes the Helm chart in `dist/chart` from the project and the manifests kb generate
 * wrote (kb generate, run right after, writes it again from fresh manifests, and keeps it in
 * step from then on: kb create api and kb create webhook run it). `.gitignore` lets the chart
 * back into git.
 */
export async function scaffoldHelmEdit(root: string, kbVersion: string, req: HelmEditRequest): Promise<Scaffolded & { readonly notes: readonly string[] }> {
  const { config } = readProject(root);
  const next = withHelmPlugin({ ...config, cliVersion: kbVersion });
  const tree = new VirtualTree(root);
  const kept = writeChart(tree, chartFiles(next, readChartManifests(root, next)), req.force);
  tree.write(PROJECT_FILE, formatProjectConfig(next));
  const notes = [
    `the chart is in ${CHART_DIR}: npm run helm-deploy installs it (helm upgrade --install ${config.projectName} ${CHART_DIR} --namespace ${config.projectName}-system --create-namespace, with the image IMG); ${CHART_WORKFLOW} tests it`,
    `kb generate (and so kb create api and kb create webhook) keeps its templates in step with the project; values.yaml, Chart.yaml, .helmignore, templates/_helpers.tpl and ${CHART_WORKFLOW} are yours (--force writes them anew)`,
    ...addHelmProjectFiles(tree, next, req.force),
  ];
  return { tree, kept, followUps: ["generate"], notes };
}

/** Files `kb generate` writes (with its default directories). */
function isGeneratedOutput(path: string): boolean {
  return path === "config/rbac/role.yaml" || path === "config/webhook/manifests.yaml" || path.startsWith("config/crd/bases/");
}

/** `kb alpha generate`: where to read PROJECT and where to write the re-scaffolded project. */
export interface AlphaGenerateRequest {
  readonly inputDir: string;
  readonly outputDir: string;
  readonly force: boolean;
  /** Where the new project's kubebuilder-ts comes from (as kb init's); the registry's range when absent. */
  readonly kbPackage?: KbPackage;
}

/**
 * `kb alpha generate`: scaffolds the project that PROJECT describes anew with the current
 * templates (init, then every resource's API and webhooks in PROJECT's order), for upgrades:
 * write it to an empty directory and compare, or over the project with `force`.
 */
export async function scaffoldAlphaGenerate(kbVersion: string, req: AlphaGenerateRequest): Promise<Scaffolded> {
  const { config, boilerplate } = readProject(req.inputDir);
  const tree = new VirtualTree(req.outputDir);
  const kept: string[] = [];
  for (const plan of replayPlans(config, boilerplate, kbVersion, req.kbPackage)) kept.push(...(await applyPlan(plan, tree, { force: req.force })).kept);
  // The packages of external kinds' types (--external-api-module) join package.json's dependencies again.
  for (const module of config.resources.flatMap((r) => (r.module ? [r.module] : []))) {
    await applyPlan(planWithExternalModule({ data: {}, templates: [], computed: [], insertions: [] }, (path) => tree.read(path), module), tree);
  }
  // The Helm chart: kb generate, run right after, writes it (PROJECT records the plugin).
  if (hasHelmPlugin(config)) addHelmProjectFiles(tree, config, req.force);
  return { tree, kept: kept.filter((k) => !tree.paths().includes(tree.resolve(k))), followUps: ["generate"] };
}

/** The plans that rebuild `config`'s project from nothing, in order. */
function* replayPlans(config: ProjectConfig, boilerplate: string, kbVersion: string, kbPackage?: KbPackage): Generator<ScaffoldPlan> {
  const base: ProjectConfig = { ...config, cliVersion: kbVersion };
  yield assembleInitPlan(base, boilerplate, kbVersion, kbPackage);
  const resources: ProjectResource[] = [];
  for (const r of config.resources) {
    const { webhooks: _webhooks, ...withoutWebhooks } = r;
    const storageVersion = r.api !== undefined && !resources.some((o) => o.api && o.group === r.group && o.kind === r.kind);
    resources.push(withoutWebhooks);
    yield assembleApiPlan({ ...base, resources: [...resources] }, withoutWebhooks, {
      boilerplate,
      kbVersion,
      resource: r.api !== undefined,
      controller: r.controller === true,
      controllerNames: r.controllers?.map((c) => c.name),
      storageVersion,
    });
  }
  for (const [i, r] of config.resources.entries()) {
    if (!r.webhooks) continue;
    resources[i] = r;
    const want = { defaulting: r.webhooks.defaulting === true, validation: r.webhooks.validation === true, conversionSpokes: r.webhooks.conversion ? (r.webhooks.spoke ?? []) : [] };
    yield assembleWebhookPlan({ ...base, resources: [...resources] }, r, want, { boilerplate, kbVersion });
  }
}

/** Renders a plan into an empty in-memory tree; returns path (relative) → content. */
async function renderIsolated(root: string, plan: ScaffoldPlan): Promise<Map<string, string>> {
  const tree = new VirtualTree(root, false);
  await applyPlan(plan, tree);
  return new Map(tree.paths().map((abs) => [relative(root, abs), tree.read(abs)!]));
}
