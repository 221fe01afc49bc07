import type { SourceLocation } from "../../diagnostics/index.js";

/** The API version of the generated roles. */
export const RBAC_API_VERSION = "rbac.authorization.k8s.io/v1";

/**
 * One rule of a generated role, as Kubernetes' `rbacv1.PolicyRule` serialises it: empty
 * lists are left out, except `verbs`, which is always present.
 */
export interface PolicyRule {
  apiGroups?: string[];
  nonResourceURLs?: string[];
  resourceNames?: string[];
  resources?: string[];
  verbs: string[];
}

/** A generated `ClusterRole` (no namespace) or `Role`. */
export interface RoleDocument {
  apiVersion: typeof RBAC_API_VERSION;
  kind: "ClusterRole" | "Role";
  metadata: { name: string; namespace?: string };
  rules: PolicyRule[];
}

/**
 * One valid `+kubebuilder:rbac` marker, read into plain lists: `groups` still holds `core`
 * where the user wrote it, and `roleName` is already the effective role name.
 */
export interface RbacRule {
  readonly groups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly verbs: readonly string[];
  readonly urls: readonly string[];
  /** `""` for the ClusterRole. */
  readonly namespace: string;
  readonly roleName: string;
  readonly location: SourceLocation;
}
