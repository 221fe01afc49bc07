import { closest, type DiagnosticList } from "../../diagnostics/index.js";
import type { Marker, MarkerValue } from "../../markers/index.js";
import { RBAC_MARKER } from "../../markers/definitions/rbac.js";
import type { RbacRule } from "./policy-rule.js";

/** Verbs Kubernetes' authorizers know (resource and non-resource requests, special verbs). */
const KNOWN_VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "impersonate",
  "bind",
  "escalate",
  "use",
  "approve",
  "sign",
  "attest",
  "post",
  "put",
  "head",
  "options",
];

/** A namespace name: an RFC 1123 label. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const M = `+${RBAC_MARKER}`;

/**
 * Reads one `+kubebuilder:rbac` marker into an {@link RbacRule}. Rules the API server would
 * reject (no verbs, URLs beside resources or in a namespace, resources without groups, groups
 * or resource names without resources, a bad namespace or role name) are reported as errors
 * at the marker, and give `undefined`. Rules that are valid but can never match a request
 * (an upper-case or misspelt verb, a kind instead of a resource, a URL without a leading `/`,
 * `create` limited by resource names) are reported as warnings and kept.
 */
export function readRbacRule(
  marker: Marker,
  defaultRoleName: string,
  diagnostics: DiagnosticList,
): RbacRule | undefined {
  const at = marker.location;
  const args = isRecord(marker.value) ? marker.value : {};
  const groups = stringList(args["groups"]);
  const resources = stringList(args["resources"]);
  const resourceNames = stringList(args["resourceNames"]);
  const verbs = stringList(args["verbs"]);
  const urls = stringList(args["urls"]);
  const namespace = typeof args["namespace"] === "string" ? args["namespace"] : "";
  const roleName = typeof args["roleName"] === "string" ? args["roleName"] : "";
  let ok = true;
  const error = (code: string, message: string, hint?: string): void => {
    diagnostics.error(code, `${M}: ${message}`, at, hint);
    ok = false;
  };
  const warn = (code: string, message: string, hint?: string): void => {
    diagnostics.warn(code, `${M}: ${message}`, at, hint);
  };

  if (verbs.length === 0) {
    error("rbac-no-verbs", "expected at least one verb", "e.g. verbs=get;list;watch, or verbs=* for all");
  }
  for (const [name, list] of [
    ["verbs", verbs],
    ["resources", resources],
    ["resourceNames", resourceNames],
    ["urls", urls],
  ] as const) {
    if (list.includes("")) {
      error(
        "rbac-empty-value",
        `${name} has an empty value; expected non-empty ${name}`,
        name === "resources" ? 'the core group is written groups="", not resources=""' : undefined,
      );
    }
  }

  if (urls.length > 0) {
    if (groups.length > 0 || resources.length > 0 || resourceNames.length > 0) {
      error(
        "rbac-urls-with-resources",
        "a rule applies either to API resources (groups, resources, resourceNames) or to non-resource URLs (urls), not both",
        "write the urls in a marker of their own",
      );
    }
    if (namespace !== "") {
      error(
        "rbac-urls-with-namespace",
        `urls cannot be granted in namespace "${namespace}": non-resource URLs are not namespaced, so only the ClusterRole can hold them`,
        "remove namespace= from this marker",
      );
    }
    for (const url of urls) {
      if (url !== "" && url !== "*" && (!url.startsWith("/") || url.slice(0, -1).includes("*"))) {
        warn(
          "rbac-url-never-matches",
          `url "${url}" never matches a request; expected a path starting with "/", with * only as its last character`,
        );
      }
    }
  } else if (resources.length === 0) {
    if (resourceNames.length > 0) {
      error(
        "rbac-resource-names-without-resources",
        "resourceNames needs resources; expected resources=<plural>",
        "e.g. resources=configmaps,resourceNames=my-config",
      );
    } else if (groups.length > 0) {
      error(
        "rbac-groups-without-resources",
        "groups needs resources; expected resources=<plural>",
        "e.g. groups=apps,resources=deployments",
      );
    } else {
      error(
        "rbac-no-target",
        "expected resources (with groups) or urls",
        "e.g. groups=apps,resources=deployments or urls=/metrics",
      );
    }
  } else if (groups.length === 0) {
    error(
      "rbac-resources-without-groups",
      "resources needs groups; expected groups=<api group>",
      'use groups="" (or groups=core) for the core API group',
    );
  }

  if (namespace !== "" && (namespace.length > 63 || !DNS_LABEL.test(namespace))) {
    error(
      "rbac-invalid-namespace",
      `namespace "${namespace}" is not a valid namespace name; expected lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters`,
    );
  }
  if (roleName !== "" && (roleName === "." || roleName === ".." || /[/%]/.test(roleName))) {
    error(
      "rbac-invalid-role-name",
      `roleName "${roleName}" is not a valid role name; expected a name without "/" or "%" that is not "." or ".."`,
    );
  }

  for (const verb of verbs) {
    if (verb === "" || verb === "*" || KNOWN_VERBS.includes(verb)) continue;
    if (verb !== verb.toLowerCase()) {
      warn(
        "rbac-verb-case",
        `verb "${verb}" never matches a request; verbs are lower-case`,
        `did you mean "${verb.toLowerCase()}"?`,
      );
    } else {
      const near = closest(verb, KNOWN_VERBS);
      if (near !== undefined) warn("rbac-unknown-verb", `unknown verb "${verb}"`, `did you mean "${near}"?`);
    }
  }
  for (const resource of resources) {
    if (resource !== resource.toLowerCase()) {
      warn(
        "rbac-resource-case",
        `resource "${resource}" never matches a request; resources are lower-case plural names, not kinds`,
        `did you mean "${resource.toLowerCase()}"?`,
      );
    }
  }
  if (resourceNames.length > 0 && verbs.includes("create")) {
    warn(
      "rbac-create-with-resource-names",
      "create cannot be limited by resourceNames (the object's name is not known when it is authorised), so this rule never allows create",
      "grant create in a marker without resourceNames",
    );
  }

  if (!ok) return undefined;
  return {
    groups,
    resources,
    resourceNames,
    verbs,
    urls,
    namespace,
    roleName: roleName === "" ? defaultRoleName : roleName,
    location: at,
  };
}

function isRecord(value: unknown): value is { readonly [key: string]: MarkerValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A marker list argument as strings; a lone string counts as a list of one. */
function stringList(value: MarkerValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
  return [typeof value === "string" ? value : JSON.stringify(value)];
}
