import type { DiagnosticList } from "../../diagnostics/index.js";
import type { Marker } from "../../markers/index.js";
import { RBAC_MARKER } from "../../markers/definitions/rbac.js";
import { compareGoStrings } from "./go-strings.js";
import { normalizeRules } from "./normalize-rules.js";
import { RBAC_API_VERSION, type RbacRule, type RoleDocument } from "./policy-rule.js";
import { readRbacRule } from "./read-rule.js";

/** The file the RBAC generator writes, in the RBAC output directory. */
export const RBAC_OUTPUT_FILE = "role.yaml";

/** Options of {@link buildRbac}. */
export interface BuildRbacOptions {
  /** The name of the ClusterRole and Roles, unless a marker sets `roleName` (`manager-role`). */
  readonly roleName: string;
}

/**
 * Builds the documents of `config/rbac/role.yaml` from `+kubebuilder:rbac` markers (other
 * markers are ignored), as controller-gen's RBAC generator does: the rules are grouped by
 * namespace and role name, each group is merged and sorted by {@link normalizeRules}, and
 * becomes a ClusterRole (no namespace) or a Role; the roles are ordered by namespace, then
 * name, so the ClusterRole comes first. Invalid markers are reported to `diagnostics` and
 * left out. No markers give no documents.
 *
 * @example
 * const docs = buildRbac(markers, { roleName: "manager-role" }, diagnostics);
 * if (docs.length > 0) write(RBAC_OUTPUT_FILE, toYaml(docs));
 */
export function buildRbac(
  markers: readonly Marker[],
  options: BuildRbacOptions,
  diagnostics: DiagnosticList,
): RoleDocument[] {
  const byRole = new Map<string, { namespace: string; roleName: string; rules: RbacRule[] }>();
  for (const marker of markers) {
    if (marker.name !== RBAC_MARKER) continue;
    const rule = readRbacRule(marker, options.roleName, diagnostics);
    if (rule === undefined) continue;
    const key = JSON.stringify([rule.namespace, rule.roleName]);
    const role = byRole.get(key) ?? { namespace: rule.namespace, roleName: rule.roleName, rules: [] };
    role.rules.push(rule);
    byRole.set(key, role);
  }

  const roles = [...byRole.values()].sort(
    (a, b) => compareGoStrings(a.namespace, b.namespace) || compareGoStrings(a.roleName, b.roleName),
  );
  const documents: RoleDocument[] = [];
  for (const role of roles) {
    const rules = normalizeRules(role.rules);
    if (rules.length === 0) continue;
    documents.push(
      role.namespace === ""
        ? { apiVersion: RBAC_API_VERSION, kind: "ClusterRole", metadata: { name: role.roleName }, rules }
        : {
            apiVersion: RBAC_API_VERSION,
            kind: "Role",
            metadata: { name: role.roleName, namespace: role.namespace },
            rules,
          },
    );
  }
  return documents;
}
