import { closest } from "../../diagnostics/index.js";
import { isJsonObject, jsonTypeName, type Json } from "./json.js";

/** The shape of a webhook field: what a patched webhook is checked against. */
type FieldShape =
  | { readonly kind: "string" }
  | { readonly kind: "int32" }
  /** `[]byte`: base64 text in JSON. */
  | { readonly kind: "bytes" }
  | { readonly kind: "list"; readonly items: FieldShape }
  | { readonly kind: "map"; readonly values: FieldShape }
  | {
      readonly kind: "object";
      readonly fields: Readonly<Record<string, FieldShape>>;
      readonly required: readonly string[];
    };

const string: FieldShape = { kind: "string" };
const int32: FieldShape = { kind: "int32" };
const strings: FieldShape = { kind: "list", items: string };
const object = (fields: Record<string, FieldShape>, required: readonly string[] = []): FieldShape => ({
  kind: "object",
  fields,
  required,
});

const LABEL_SELECTOR = object({
  matchLabels: { kind: "map", values: string },
  matchExpressions: {
    kind: "list",
    items: object({ key: string, operator: string, values: strings }, ["key", "operator"]),
  },
});

const COMMON_FIELDS: Record<string, FieldShape> = {
  name: string,
  clientConfig: object({
    url: string,
    service: object({ name: string, namespace: string, path: string, port: int32 }, ["name", "namespace"]),
    caBundle: { kind: "bytes" },
  }),
  rules: {
    kind: "list",
    items: object(
      { operations: strings, apiGroups: strings, apiVersions: strings, resources: strings, scope: string },
      ["operations", "apiGroups", "apiVersions", "resources"],
    ),
  },
  failurePolicy: string,
  matchPolicy: string,
  namespaceSelector: LABEL_SELECTOR,
  objectSelector: LABEL_SELECTOR,
  sideEffects: string,
  timeoutSeconds: int32,
  admissionReviewVersions: strings,
  matchConditions: { kind: "list", items: object({ name: string, expression: string }, ["name", "expression"]) },
};
const REQUIRED = ["name", "clientConfig", "admissionReviewVersions"];

const VALIDATING_WEBHOOK = object(COMMON_FIELDS, REQUIRED);
const MUTATING_WEBHOOK = object({ ...COMMON_FIELDS, reinvocationPolicy: string }, REQUIRED);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks that `webhook` has the fields and types of an `admissionregistration/v1`
 * MutatingWebhook (or ValidatingWebhook), so that what a `patch` produced is a webhook the
 * API server accepts: controller-gen would drop unknown fields without a word. Returns one
 * message per problem, each starting with the field's path; none when all is well.
 */
export function checkWebhookShape(webhook: Json, mutating: boolean): string[] {
  const problems: string[] = [];
  checkShape(webhook, mutating ? MUTATING_WEBHOOK : VALIDATING_WEBHOOK, "", problems, mutating);
  return problems;
}

function checkShape(value: Json, shape: FieldShape, path: string, problems: string[], mutating: boolean): void {
  const expected = (what: string): void => {
    problems.push(`${path}: expected ${what}, got ${describe(value)}`);
  };
  switch (shape.kind) {
    case "string":
      if (typeof value !== "string") expected("a string");
      return;
    case "int32":
      if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) {
        expected("a 32-bit integer");
      }
      return;
    case "bytes":
      if (typeof value !== "string" || !BASE64.test(value)) expected("base64 text");
      return;
    case "list":
      if (!Array.isArray(value)) return expected("a list");
      value.forEach((item, i) => checkShape(item, shape.items, `${path}[${i}]`, problems, mutating));
      return;
    case "map":
      if (!isJsonObject(value)) return expected("an object");
      for (const [key, item] of Object.entries(value)) {
        checkShape(item, shape.values, `${path}.${key}`, problems, mutating);
      }
      return;
    case "object": {
      if (!isJsonObject(value)) return expected("an object");
      const at = (key: string): string => (path === "" ? key : `${path}.${key}`);
      for (const [key, item] of Object.entries(value)) {
        const field = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
        if (field === undefined) {
          problems.push(unknownField(at(key), key, Object.keys(shape.fields), path === "" && !mutating));
        } else {
          checkShape(item, field, at(key), problems, mutating);
        }
      }
      for (const key of shape.required) {
        if (!(key in value)) problems.push(`${at(key)}: missing; the field is required`);
      }
      return;
    }
  }
}

function unknownField(path: string, key: string, known: readonly string[], validatingTop: boolean): string {
  if (validatingTop && key === "reinvocationPolicy") {
    return `${path}: a validating webhook has no reinvocationPolicy; only mutating webhooks are reinvoked`;
  }
  const near = closest(key, known);
  return `${path}: unknown field${near ? ` (did you mean "${near}"?)` : `; expected one of ${[...known].sort().join(", ")}`}`;
}

function describe(value: Json): string {
  const text = JSON.stringify(value);
  return text.length <= 40 ? `${jsonTypeName(value)} ${text}` : jsonTypeName(value);
}
