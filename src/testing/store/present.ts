import { builtinStructure, schemaStructure, type Structure } from "../patch/structure.js";
import { clone, type JsonObject } from "./json.js";
import { apiVersionOf, type ResolvedResource } from "./kind-info.js";

/** A copy of a stored object as the requested version shows it (conversion strategy None: only apiVersion changes). */
export function present(res: ResolvedResource, stored: JsonObject): JsonObject {
  const out: JsonObject = { kind: res.info.kind, apiVersion: res.apiVersion };
  for (const key of Object.keys(stored)) {
    const value = stored[key];
    if (key !== "kind" && key !== "apiVersion" && value !== undefined) out[key] = clone(value);
  }
  return out;
}

/** `object` (taken over) as it is stored: at the kind's storage version. */
export function toStorage(res: ResolvedResource, object: JsonObject): JsonObject {
  object["apiVersion"] = apiVersionOf(res.info.group, res.info.storageVersion);
  return object;
}

/** How server-side apply sees the kind's shape. */
export function structureOf(res: ResolvedResource): Structure {
  return res.info.builtin ? builtinStructure() : schemaStructure(res.version.schema);
}

const POD_TEMPLATE = ["template", "template.metadata", "template.spec"];

/** Struct-valued fields of the built-in kinds (beyond `spec` and `status`), by storage key: maps every object has. */
const STRUCT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "apps/deployments": [...POD_TEMPLATE, "strategy"].map((p) => `spec.${p}`),
  "apps/statefulsets": [...POD_TEMPLATE, "updateStrategy"].map((p) => `spec.${p}`),
  "apps/daemonsets": [...POD_TEMPLATE, "updateStrategy"].map((p) => `spec.${p}`),
  "apps/replicasets": POD_TEMPLATE.map((p) => `spec.${p}`),
  "batch/jobs": POD_TEMPLATE.map((p) => `spec.${p}`),
  "batch/cronjobs": ["jobTemplate", "jobTemplate.metadata", "jobTemplate.spec", ...POD_TEMPLATE.map((p) => `jobTemplate.spec.${p}`)].map((p) => `spec.${p}`),
  "/services": ["status.loadBalancer"],
  "networking.k8s.io/ingresses": ["status.loadBalancer"],
  "/persistentvolumeclaims": ["spec.resources"],
};

/**
 * Whether a map exists in every object of the kind, as a built-in's struct-valued fields do
 * in the API server's empty object (`spec`, `status`, a Deployment's `spec.template`, ...):
 * such a map is never newly added, so an `Update` entry of managedFields never owns it.
 */
export function alwaysPresentOf(res: ResolvedResource): (schematic: string) => boolean {
  if (!res.info.builtin) return () => false;
  const structs = new Set(["spec", "status", ...(STRUCT_FIELDS[res.storageKey] ?? [])]);
  return (schematic) => structs.has(schematic);
}
