import { KbError } from "../../../diagnostics/index.js";
import type { ScaffoldPlan } from "../../machinery/scaffold-plan.js";
import { CORE_GROUPS } from "../../plan/names.js";
import { projectModel } from "../../plan/project-model.js";
import { resourceModel } from "../../plan/resource-model.js";
import { formatProjectConfig, PROJECT_FILE, type ProjectConfig, type ProjectResource } from "../../project-file/project-config.js";
import { defaultPlural } from "../../../generator/crd/plural.js";
import { joinParts } from "../plan-parts.js";
import { apiCodeFiles, isNamespacedKind } from "./api-code-files.js";
import { apiConfigFiles, managerClusterRoleBinding } from "./api-config-files.js";

/** What `kb create api` takes, flags already checked. */
export interface CreateApiRequest {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: boolean;
  readonly controller: boolean;
  readonly namespaced: boolean;
  readonly plural?: string;
  /** The domain of an external API's group (`--external-api-domain`). */
  readonly externalApiDomain?: string;
  readonly force: boolean;
}

/** A request that conflicts with PROJECT: refused before anything is written. */
export class ProjectConflictError extends KbError {
  constructor(message: string, hint?: string) {
    super("project-conflict", message, { hint });
    this.name = "ProjectConflictError";
  }
}

/** The new PROJECT and everything `kb create api` writes. */
export function planCreateApi(config: ProjectConfig, boilerplate: string, kbVersion: string, req: CreateApiRequest): { config: ProjectConfig; plan: ScaffoldPlan } {
  if (!req.resource && !req.controller) throw new ProjectConflictError("nothing to do: --resource=false and --controller=false");
  const entry = resourceEntry(config, req);
  const existing = config.resources.findIndex((r) => r.group === req.group && r.version === req.version && r.kind === req.kind);
  const before = existing >= 0 ? config.resources[existing] : undefined;
  const gvk = `${req.group}/${req.version}, Kind=${req.kind}`;
  if (before && !req.force) {
    if (req.resource && before.api) throw new ProjectConflictError(`the API ${gvk} already exists in PROJECT`, "pass --resource=false to add only a controller, or --force to scaffold it again");
    if (req.controller && before.controller) throw new ProjectConflictError(`a controller for ${gvk} already exists in PROJECT`, "pass --force to scaffold it again");
  }
  if (req.resource && !config.multigroup) {
    const other = config.resources.find((r) => r.api && r.group !== req.group);
    if (other) throw new ProjectConflictError(`this project holds the group ${other.group}; a second group (${req.group}) needs a multigroup layout`, "run kb edit --multigroup first");
  }
  const merged: ProjectResource = before
    ? { ...before, ...entry, api: entry.api ?? before.api, controller: entry.controller || before.controller, webhooks: before.webhooks }
    : entry;
  const resources = existing >= 0 ? config.resources.map((r, i) => (i === existing ? merged : r)) : [...config.resources, merged];
  const next: ProjectConfig = { ...config, cliVersion: kbVersion, resources };
  // The first API version of a group-kind in PROJECT is its storage version (also when re-scaffolded with --force).
  const storageVersion = req.resource && next.resources.find((r) => r.api && r.group === req.group && r.kind === req.kind)?.version === req.version;
  return { config: next, plan: assembleApiPlan(next, merged, { boilerplate, kbVersion, resource: req.resource, controller: req.controller, storageVersion }) };
}

/** How one resource's API files are scaffolded (by `kb create api`, and by `kb alpha generate` for each resource). */
export interface ApiPlanOptions {
  readonly boilerplate: string;
  readonly kbVersion: string;
  readonly resource: boolean;
  readonly controller: boolean;
  /** Mark these types as the storage version (the first version of its kind in the project). */
  readonly storageVersion: boolean;
}

/** The plan of `entry`'s API files, in the project `config` (which already lists `entry`). */
export function assembleApiPlan(config: ProjectConfig, entry: ProjectResource, options: ApiPlanOptions): ScaffoldPlan {
  const project = projectModel(config, options.kbVersion, options.boilerplate);
  const resource = resourceModel(config, entry);
  const input = { project, resource };
  const part = joinParts(
    apiCodeFiles(input, { resource: options.resource, controller: options.controller }),
    options.resource ? apiConfigFiles(input) : { templates: [], insertions: [] },
    managerClusterRoleBinding(project, options.controller && !isNamespacedKind(resource)),
  );
  return {
    data: { project, resource, storageVersion: options.storageVersion },
    templates: part.templates,
    computed: [{ path: PROJECT_FILE, content: formatProjectConfig(config), ifExists: "overwrite" }],
    insertions: part.insertions,
  };
}

function resourceEntry(config: ProjectConfig, req: CreateApiRequest): ProjectResource {
  if (req.resource) {
    const plural = req.plural && req.plural !== defaultPlural(req.kind) ? req.plural : undefined;
    return {
      api: { crdVersion: "v1", namespaced: req.namespaced || undefined },
      controller: req.controller || undefined,
      domain: config.domain,
      group: req.group,
      kind: req.kind,
      path: `api/${config.multigroup ? `${req.group}/` : ""}${req.version}`,
      plural,
      version: req.version,
    };
  }
  // A controller for a kind whose types live elsewhere: a Kubernetes kind, or another project's.
  if (req.externalApiDomain !== undefined) {
    return { controller: true, domain: req.externalApiDomain, external: true, group: req.group, kind: req.kind, plural: req.plural, version: req.version };
  }
  // The project's own kind first: a group such as batch is both Kubernetes' and, often, the project's.
  const own = config.resources.find((r) => r.api && r.group === req.group && r.kind === req.kind);
  if (own) return { controller: true, domain: config.domain, group: req.group, kind: req.kind, path: own.path?.replace(/[^/]+$/, req.version), version: req.version };
  const coreDomain = CORE_GROUPS[req.group];
  if (coreDomain !== undefined) return { controller: true, core: true, domain: coreDomain || undefined, group: req.group, kind: req.kind, version: req.version };
  throw new ProjectConflictError(
    `${req.group}/${req.version} ${req.kind} is not a Kubernetes group nor an API of this project`,
    "pass --resource to scaffold its types, or --external-api-domain <domain> for another project's API",
  );
}
