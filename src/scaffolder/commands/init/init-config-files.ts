import { mirrored, type PlanPart } from "../plan-parts.js";
import type { ProjectModel } from "../../plan/project-model.js";

/** The kustomize tree under `config/` that `kb init` writes, as kubebuilder's go/v4 layout does. */
export function initConfigFiles(_project: ProjectModel): PlanPart {
  return {
    templates: [mirrored("init", "config/crd/kustomization.yaml"), mirrored("init", "config/samples/kustomization.yaml")],
    insertions: [],
  };
}
