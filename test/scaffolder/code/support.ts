import { projectModel, type ProjectModel } from "../../../src/scaffolder/plan/project-model.js";
import type { ResourceModel } from "../../../src/scaffolder/plan/resource-model.js";
import { PROJECT_LAYOUT, PROJECT_VERSION, type ProjectConfig, type ProjectResource } from "../../../src/scaffolder/project-file/project-config.js";

/** An own API resource of PROJECT (`kb create api --resource --controller`). */
export function api(group: string, version: string, kind: string, extra: Partial<ProjectResource> = {}): ProjectResource {
  return { api: { crdVersion: "v1", namespaced: true }, controller: true, domain: "example.com", group, kind, path: `api/${version}`, version, ...extra };
}

/** A Kubernetes kind with a controller (`kb create api --group apps --kind Deployment --resource=false`). */
export function core(group: string, version: string, kind: string, domain?: string): ProjectResource {
  return { controller: true, core: true, domain, group, kind, version };
}

/** The template views of a project holding `resources`. */
export function project(resources: readonly ProjectResource[], options: Partial<ProjectConfig> = {}): ProjectModel {
  const config: ProjectConfig = {
    domain: "example.com",
    layout: [PROJECT_LAYOUT],
    projectName: "shop",
    version: PROJECT_VERSION,
    ...options,
    resources,
  };
  return projectModel(config, "0.1.0", "");
}

/** The resource of `model` with this group, version and kind. */
export function resource(model: ProjectModel, group: string, version: string, kind: string): ResourceModel {
  const r = model.resources.find((x) => x.group === group && x.version === version && x.kind === kind);
  if (!r) throw new Error(`no ${group}/${version} ${kind} in the project`);
  return r;
}
