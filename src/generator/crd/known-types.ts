import type { JSONSchemaProps, KnownTypeName } from "../../model/index.js";

/** The pattern the API server accepts for a resource.Quantity. */
export const QUANTITY_PATTERN =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

/** The descriptions controller-gen gives TypeMeta's fields on every kind. */
export const API_VERSION_DESCRIPTION = [
  "APIVersion defines the versioned schema of this representation of an object.",
  "Servers should convert recognized schemas to the latest internal value, and",
  "may reject unrecognized values.",
  "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
].join("\n");

export const KIND_DESCRIPTION = [
  "Kind is a string value representing the REST resource this object represents.",
  "Servers may infer this from the endpoint the client submits requests to.",
  "Cannot be updated.",
  "In CamelCase.",
  "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
].join("\n");

/**
 * Schemas of the types kubebuilder-ts exports, as controller-gen gives their Go
 * counterparts (`metav1.Time`, `resource.Quantity`, `intstr.IntOrString`, ...).
 * `Condition` is not here: it is derived from client-node's model (see builtin/).
 */
export function knownTypeSchema(name: Exclude<KnownTypeName, "Condition">): JSONSchemaProps {
  switch (name) {
    case "int":
      return { type: "integer" };
    case "int32":
      return { type: "integer", format: "int32" };
    case "int64":
      return { type: "integer", format: "int64" };
    case "Time":
    case "MicroTime":
      return { type: "string", format: "date-time" };
    case "Duration":
      return { type: "string" };
    case "Quantity":
      return {
        anyOf: [{ type: "integer" }, { type: "string" }],
        pattern: QUANTITY_PATTERN,
        "x-kubernetes-int-or-string": true,
      };
    case "IntOrString":
      return { anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true };
    case "RawExtension":
      return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    case "JSON":
      return { "x-kubernetes-preserve-unknown-fields": true };
    case "ObjectMeta":
      return { type: "object" };
  }
}
