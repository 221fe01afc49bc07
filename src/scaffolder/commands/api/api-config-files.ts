import type { Insertion, TemplateFile } from "../../machinery/scaffold-plan.js";
import type { ProjectModel } from "../../plan/project-model.js";
import type { ResourceModel } from "../../plan/resource-model.js";
import { CONFIG_MARKERS } from "../init/init-config-files.js";
import type { PlanPart, ResourcePartInput } from "../plan-parts.js";

/** The helper roles `kb create api` writes for each kind. */
export const HELPER_ROLES = ["admin", "editor", "viewer"] as const;
/** One of {@link HELPER_ROLES}. */
export type HelperRole = (typeof HELPER_ROLES)[number];

/**
 * Where a kind's helper role goes and what it is called: `config/rbac/<kind>_<role>_role.yaml`
 * and `<kind>-<role>-role`, with the group in front in a multigroup project (two groups
 * may hold the same kind), as kubebuilder names them.
 */
export function helperRole(project: ProjectModel, resource: ResourceModel, role: HelperRole): { file: string; name: string } {
  const prefix = project.multigroup ? `${resource.group}_${resource.lowerKind}` : resource.lowerKind;
  return { file: `${prefix}_${role}_role.yaml`, name: `${prefix.replace(/_/g, "-")}-${role}-role` };
}

/** The binding of the manager's ClusterRole in a namespaced project, under `config/rbac/`. */
export const MANAGER_CLUSTER_ROLE_BINDING = "manager_cluster_role_binding.yaml";

/**
 * What a controller of a cluster-scoped kind needs in a namespaced project: its RBAC markers
 * name no namespace, so kb generate writes their rules into a ClusterRole, and this binds
 * that ClusterRole to the manager (the project's own binding is a RoleBinding of its Role).
 * Shared by every such controller; nothing in a cluster-wide project, or for namespaced kinds.
 */
export function managerClusterRoleBinding(project: ProjectModel, clusterScopedController: boolean): PlanPart {
  if (!project.namespaced || !clusterScopedController) return { templates: [], insertions: [] };
  return {
    templates: [{ template: `api/config/rbac/${MANAGER_CLUSTER_ROLE_BINDING}.ejs`, path: `config/rbac/${MANAGER_CLUSTER_ROLE_BINDING}`, ifExists: "skip" }],
    insertions: [{ path: "config/rbac/kustomization.yaml", marker: CONFIG_MARKERS.rbacResources, fragments: [`- ${MANAGER_CLUSTER_ROLE_BINDING}`] }],
  };
}

/** The CRD file kb generate writes for a resource, relative to `config/crd`. */
export function crdBaseFile(resource: ResourceModel): string {
  return `bases/${resource.apiGroup}_${resource.plural}.yaml`;
}

/**
 * What `kb create api` adds under `config/` for a resource with API types: the sample
 * custom resource, the admin/editor/viewer roles, and their entries in the kustomizations,
 * with the CRD that kb generate writes right after. The roles are the same for every version
 * of a kind, so a second version keeps them.
 */
export function apiConfigFiles({ project, resource }: ResourcePartInput): PlanPart {
  const roles = HELPER_ROLES.map((role) => ({ role, ...helperRole(project, resource, role) }));
  const templates: TemplateFile[] = [
    { template: "api/config/samples/sample.yaml.ejs", path: resource.sampleFile, ifExists: "error" },
    ...roles.map(({ role, file, name }): TemplateFile => ({
      template: `api/config/rbac/kind_${role}_role.yaml.ejs`,
      path: `config/rbac/${file}`,
      ifExists: "skip",
      data: { roleName: name },
    })),
  ];
  const insertions: Insertion[] = [
    { path: "config/samples/kustomization.yaml", marker: CONFIG_MARKERS.samples, fragments: [`- ${resource.sampleFile.replace(/^config\/samples\//, "")}`] },
    { path: "config/rbac/kustomization.yaml", marker: CONFIG_MARKERS.rbacResources, fragments: roles.map(({ file }) => `- ${file}`) },
    { path: "config/crd/kustomization.yaml", marker: CONFIG_MARKERS.crdResources, fragments: [`- ${crdBaseFile(resource)}`] },
  ];
  return { templates, insertions };
}
