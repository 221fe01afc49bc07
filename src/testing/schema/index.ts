/**
 * Admission of custom resources against their CRD's `openAPIV3Schema`, as the Kubernetes API
 * server does it on create and update, in its order:
 *
 * 1. decoding: unknown fields pruned (`x-kubernetes-preserve-unknown-fields`,
 *    `x-kubernetes-embedded-resource` keeping apiVersion/kind/metadata, `additionalProperties`),
 *    `null`s dropped where the schema is neither nullable nor defaulted, metadata (at the root
 *    and in embedded resources) round-tripped through ObjectMeta (unknown fields dropped);
 * 2. structural defaulting (defaults of missing or non-nullable-null fields, recursively);
 * 3. validation: kube-openapi's schema validator (type, format, enum, pattern, bounds,
 *    multipleOf, lengths in characters, items, properties, required, nullable,
 *    allOf/anyOf/oneOf/not) with validation ratcheting on update; embedded resources;
 *    `x-kubernetes-list-type` set/map uniqueness; then, unless an earlier error blocks them,
 *    the CEL rules of `x-kubernetes-validations` (transition rules with `oldSelf`,
 *    `optionalOldSelf`, message, messageExpression, reason, fieldPath).
 *
 * Causes carry the server's reasons, messages and field paths (`spec.items[0].name`;
 * `<nil>` for errors about no particular field, as the server prints them).
 *
 * Differences from a real API server, all deliberate or out of reach:
 * - CEL rules are not type-checked and have no cost budget (the server rejects such CRDs
 *   when they are created); a rule that does not parse is reported at admission as
 *   `rule compile error`.
 * - CEL runs on `@bufbuild/cel` with these Kubernetes additions: lists (`isSorted`, `sum`,
 *   `min`, `max`, `indexOf`, `lastIndexOf`), regex `find`/`findAll`, `sets.*`, optionals
 *   (`optional.of/none`, `hasValue`, `value`, `orValue`, `or`) and quantities (`quantity`,
 *   `isQuantity`, comparison and arithmetic methods). Not supported: the optional syntax
 *   (`a.?b`, `a[?i]`), the URL, IP, CIDR, semver, format and authorizer libraries,
 *   `strings.quote`, two-variable comprehensions, `transformList`/`transformMap`; a rule
 *   using them fails with `unbound function: ... (not supported by the kubebuilder-ts test
 *   server)` or a compile error saying so.
 * - CEL values: equality of set and map lists is order-sensitive (the server ignores
 *   order); `has()` of a field holding `null` is false (the server says true); values under
 *   a `x-kubernetes-preserve-unknown-fields` node without type are plain maps and lists, not
 *   opaque values. Evaluation error messages follow cel-go's for the common cases only.
 * - Formats `uri` and `email` approximate Go's `net/url` and `net/mail`.
 * - Embedded ObjectMeta is checked for apiVersion, kind, name and generateName only (not
 *   labels, annotations or owner references); root ObjectMeta is normalized but not
 *   validated here (the test server does that).
 * - Decoding problems the server answers with 400 Bad Request (metadata, or an embedded
 *   apiVersion or kind, of the wrong type) come back as `FieldValueInvalid` causes.
 * - The whole object is validated; the server validates a status-subresource update against
 *   the status schema only (same causes for the status fields).
 * - Numbers are JavaScript numbers: `1.0` counts as the integer `1`, and integers beyond
 *   2^53 lose precision.
 *
 * Pure and deterministic; a schema is compiled once (cached by object identity) and admits
 * thousands of objects per second.
 *
 * @example
 * ```ts
 * const { object, causes } = admitObject(crdVersion.schema.openAPIV3Schema, body, undefined);
 * if (causes.length > 0) return unprocessable(invalidMessage("Widget.example.com", name, causes), causes);
 * store(object);
 * ```
 */
import type { JSONSchemaProps } from "../../model/schema.js";
import type { AdmitOptions } from "../store/admission.js";
import { validateCel } from "./cel/validate.js";
import { compileSchema } from "./compile.js";
import { Correlated } from "./correlation.js";
import { applyDefaults } from "./default.js";
import { validateEmbeddedResources } from "./embedded.js";
import { invalid, isBlocking, type SchemaCause } from "./field-error.js";
import { deepClone, isObject } from "./json.js";
import { validateListTypes } from "./list-type.js";
import { normalizeObjectMeta } from "./metadata.js";
import { toCauses, type VError } from "./openapi-errors.js";
import { validateValue } from "./openapi-validate.js";
import { coerceEmbedded, pruneNonNullableNulls, pruneResource } from "./prune.js";

/** One cause of a rejected custom resource, as in `Status.details.causes`. */
export type { SchemaCause } from "./field-error.js";
/** The `message` of the 422 Status the server returns for a list of causes. */
export { invalidMessage } from "./field-error.js";

/** What admission made of an object: the object to store, and why it is rejected (if it is). */
export interface AdmissionResult {
  /** The pruned and defaulted object (a copy; the input is not modified). */
  readonly object: unknown;
  /** Field errors; empty when the object is valid. */
  readonly causes: SchemaCause[];
}

const BLOCKED =
  "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

/**
 * Prunes, defaults and validates `object` (a custom resource as JSON) against `schema`, its
 * version's `openAPIV3Schema`. Pass the stored object as `oldObject` on update (transition
 * rules and ratcheting use it), `undefined` on create.
 *
 * @example
 * ```ts
 * const schema = { type: "object", properties: { spec: { type: "object", properties: {
 *   replicas: { type: "integer", default: 1, maximum: 5 } } } } } satisfies JSONSchemaProps;
 * admitObject(schema, { apiVersion: "x/v1", kind: "W", metadata: { name: "a" }, spec: {} }, undefined).object;
 * // → { ..., spec: { replicas: 1 } }
 * admitObject(schema, { ..., spec: { replicas: 9 } }, undefined).causes;
 * // → [{ reason: "FieldValueInvalid", field: "spec.replicas",
 * //      message: "Invalid value: 9: spec.replicas in body should be less than or equal to 5" }]
 * ```
 */
export function admitObject(schema: JSONSchemaProps, object: unknown, oldObject: unknown | undefined, options: AdmitOptions = {}): AdmissionResult {
  const root = compileSchema(schema);
  const obj = deepClone(object);
  if (!isObject(obj)) {
    return { object: obj, causes: [invalid("", obj, "must be a JSON object")] };
  }
  const causes: SchemaCause[] = [];

  // Decoding.
  const hadMeta = Object.prototype.hasOwnProperty.call(obj, "metadata");
  const meta = hadMeta ? normalizeObjectMeta(obj.metadata, "metadata") : undefined;
  pruneResource(obj, root);
  pruneNonNullableNulls(obj, root);
  const coerced = coerceEmbedded(obj, root, "");
  if (coerced !== undefined) causes.push(coerced);
  if (meta !== undefined) {
    if ("cause" in meta) causes.push(meta.cause);
    else obj.metadata = meta.value;
  }
  if (causes.length > 0) return { object: obj, causes };

  // Defaulting.
  applyDefaults(obj, root);

  // Validation.
  const old = isObject(oldObject) ? oldObject : undefined;
  const correlation = old !== undefined ? new Correlated(obj, old, root) : undefined;
  const errors: VError[] = [];
  const statusNode = options.subresource === "status" ? root.properties?.get("status") : undefined;
  if (statusNode) {
    // Through /status only status is checked against the schema, from there (`ready in body ...`).
    if (obj["status"] !== undefined) {
      const statusCorrelation = old !== undefined && old["status"] !== undefined ? new Correlated(obj["status"], old["status"], statusNode) : undefined;
      validateValue(statusNode, "", obj["status"], statusCorrelation, errors);
      causes.push(...toCauses(errors, "status"));
    }
  } else {
    validateValue(root, "", obj, correlation, errors);
    causes.push(...toCauses(errors, ""));
  }
  validateEmbeddedResources("", root, obj, causes);
  if (root.listTypeBelow) {
    const oldListErrors: SchemaCause[] = [];
    if (old !== undefined) validateListTypes("", root, old, oldListErrors);
    if (oldListErrors.length === 0) validateListTypes("", root, obj, causes);
  }
  if (root.celBelow) {
    if (causes.some(isBlocking)) causes.push(invalid("", null, BLOCKED));
    else validateCel(root, obj, old, correlation, causes);
  }
  return { object: obj, causes };
}
