import { createHash } from "node:crypto";
import type { ResourceRegistry } from "../store/resource-registry.js";
import { apiVersionOf } from "../store/kind-info.js";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
/** The order the API server lists a custom resource's verbs in. */
const CUSTOM_VERBS = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

/** `storageVersionHash`: the first 8 bytes of SHA-256 of `group/version/kind` at the storage version, base64. */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash("sha256").update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString("base64");
}
const STATUS_VERBS = ["get", "patch", "update"];

/** The version the test server reports at `/version`. */
export const SERVER_VERSION = {
  major: "1",
  minor: "33",
  gitVersion: "v1.33.0-kubebuilder-ts-testing",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2025-01-01T00:00:00Z",
  goVersion: "none (kubebuilder-ts in-process test server)",
  compiler: "none",
  platform: "linux/amd64",
} as const;

/** `/api`: the core group's versions. */
export function coreVersions(serverAddress: string): object {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
}

function groupDocument(group: string, versions: readonly string[], preferred: string): object {
  return {
    name: group,
    versions: versions.map((v) => ({ groupVersion: apiVersionOf(group, v), version: v })),
    preferredVersion: { groupVersion: apiVersionOf(group, preferred), version: preferred },
  };
}

/** `/apis`: every named group. */
export function groupList(registry: ResourceRegistry): object {
  const groups = registry
    .groupVersions()
    .filter((g) => g.group !== "")
    .map((g) => groupDocument(g.group, g.versions, g.preferred));
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function groupInfo(registry: ResourceRegistry, group: string): object | undefined {
  const g = registry.groupVersions().find((x) => x.group === group && group !== "");
  return g ? { kind: "APIGroup", apiVersion: "v1", ...groupDocument(g.group, g.versions, g.preferred) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`: the resources served there, or undefined. */
export function resourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const kinds = registry.kindsAt(group, version);
  if (kinds.length === 0) return undefined;
  const resources: object[] = [];
  for (const r of kinds) {
    const { info } = r;
    resources.push({
      name: info.plural,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: !info.builtin ? CUSTOM_VERBS : info.noDeleteCollection ? VERBS.filter((v) => v !== "deletecollection") : VERBS,
      storageVersionHash: storageVersionHash(info.group, info.storageVersion, info.kind),
      ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
      ...(info.categories.length > 0 ? { categories: info.categories } : {}),
    });
    if (r.version.statusSubresource) {
      resources.push({ name: `${info.plural}/status`, singularName: "", namespaced: info.namespaced, kind: info.kind, verbs: STATUS_VERBS });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf(group, version), resources };
}
