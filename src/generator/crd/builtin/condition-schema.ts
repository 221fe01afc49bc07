import type { JSONSchemaProps } from "../../../model/index.js";
import { builtinSchema } from "./builtin-schema.js";

/** The client-node model of `metav1.Condition`. */
const CONDITION_MODEL = "V1Condition";

/**
 * WRITTEN BY HAND: the validation keywords that the markers on `metav1.Condition`'s fields
 * (k8s.io/apimachinery `pkg/apis/meta/v1/types.go`) add in controller-gen's output, which
 * client-node's metadata cannot carry. Everything else in the Condition schema (types,
 * formats, descriptions, required) is derived from client-node's `V1Condition`.
 */
const CONDITION_VALIDATIONS: Readonly<Record<string, Readonly<JSONSchemaProps>>> = {
  // +kubebuilder:validation:Pattern, +kubebuilder:validation:MaxLength=316
  type: {
    maxLength: 316,
    pattern:
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
  },
  // +kubebuilder:validation:Enum=True;False;Unknown
  status: { enum: ["True", "False", "Unknown"] },
  // +kubebuilder:validation:Minimum=0
  observedGeneration: { minimum: 0 },
  // +kubebuilder:validation:MaxLength=1024, MinLength=1, Pattern
  reason: { maxLength: 1024, minLength: 1, pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$" },
  // +kubebuilder:validation:MaxLength=32768
  message: { maxLength: 32768 },
  // +kubebuilder:validation:Type=string, +kubebuilder:validation:Format=date-time
  lastTransitionTime: { type: "string", format: "date-time" },
};

/**
 * The schema controller-gen gives `metav1.Condition` (kubebuilder-ts's `Condition`),
 * validations included: types, formats, descriptions and required fields from
 * client-node's `V1Condition`, plus the keywords of the Go markers. A fresh copy each call.
 *
 * @example
 * // status: { conditions: Condition[] } gives
 * // conditions: { type: "array", items: conditionSchema() }
 * conditionSchema().properties?.status?.enum; // ["True", "False", "Unknown"]
 */
export function conditionSchema(): JSONSchemaProps {
  const schema = builtinSchema(CONDITION_MODEL);
  if (!schema?.properties) throw new Error(`internal: @kubernetes/client-node has no ${CONDITION_MODEL} model`);
  for (const [field, keywords] of Object.entries(CONDITION_VALIDATIONS)) {
    const property = schema.properties[field];
    if (!property) throw new Error(`internal: ${CONDITION_MODEL} has no property ${field}`);
    Object.assign(property, structuredClone(keywords));
  }
  return schema;
}
