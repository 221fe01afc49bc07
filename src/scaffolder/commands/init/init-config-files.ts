import { mirrored, type PlanPart } from "../plan-parts.js";
import type { ProjectModel } from "../../plan/project-model.js";

/**
 * The insertion markers of the kustomize tree. `kb create api` and `kb create webhook` add
 * list items just above them (plan insertions), so these files are never rewritten and
 * re-running a command never duplicates an entry.
 */
export const CONFIG_MARKERS = {
  /** `config/default/kustomization.yaml` `resources:` (`../webhook`, `../certmanager`). */
  defaultResources: "+kubebuilder:scaffold:defaultkustomizeresource",
  /** `config/default/kustomization.yaml` `patches:` (the manager's webhook patch). */
  defaultPatches: "+kubebuilder:scaffold:defaultkustomizepatch",
  /** `config/default/kustomization.yaml` `replacements:` (certificate DNS names, CA injection). */
  defaultReplacements: "+kubebuilder:scaffold:defaultkustomizereplacement",
  /** `config/crd/kustomization.yaml` `resources:` (`bases/<apiGroup>_<plural>.yaml`). */
  crdResources: "+kubebuilder:scaffold:crdkustomizeresource",
  /** `config/crd/kustomization.yaml` `patches:` (conversion webhook patches). */
  crdWebhookPatches: "+kubebuilder:scaffold:crdkustomizewebhookpatch",
  /** `config/rbac/kustomization.yaml` `resources:` (admin/editor/viewer roles). */
  rbacResources: "+kubebuilder:scaffold:rbackustomizeresource",
  /** `config/samples/kustomization.yaml` `resources:` (sample objects). */
  samples: "+kubebuilder:scaffold:manifestskustomizesamples",
  /** `config/network-policy/kustomization.yaml` `resources:` (the webhook traffic policy). */
  networkPolicyResources: "+kubebuilder:scaffold:networkpolicykustomizeresource",
  /** `config/webhook/kustomization.yaml` `resources:` (`manifests.yaml`, once kb generate writes it). */
  webhookResources: "+kubebuilder:scaffold:webhookkustomizeresource",
} as const;

const INIT_CONFIG_FILES = [
  "config/default/kustomization.yaml",
  "config/default/metrics_service.yaml",
  "config/default/manager_metrics_patch.yaml",
  "config/default/cert_metrics_manager_patch.yaml",
  "config/manager/kustomization.yaml",
  "config/manager/manager.yaml",
  "config/rbac/kustomization.yaml",
  "config/rbac/service_account.yaml",
  "config/rbac/role.yaml",
  "config/rbac/role_binding.yaml",
  "config/rbac/leader_election_role.yaml",
  "config/rbac/leader_election_role_binding.yaml",
  "config/rbac/metrics_auth_role.yaml",
  "config/rbac/metrics_auth_role_binding.yaml",
  "config/rbac/metrics_reader_role.yaml",
  "config/prometheus/kustomization.yaml",
  "config/prometheus/monitor.yaml",
  "config/prometheus/monitor_tls_patch.yaml",
  "config/network-policy/kustomization.yaml",
  "config/network-policy/allow-metrics-traffic.yaml",
  "config/crd/kustomization.yaml",
  "config/crd/kustomizeconfig.yaml",
  "config/samples/kustomization.yaml",
] as const;

/**
 * The kustomize tree under `config/` that `kb init` writes, as kubebuilder's go/v4 layout
 * does: `config/default` (the overlay `kubectl apply -k` deploys), `config/manager`,
 * `config/rbac`, `config/prometheus`, `config/network-policy`, and the lists that
 * `kb create api` fills: `config/crd` and `config/samples`. `config/rbac/role.yaml` is the
 * manager's role until `kb generate` writes it from the controllers' RBAC markers.
 */
export function initConfigFiles(_project: ProjectModel): PlanPart {
  return { templates: INIT_CONFIG_FILES.map((path) => mirrored("init", path)), insertions: [] };
}
