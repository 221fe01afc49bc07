import type { Insertion, TemplateFile } from "../../machinery/scaffold-plan.js";
import type { PlanPart, ResourcePartInput } from "../plan-parts.js";

/**
 * The TypeScript that `kb create api` writes for one resource: API types and
 * `groupversion-info.ts` (with `--resource`), a reconciler and its test (with
 * `--controller`), and the controller's registration in `src/main.ts`.
 */
export function apiCodeFiles({ resource: r }: ResourcePartInput, want: { resource: boolean; controller: boolean }): PlanPart {
  const templates: TemplateFile[] = [];
  const insertions: Insertion[] = [];
  if (want.resource) {
    templates.push({ template: "api/api/groupversion-info.ts.ejs", path: `${r.apiDir}/groupversion-info.ts`, ifExists: "skip" });
    templates.push({ template: "api/api/types.ts.ejs", path: `${r.apiDir}/${r.typesFile}.ts`, ifExists: "error" });
  }
  if (want.controller) {
    templates.push({ template: "api/src/controllers/controller.ts.ejs", path: `${r.controllerPath}.ts`, ifExists: "error" });
  }
  return { templates, insertions };
}
