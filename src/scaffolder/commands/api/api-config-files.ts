import type { PlanPart, ResourcePartInput } from "../plan-parts.js";

/**
 * What `kb create api` adds under `config/` for a resource with API types: the sample
 * custom resource, the admin/editor/viewer roles, and their entries in the kustomizations.
 */
export function apiConfigFiles(_input: ResourcePartInput): PlanPart {
  return { templates: [], insertions: [] };
}
