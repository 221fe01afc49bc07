import { KbError } from "../../../diagnostics/index.js";
import type { ScaffoldPlan } from "../../machinery/scaffold-plan.js";
import { controllerKey, CORE_GROUPS, npmPackageOf, splitExternalApiModule } from "../../plan/names.js";
import { projectModel } from "../../plan/project-model.js";
import { resourceModel } from "../../plan/resource-model.js";
import { formatProjectConfig, PROJECT_FILE, type ProjectConfig, type ProjectResource } from "../../project-file/project-config.js";
import { defaultPlural } from "../../../generator/crd/plural.js";
import { joinParts } from "../plan-parts.js";
import { apiCodeFiles, controllerNames, controllersOf, isNamespacedKind } from "./api-code-files.js";
import { apiConfigFiles, managerClusterRoleBinding } from "./api-config-files.js";

/** What `kb create api` takes, flags already checked. */
export interface CreateApiRequest extends ExternalApiRequest {
  readonly resource: boolean;
  readonly controller: boolean;
  readonly namespaced: boolean;
  readonly plural?: string;
  /** The name of the controller (`--controller-name`), so that one resource can have several. */
  readonly controllerName?: string;
  readonly force: boolean;
}

/** A request that conflicts with PROJECT: refused before anything is written. */
export class ProjectConflictError extends KbError {
  constructor(message: string, hint?: string) {
    super("project-conflict", message, { hint });
    this.name = "ProjectConflictError";
  }
}

/** The kind `kb create api` and `kb create webhook` are for, and the flags that describe a kind of another project. */
export interface ExternalApiRequest {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The module exporting the kind's type (`--external-api-path`). */
  readonly externalApiPath?: string;
  /** The domain of the kind's group (`--external-api-domain`). */
  readonly externalApiDomain?: string;
  /** The npm package holding the kind's type, to depend on (`--external-api-module`). */
  readonly externalApiModule?: string;
}

/**
 * The external-API flags go together: a module names the package of a path (a `./` path is a
 * file of the project, of no package).
 */
export function checkExternalApiFlags(req: ExternalApiRequest): void {
  if (req.externalApiModule === undefined) return;
  if (req.externalApiPath === undefined) throw new ProjectConflictError("--external-api-module needs --external-api-path: the module the kind's type is imported from");
  const { name } = splitExternalApiModule(req.externalApiModule);
  if (!req.externalApiPath.startsWith("./") && npmPackageOf(req.externalApiPath) !== name) {
    throw new ProjectConflictError(`--external-api-path ${req.externalApiPath} is not in the package --external-api-module ${req.externalApiModule} adds (${name})`);
  }
}

/** The PROJECT entry of a kind of another project, as kubebuilder records one: its domain defaults to the project's. */
export function externalResourceEntry(config: ProjectConfig, req: ExternalApiRequest, plural: string | undefined): ProjectResource {
  return {
    domain: req.externalApiDomain ?? config.domain,
    external: true,
    group: req.group,
    kind: req.kind,
    module: req.externalApiModule,
    path: req.externalApiPath,
    plural,
    version: req.version,
  };
}

/** The new PROJECT and everything `kb create api` writes. */
export function planCreateApi(config: ProjectConfig, boilerplate: string, kbVersion: string, req: CreateApiRequest): { config: ProjectConfig; plan: ScaffoldPlan } {
  if (!req.resource && !req.controller) throw new ProjectConflictError("nothing to do: --resource=false and --controller=false");
  if (req.controllerName !== undefined && !req.controller) throw new ProjectConflictError("--controller-name names the controller to scaffold: it needs --controller");
  const external = req.externalApiPath !== undefined || req.externalApiDomain !== undefined || req.externalApiModule !== undefined;
  if (req.resource && external) {
    throw new ProjectConflictError("--external-api-path, --external-api-domain and --external-api-module describe a kind of another project: they need --resource=false");
  }
  checkExternalApiFlags(req);
  const existing = config.resources.findIndex((r) => r.group === req.group && r.version === req.version && r.kind === req.kind);
  const before = existing >= 0 ? config.resources[existing] : undefined;
  const entry = resourceEntry(config, req, before);
  const gvk = `${req.group}/${req.version}, Kind=${req.kind}`;
  if (before && !req.force) {
    if (req.resource && before.api) throw new ProjectConflictError(`the API ${gvk} already exists in PROJECT`, "pass --resource=false to add only a controller, or --force to scaffold it again");
    if (req.controller && req.controllerName === undefined && before.controller) {
      throw new ProjectConflictError(`a controller for ${gvk} already exists in PROJECT`, "pass --controller-name <name> to add another one, or --force to scaffold it again");
    }
  }
  if (req.resource && !config.multigroup) {
    const other = config.resources.find((r) => r.api && r.group !== req.group);
    if (other) throw new ProjectConflictError(`this project holds the group ${other.group}; a second group (${req.group}) needs a multigroup layout`, "run kb edit --multigroup first");
  }
  const controllers = req.controller ? checkControllerName(config, before, req) : undefined;
  const merged: ProjectResource = {
    ...(before ?? {}),
    ...entry,
    api: entry.api ?? before?.api,
    controller: controllers === undefined ? (entry.controller || before?.controller) : undefined,
    controllers: controllers ?? before?.controllers,
    webhooks: before?.webhooks,
  };
  const resources = existing >= 0 ? config.resources.map((r, i) => (i === existing ? merged : r)) : [...config.resources, merged];
  const next: ProjectConfig = { ...config, cliVersion: kbVersion, resources };
  if (req.controller) checkControllerFiles(next, merged, req.controllerName);
  // The first API version of a group-kind in PROJECT is its storage version (also when re-scaffolded with --force).
  const storageVersion = req.resource && next.resources.find((r) => r.api && r.group === req.group && r.kind === req.kind)?.version === req.version;
  const plan = assembleApiPlan(next, merged, {
    boilerplate,
    kbVersion,
    resource: req.resource,
    controller: req.controller && req.controllerName === undefined,
    controllerNames: req.controller && req.controllerName !== undefined ? [req.controllerName] : [],
    storageVersion,
  });
  return { config: next, plan };
}

/**
 * With `--controller-name`, the resource's named controllers after this one is added (as
 * kubebuilder records them, its unnamed controller becomes one named after the kind); without
 * it, undefined, unless the resource has named controllers already, which then needs a name.
 */
function checkControllerName(config: ProjectConfig, before: ProjectResource | undefined, req: CreateApiRequest): ProjectResource["controllers"] {
  const gvk = `${req.group}/${req.version}, Kind=${req.kind}`;
  const named = before?.controllers ?? [];
  if (req.controllerName === undefined) {
    if (named.length > 0) {
      throw new ProjectConflictError(
        `${gvk} has named controllers (${named.map((c) => c.name).join(", ")}) in PROJECT: another one needs a name`,
        "pass --controller-name <name>, or --controller=false to scaffold no controller",
      );
    }
    return undefined;
  }
  const name = req.controllerName;
  const all = [...(before?.controller ? [{ name: req.kind.toLowerCase() }] : []), ...named];
  const same = all.find((c) => c.name === name);
  if (same && !req.force) throw new ProjectConflictError(`a controller named ${name} for ${gvk} already exists in PROJECT`, "choose another --controller-name, or pass --force to scaffold it again");
  const clash = all.find((c) => c.name !== name && controllerKey(c.name) === controllerKey(name));
  if (clash) throw new ProjectConflictError(`--controller-name ${name} and the controller ${clash.name} of ${gvk} would get the same file and class names`, "choose a name that differs in more than dashes");
  return same ? all : [...all, { name }];
}

/** A controller's file or setup function must not be another resource's in the same group (`--controller-name backup` for two kinds). */
function checkControllerFiles(config: ProjectConfig, entry: ProjectResource, controllerName: string | undefined): void {
  const project = projectModel(config, "", "");
  const r = resourceModel(config, entry);
  const mine = controllerNames(project, r, controllerName);
  for (const other of config.resources) {
    if (other === entry || other.group !== entry.group) continue;
    const o = resourceModel(config, other);
    for (const n of controllersOf(o)) {
      const theirs = controllerNames(project, o, n);
      if (theirs.file === mine.file || theirs.setupName === mine.setupName) {
        const flag = controllerName === undefined ? "the controller" : `--controller-name ${controllerName}`;
        throw new ProjectConflictError(
          `${flag} would be ${mine.file}.ts with ${mine.setupName}, as the controller ${n ?? o.lowerKind} of ${other.group}/${other.version}, Kind=${other.kind} is`,
          "choose another --controller-name",
        );
      }
    }
  }
}

/** How one resource's API files are scaffolded (by `kb create api`, and by `kb alpha generate` for each resource). */
export interface ApiPlanOptions {
  readonly boilerplate: string;
  readonly kbVersion: string;
  readonly resource: boolean;
  /** Scaffold the resource's unnamed controller. */
  readonly controller: boolean;
  /** Scaffold these named controllers of the resource (`--controller-name`). */
  readonly controllerNames?: readonly string[];
  /** Mark these types as the storage version (the first version of its kind in the project). */
  readonly storageVersion: boolean;
}

/** The plan of `entry`'s API files, in the project `config` (which already lists `entry`). */
export function assembleApiPlan(config: ProjectConfig, entry: ProjectResource, options: ApiPlanOptions): ScaffoldPlan {
  const project = projectModel(config, options.kbVersion, options.boilerplate);
  const resource = resourceModel(config, entry);
  const input = { project, resource };
  const part = joinParts(
    apiCodeFiles(input, { resource: options.resource, controllers: [...(options.controller ? [undefined] : []), ...(options.controllerNames ?? [])] }),
    options.resource ? apiConfigFiles(input) : { templates: [], insertions: [] },
    managerClusterRoleBinding(project, (options.controller || (options.controllerNames?.length ?? 0) > 0) && !isNamespacedKind(resource)),
  );
  return {
    data: { project, resource, storageVersion: options.storageVersion },
    templates: part.templates,
    computed: [{ path: PROJECT_FILE, content: formatProjectConfig(config), ifExists: "overwrite" }],
    insertions: part.insertions,
  };
}

function resourceEntry(config: ProjectConfig, req: CreateApiRequest, before: ProjectResource | undefined): ProjectResource {
  const controller = req.controller && req.controllerName === undefined ? true : undefined;
  if (req.resource) {
    const plural = req.plural && req.plural !== defaultPlural(req.kind) ? req.plural : undefined;
    return {
      api: { crdVersion: "v1", namespaced: req.namespaced || undefined },
      controller,
      domain: config.domain,
      group: req.group,
      kind: req.kind,
      path: `api/${config.multigroup ? `${req.group}/` : ""}${req.version}`,
      plural,
      version: req.version,
    };
  }
  // A controller for a kind whose types live elsewhere: a Kubernetes kind, or another project's.
  if (req.externalApiDomain !== undefined || req.externalApiPath !== undefined) {
    if (before?.api) throw new ProjectConflictError(`${req.group}/${req.version}, Kind=${req.kind} is an API of this project: --external-api-* describe a kind of another project`);
    return { controller, ...externalResourceEntry(config, req, req.plural) };
  }
  // Already in PROJECT (a webhook came first, or another controller): as it is recorded there.
  if (before && !before.api) return { ...before, controller };
  // The project's own kind first: a group such as batch is both Kubernetes' and, often, the project's.
  const own = config.resources.find((r) => r.api && r.group === req.group && r.kind === req.kind);
  if (own) return { controller, domain: config.domain, group: req.group, kind: req.kind, path: own.path?.replace(/[^/]+$/, req.version), version: req.version };
  const coreDomain = CORE_GROUPS[req.group];
  if (coreDomain !== undefined) return { controller, core: true, domain: coreDomain || undefined, group: req.group, kind: req.kind, version: req.version };
  throw new ProjectConflictError(
    `${req.group}/${req.version} ${req.kind} is not a Kubernetes group nor an API of this project`,
    "pass --resource to scaffold its types, or --external-api-path <module> (and --external-api-domain <domain>) for another project's API",
  );
}
