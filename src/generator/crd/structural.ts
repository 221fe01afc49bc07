import type { DiagnosticList, SourceLocation } from "../../diagnostics/index.js";
import type { JSONSchemaProps } from "../../model/index.js";

const VALUE_ONLY_FORBIDDEN = ["type", "nullable", "default", "additionalProperties", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-list-type", "x-kubernetes-map-type"] as const;

/**
 * Checks the rules of a structural schema that the API server enforces on a CRD: every
 * node has a type (unless it preserves unknown fields or is int-or-string), an embedded
 * resource is an object with properties or its unknown fields kept, and the branches of
 * allOf/anyOf/oneOf/not hold only value validations. Each problem is an error at the field
 * that caused it (or the kind), so it is caught here, not at apply.
 */
export function checkStructural(
  schema: JSONSchemaProps,
  kind: string,
  fallback: SourceLocation,
  locations: WeakMap<JSONSchemaProps, SourceLocation>,
  diagnostics: DiagnosticList,
): void {
  const walk = (node: JSONSchemaProps, path: string, at: SourceLocation): void => {
    const here = locations.get(node) ?? at;
    const typed = node.type !== undefined || node["x-kubernetes-int-or-string"] === true || node["x-kubernetes-preserve-unknown-fields"] === true;
    if (node["x-kubernetes-embedded-resource"] === true && node.type !== "object") {
      // apiextensions validation: "must be object if x-kubernetes-embedded-resource is true".
      diagnostics.error(
        "non-structural",
        `the schema of ${kind}${path} is an embedded resource ${node.type === undefined ? "without a type" : `of type ${node.type}`}; the API server accepts x-kubernetes-embedded-resource only with type: object`,
        here,
        "an embedded resource is a Kubernetes object: give the field an object type (RawExtension, unknown with +kubebuilder:validation:Type=object, or an interface), or drop the EmbeddedResource marker",
      );
    } else if (
      node["x-kubernetes-embedded-resource"] === true &&
      node["x-kubernetes-preserve-unknown-fields"] !== true &&
      Object.keys(node.properties ?? {}).length === 0
    ) {
      // apiextensions validation: "must not be empty if x-kubernetes-embedded-resource is true
      // without x-kubernetes-preserve-unknown-fields".
      diagnostics.error(
        "non-structural",
        `the schema of ${kind}${path} is an embedded resource with no properties and without x-kubernetes-preserve-unknown-fields, which the API server refuses`,
        here,
        "add +kubebuilder:pruning:PreserveUnknownFields to keep the whole object, or give the field a type with properties",
      );
    } else if (!typed) {
      diagnostics.error(
        "non-structural",
        `the schema of ${kind}${path} has no type, so the CRD is not structural and the API server rejects it`,
        here,
        "give the field a concrete type, or add +kubebuilder:validation:Type=<type> or +kubebuilder:pruning:PreserveUnknownFields",
      );
    }
    for (const key of ["allOf", "anyOf", "oneOf"] as const) {
      node[key]?.forEach((branch) => checkBranch(branch, `${path} ${key}`, here, node["x-kubernetes-int-or-string"] === true && key === "anyOf"));
    }
    if (node.not) checkBranch(node.not, `${path} not`, here, false);
    for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${name}`, here);
    if (node.items) walk(node.items, `${path}[*]`, here);
    if (typeof node.additionalProperties === "object") walk(node.additionalProperties, `${path}[*]`, here);
  };
  const checkBranch = (branch: JSONSchemaProps, path: string, at: SourceLocation, intOrString: boolean): void => {
    for (const key of VALUE_ONLY_FORBIDDEN) {
      if (branch[key] === undefined) continue;
      if (key === "type" && intOrString && (branch.type === "integer" || branch.type === "string")) continue;
      diagnostics.error(
        "non-structural",
        `${kind}${path} sets "${key}" inside a logical junctor; a structural schema allows only value validations there`,
        at,
      );
    }
  };
  walk(schema, "", fallback);
}
