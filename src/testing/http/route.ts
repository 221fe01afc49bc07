/**
 * The paths of the Kubernetes REST API, parsed: discovery documents, collections, objects
 * and their subresources, for the core group (`/api/v1/...`) and named groups
 * (`/apis/<group>/<version>/...`), and the OpenAPI documents (`/openapi/v2`, `/openapi/v3`,
 * `/openapi/v3/<group version path>`). The deprecated `/watch/` path prefix is understood too.
 */
export type Route =
  | { readonly kind: "version" }
  | { readonly kind: "health" }
  | { readonly kind: "openapi-v2" }
  | { readonly kind: "openapi-v3" }
  /** One group version's v3 document; `path` is `api/v1` or `apis/<group>/<version>`. */
  | { readonly kind: "openapi-v3-document"; readonly path: string }
  | { readonly kind: "core-versions" }
  | { readonly kind: "groups" }
  | { readonly kind: "group"; readonly group: string }
  | { readonly kind: "resources"; readonly group: string; readonly version: string }
  | {
      readonly kind: "collection";
      readonly group: string;
      readonly version: string;
      readonly plural: string;
      readonly namespace?: string | undefined;
      readonly legacyWatch: boolean;
    }
  | {
      readonly kind: "object";
      readonly group: string;
      readonly version: string;
      readonly plural: string;
      readonly namespace?: string | undefined;
      readonly name: string;
      readonly subresource?: string | undefined;
      readonly legacyWatch: boolean;
    }
  | { readonly kind: "unknown" };

/** Namespace subresources, which share a path shape with namespaced collections. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

function resourcePart(group: string, version: string, rest: string[]): Route {
  let legacyWatch = false;
  if (rest[0] === "watch") {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  if (rest.length === 0) return legacyWatch ? { kind: "unknown" } : { kind: "resources", group, version };
  if (rest[0] === "namespaces" && rest.length >= 3 && !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]!))) {
    const namespace = rest[1]!;
    const [plural, name, subresource, ...more] = rest.slice(2);
    if (more.length > 0 || !plural) return { kind: "unknown" };
    if (name === undefined) return { kind: "collection", group, version, plural, namespace, legacyWatch };
    return { kind: "object", group, version, plural, namespace, name, subresource, legacyWatch };
  }
  const [plural, name, subresource, ...more] = rest;
  if (more.length > 0 || !plural) return { kind: "unknown" };
  if (name === undefined) return { kind: "collection", group, version, plural, legacyWatch };
  return { kind: "object", group, version, plural, name, subresource, legacyWatch };
}

/** Parses a request path (without query). */
export function parseRoute(pathname: string): Route {
  let parts: string[];
  try {
    parts = pathname.split("/").filter((p) => p !== "").map(decodeURIComponent);
  } catch {
    return { kind: "unknown" };
  }
  if (parts.length === 1 && parts[0] === "version") return { kind: "version" };
  if (parts.length === 1 && (parts[0] === "healthz" || parts[0] === "readyz" || parts[0] === "livez")) return { kind: "health" };
  if (parts[0] === "openapi") {
    if (parts.length === 2 && parts[1] === "v2") return { kind: "openapi-v2" };
    if (parts.length === 2 && parts[1] === "v3") return { kind: "openapi-v3" };
    if (parts.length > 2 && parts[1] === "v3") return { kind: "openapi-v3-document", path: parts.slice(2).join("/") };
    return { kind: "unknown" };
  }
  if (parts[0] === "api") {
    if (parts.length === 1) return { kind: "core-versions" };
    return resourcePart("", parts[1]!, parts.slice(2));
  }
  if (parts[0] === "apis") {
    if (parts.length === 1) return { kind: "groups" };
    if (parts.length === 2) return { kind: "group", group: parts[1]! };
    return resourcePart(parts[1]!, parts[2]!, parts.slice(3));
  }
  return { kind: "unknown" };
}
