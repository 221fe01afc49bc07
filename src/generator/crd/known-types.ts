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

/** Options of {@link knownTypeSchema}. */
export interface KnownTypeOptions {
  /**
   * controller-gen's `crd:generateEmbeddedObjectMeta=true` (`kb generate
   * --generate-embedded-object-meta`): ObjectMeta is {@link embeddedObjectMetaSchema} instead of
   * `{type: object}`. A kind's own `metadata` is never built from here: it stays `{type: object}`.
   */
  readonly embeddedObjectMeta?: boolean | undefined;
}

/**
 * The schema of an ObjectMeta that is not a kind's own `metadata` (a template's, or a field of
 * type ObjectMeta) under controller-gen's `generateEmbeddedObjectMeta`: the fields a user may
 * set on an object to be created from it, so that the API server keeps them instead of pruning
 * them. Sub-fields carry no descriptions, as controller-gen writes them.
 *
 * @example
 * embeddedObjectMetaSchema().properties?.labels; // { type: "object", additionalProperties: { type: "string" } }
 */
export function embeddedObjectMetaSchema(): JSONSchemaProps {
  const stringMap = (): JSONSchemaProps => ({ type: "object", additionalProperties: { type: "string" } });
  return {
    type: "object",
    properties: {
      annotations: stringMap(),
      finalizers: { type: "array", items: { type: "string" } },
      labels: stringMap(),
      name: { type: "string" },
      namespace: { type: "string" },
    },
  };
}

/**
 * Schemas of the types kubebuilder-ts exports, as controller-gen gives their Go
 * counterparts (`metav1.Time`, `resource.Quantity`, `intstr.IntOrString`, ...).
 * `Condition` is not here: it is derived from client-node's model (see builtin/).
 * Each call returns a fresh object.
 */
export function knownTypeSchema(name: Exclude<KnownTypeName, "Condition">, options: KnownTypeOptions = {}): JSONSchemaProps {
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
      return options.embeddedObjectMeta ? embeddedObjectMetaSchema() : { type: "object" };
  }
}
