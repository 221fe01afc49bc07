import { mirrored, type PlanPart } from "../plan-parts.js";
import type { ProjectModel } from "../../plan/project-model.js";

/**
 * The project's own files that `kb init` writes, outside `config/`: package.json, tsconfig,
 * the manager's entry point, lint and format settings, Dockerfile, CI, README, e2e tests.
 */
export function initProjectFiles(_project: ProjectModel): PlanPart {
  return {
    templates: [
      mirrored("init", ".prettierrc.json"),
      mirrored("init", "package.json"),
      mirrored("init", "tsconfig.json"),
      mirrored("init", "src/main.ts"),
    ],
    insertions: [],
  };
}
