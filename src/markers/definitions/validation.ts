import { T, type ArgType } from "../grammar/arg-type.js";
import { optionalArg, arg, shape, type MarkerDefinition, type MarkerShape } from "../definition.js";

/** Prefix of the schema validation markers. */
export const VALIDATION_PREFIX = "kubebuilder:validation:";
/** Prefix of the variants that apply to the items of an array. */
export const VALIDATION_ITEMS_PREFIX = "kubebuilder:validation:items:";

interface ValidationSpec {
  readonly suffix: string;
  readonly shape: MarkerShape;
  readonly help: string;
}

const value = (t: ArgType): MarkerShape => shape.value(t);

/**
 * The schema validations of controller-gen, each usable on a field, on a type (applies
 * wherever the type is used), and, with the `items:` infix, on the items of an array.
 */
const VALIDATIONS: readonly ValidationSpec[] = [
  { suffix: "Maximum", shape: value(T.number), help: "the largest value a number may have" },
  { suffix: "Minimum", shape: value(T.number), help: "the smallest value a number may have" },
  { suffix: "ExclusiveMaximum", shape: value(T.bool), help: "the Maximum itself is not allowed" },
  { suffix: "ExclusiveMinimum", shape: value(T.bool), help: "the Minimum itself is not allowed" },
  { suffix: "MultipleOf", shape: value(T.number), help: "a number must be a multiple of this" },
  { suffix: "MaxLength", shape: value(T.int), help: "the longest a string may be" },
  { suffix: "MinLength", shape: value(T.int), help: "the shortest a string may be" },
  { suffix: "Pattern", shape: value(T.string), help: "a regular expression a string must match" },
  { suffix: "MaxItems", shape: value(T.int), help: "the most items an array may have" },
  { suffix: "MinItems", shape: value(T.int), help: "the fewest items an array may have" },
  { suffix: "UniqueItems", shape: value(T.bool), help: "only =false: the API server rejects uniqueItems: true (use +listType=set)" },
  { suffix: "MaxProperties", shape: value(T.int), help: "the most properties an object may have" },
  { suffix: "MinProperties", shape: value(T.int), help: "the fewest properties an object may have" },
  { suffix: "Enum", shape: value(T.list(T.any)), help: "the values allowed, as a;b;c or {a,b,c}" },
  { suffix: "Format", shape: value(T.string), help: "the OpenAPI format (date-time, int32, byte, ...)" },
  { suffix: "Type", shape: value(T.string), help: "overrides the OpenAPI type the TypeScript type gives" },
  {
    suffix: "XPreserveUnknownFields",
    shape: shape.flag,
    help: "keeps unknown fields (deprecated: use +kubebuilder:pruning:PreserveUnknownFields)",
  },
  {
    suffix: "XEmbeddedResource",
    shape: shape.flag,
    help: "an embedded Kubernetes object with apiVersion, kind and metadata",
  },
  { suffix: "XIntOrString", shape: shape.flag, help: "the value may be an integer or a string" },
  {
    suffix: "XValidation",
    shape: shape.args(
      arg("rule", T.string, "the CEL expression; `self` is the value"),
      optionalArg("message", T.string, "the message when the rule fails"),
      optionalArg("messageExpression", T.string, "a CEL expression giving the message"),
      optionalArg("reason", T.string, "FieldValueInvalid, FieldValueForbidden, FieldValueRequired or FieldValueDuplicate"),
      optionalArg("fieldPath", T.string, "the field the error is reported on, relative to self"),
      optionalArg("optionalOldSelf", T.bool, "evaluate the transition rule even when there is no old value"),
    ),
    help: "a CEL validation rule (x-kubernetes-validations)",
  },
];

function validationDefinitions(): MarkerDefinition[] {
  const out: MarkerDefinition[] = [];
  for (const v of VALIDATIONS) {
    out.push({
      name: VALIDATION_PREFIX + v.suffix,
      targets: ["field", "type"],
      shape: v.shape,
      category: "CRD validation",
      help: v.help,
    });
    out.push({
      name: VALIDATION_ITEMS_PREFIX + v.suffix,
      targets: ["field", "type"],
      shape: v.shape,
      category: "CRD validation",
      help: `for array items: ${v.help}`,
    });
  }
  return out;
}

const oneOf = (kind: string, help: string): MarkerDefinition => ({
  name: `${VALIDATION_PREFIX}${kind}`,
  targets: ["type"],
  shape: value(T.list(T.string)),
  category: "CRD validation",
  help,
});

/** Schema markers of controller-gen: validations, defaults, optionality, pruning, titles. */
export const VALIDATION_MARKERS: readonly MarkerDefinition[] = [
  ...validationDefinitions(),
  oneOf("ExactlyOneOf", "exactly one of the listed fields must be set"),
  oneOf("AtMostOneOf", "at most one of the listed fields may be set"),
  oneOf("AtLeastOneOf", "at least one of the listed fields must be set"),
  {
    name: "k8s:enum",
    targets: ["type"],
    shape: shape.flag,
    category: "CRD validation",
    help: "a string type whose exported consts in the package are its enum values",
  },
  {
    name: `${VALIDATION_PREFIX}Required`,
    targets: ["field", "package"],
    shape: shape.flag,
    category: "CRD validation",
    help: "the field is required (on a package: fields are required unless marked optional)",
  },
  {
    name: `${VALIDATION_PREFIX}Optional`,
    targets: ["field", "package"],
    shape: shape.flag,
    category: "CRD validation",
    help: "the field is optional (on a package: fields are optional unless marked required)",
  },
  { name: "required", targets: ["field"], shape: shape.flag, category: "CRD validation", help: "the field is required" },
  { name: "optional", targets: ["field"], shape: shape.flag, category: "CRD validation", help: "the field is optional" },
  { name: "k8s:required", targets: ["field"], shape: shape.flag, category: "CRD validation", help: "the field is required" },
  { name: "k8s:optional", targets: ["field"], shape: shape.flag, category: "CRD validation", help: "the field is optional" },
  { name: "nullable", targets: ["field"], shape: shape.flag, category: "CRD validation", help: "the field may be null" },
  {
    name: "kubebuilder:default",
    targets: ["field"],
    shape: value(T.any),
    category: "CRD validation",
    help: "the default value, in marker syntax ({a,b} lists, {k: v} maps) or JSON",
  },
  {
    name: "default",
    targets: ["field"],
    shape: value(T.raw),
    category: "CRD validation",
    help: "the default value as JSON (`ref(...)` values are ignored)",
  },
  {
    name: "kubebuilder:example",
    targets: ["field"],
    shape: value(T.any),
    category: "CRD validation",
    help: "an example value shown in API documentation",
  },
  {
    name: `${VALIDATION_PREFIX}EmbeddedResource`,
    targets: ["field"],
    shape: shape.flag,
    category: "CRD validation",
    help: "an embedded Kubernetes object with apiVersion, kind and metadata",
  },
  {
    name: `${VALIDATION_PREFIX}Schemaless`,
    targets: ["field"],
    shape: shape.flag,
    category: "CRD validation",
    help: "emit no schema for this field (combine with Type or PreserveUnknownFields)",
  },
  {
    name: "k8s:immutable",
    targets: ["field"],
    shape: shape.flag,
    category: "CRD validation",
    help: "the field cannot change once set (adds the CEL rule self == oldSelf)",
  },
  {
    name: "kubebuilder:pruning:PreserveUnknownFields",
    targets: ["field", "type"],
    shape: shape.flag,
    category: "CRD processing",
    help: "the API server keeps fields the schema does not name",
  },
  {
    name: "kubebuilder:title",
    targets: ["field", "type"],
    shape: value(T.any),
    category: "CRD validation",
    help: "a title for the schema in API documentation",
  },
  {
    name: "kubebuilder:externalDocs",
    targets: ["field", "type"],
    shape: shape.args(arg("url", T.string, "where the documentation is"), optionalArg("description", T.string)),
    category: "CRD validation",
    help: "a link to external documentation (externalDocs)",
  },
];
