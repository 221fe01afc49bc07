import { BOILERPLATE_FILE } from "../../project-file/read-project.js";
import { formatProjectConfig, PROJECT_FILE, PROJECT_LAYOUT, PROJECT_VERSION, type ProjectConfig } from "../../project-file/project-config.js";
import type { ScaffoldPlan } from "../../machinery/scaffold-plan.js";
import { boilerplateText, projectModel, type InitOptions } from "../../plan/project-model.js";
import { joinParts } from "../plan-parts.js";
import { initConfigFiles } from "./init-config-files.js";
import { initProjectFiles } from "./init-project-files.js";
import type { KbPackage } from "./kb-package.js";

/** What `kb init` takes, flags already checked. */
export interface InitRequest extends InitOptions {
  readonly domain: string;
  readonly projectName: string;
  readonly multigroup: boolean;
  readonly namespaced: boolean;
  readonly kbVersion: string;
  /** Where the project's kubebuilder-ts comes from (default: the registry's `^kbVersion`). */
  readonly kbPackage?: KbPackage;
}

/** The PROJECT of a new project. */
export function initialConfig(req: InitRequest): ProjectConfig {
  return {
    cliVersion: req.kbVersion,
    domain: req.domain,
    layout: [PROJECT_LAYOUT],
    multigroup: req.multigroup || undefined,
    namespaced: req.namespaced || undefined,
    projectName: req.projectName,
    resources: [],
    version: PROJECT_VERSION,
  };
}

/** Everything `kb init` writes. */
export function planInit(req: InitRequest): ScaffoldPlan {
  return assembleInitPlan(initialConfig(req), boilerplateText(req), req.kbVersion, req.kbPackage);
}

/** The plan of a project's own files (no resources yet) for `config`, with `boilerplate` as its licence text. */
export function assembleInitPlan(config: ProjectConfig, boilerplate: string, kbVersion: string, kbPackage?: KbPackage): ScaffoldPlan {
  const project = projectModel({ ...config, resources: [] }, kbVersion, boilerplate);
  const part = joinParts(initProjectFiles(project, kbPackage), initConfigFiles(project));
  return {
    data: { project },
    templates: part.templates,
    computed: [
      { path: PROJECT_FILE, content: formatProjectConfig({ ...config, resources: [] }), ifExists: "error" },
      ...(boilerplate ? [{ path: BOILERPLATE_FILE, content: boilerplate, ifExists: "error" as const }] : []),
    ],
    insertions: part.insertions,
  };
}
