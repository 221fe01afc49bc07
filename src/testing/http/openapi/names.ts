/**
 * How the API server names things in its OpenAPI documents: definition names (Go package
 * paths made "REST friendly"), `$ref`s, group-version paths and operation ids.
 */
import type { JsonObject } from "../../store/json.js";

/** The package of `k8s.io/apimachinery/pkg/apis/meta/v1` (ObjectMeta, ListMeta, Status, ...). */
export const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

/** `#/definitions/` in OpenAPI v2; the documents are built with it and rewritten for v3. */
export const V2_REF_PREFIX = "#/definitions/";
/** `#/components/schemas/` in OpenAPI v3. */
export const V3_REF_PREFIX = "#/components/schemas/";

/** A v2 reference to the definition `name`. */
export function ref(name: string): JsonObject {
  return { $ref: `${V2_REF_PREFIX}${name}` };
}

/** The definition a `$ref` points to, or undefined when `schema` is not a reference. */
export function refTarget(schema: JsonObject): string | undefined {
  const r = schema["$ref"];
  if (typeof r !== "string") return undefined;
  if (r.startsWith(V2_REF_PREFIX)) return r.slice(V2_REF_PREFIX.length);
  if (r.startsWith(V3_REF_PREFIX)) return r.slice(V3_REF_PREFIX.length);
  return undefined;
}

/**
 * kube-openapi's `ToRESTFriendlyName`: the first path segment, when it is a domain, is
 * reversed, and slashes become dots (`example.com/v1.Widget` → `com.example.v1.Widget`).
 */
export function restFriendlyName(name: string): string {
  const parts = name.split("/");
  if (parts[0]?.includes(".")) parts[0] = parts[0].split(".").reverse().join(".");
  return parts.join(".");
}

/** The definition name of a CRD kind (or list kind): `com.example.v1.Widget`. */
export function customKindName(group: string, version: string, kind: string): string {
  return restFriendlyName(`${group}/${version}.${kind}`);
}

/**
 * The Go package (REST friendly) of a built-in group version: `io.k8s.api.core.v1`,
 * `io.k8s.api.rbac.v1` for `rbac.authorization.k8s.io`, and the apiextensions-apiserver's
 * own package for `apiextensions.k8s.io`.
 */
export function builtinPackage(group: string, version: string): string {
  if (group === "") return `io.k8s.api.core.${version}`;
  if (group === "apiextensions.k8s.io") return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  return `io.k8s.api.${group.split(".")[0]!}.${version}`;
}

/** The path of a group version in `/openapi/v3`: `api/v1`, or `apis/<group>/<version>`. */
export function groupVersionPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

/** kube-openapi's `ToValidOperationID`: letters and digits only, a letter after a removed character capitalised. */
function validOperationId(s: string, capitalizeFirst: boolean): string {
  let out = "";
  let upper = capitalizeFirst;
  for (const c of s) {
    if (/[A-Za-z0-9]/.test(c)) {
      out += upper ? c.toUpperCase() : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return out;
}

/** The part of an operation id and its tag that name the group version: `CoreV1` and `core_v1`, `RbacAuthorizationV1`. */
export function operationGroupVersion(group: string, version: string): { prefix: string; tag: string } {
  const g = (group === "" ? "core" : group).replace(/\.k8s\.io$/, "");
  return { prefix: validOperationId(g, true) + validOperationId(version, true), tag: `${validOperationId(g, false)}_${validOperationId(version, false)}` };
}

/** The `x-kubernetes-group-version-kind` value of one kind. */
export function gvk(group: string, version: string, kind: string): JsonObject {
  return { group, kind, version };
}
