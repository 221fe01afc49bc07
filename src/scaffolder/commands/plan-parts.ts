import type { ProjectModel } from "../plan/project-model.js";
import type { ResourceModel } from "../plan/resource-model.js";
import type { IfExists, Insertion, TemplateFile } from "../machinery/scaffold-plan.js";

/** One area's share of a command's plan (its templates and its insertions). */
export interface PlanPart {
  readonly templates: readonly TemplateFile[];
  readonly insertions: readonly Insertion[];
}

/** What a per-resource part is computed from. */
export interface ResourcePartInput {
  readonly project: ProjectModel;
  readonly resource: ResourceModel;
}

/** A template file of `command` mirrored to the same path in the project (`init/Dockerfile.ejs` → `Dockerfile`). */
export function mirrored(command: string, path: string, ifExists: IfExists = "error"): TemplateFile {
  return { template: `${command}/${path}.ejs`, path, ifExists };
}

/** Joins parts into one. */
export function joinParts(...parts: readonly PlanPart[]): PlanPart {
  return { templates: parts.flatMap((p) => p.templates), insertions: parts.flatMap((p) => p.insertions) };
}
