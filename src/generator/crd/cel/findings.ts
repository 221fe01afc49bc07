import { closest } from "../../../diagnostics/index.js";
import { describeType, type CelType, type ObjectFields, type SchemaRef } from "./cel-types.js";
import { KNOWN_FUNCTIONS, type CallTyping } from "./functions.js";
import { unescapeCelName } from "./escape.js";

/** One problem found in a rule, located by character offset in the rule's text. */
export interface Finding {
  readonly severity: "error" | "warning";
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly offset?: number;
}

/** Diagnostic codes of the CEL checks. */
export const CelCode = {
  syntax: "cel-syntax",
  unknownField: "cel-unknown-field",
  noFields: "cel-no-field-selection",
  undeclared: "cel-undeclared-reference",
  noOverload: "cel-no-matching-overload",
  unknownFunction: "cel-unknown-function",
  macro: "cel-macro",
  resultType: "cel-result-type",
  cost: "cel-cost",
  costBudget: "cel-cost-budget",
  literal: "cel-literal",
  untyped: "cel-untyped-schema",
  rule: "cel-rule",
  message: "cel-message",
  reason: "cel-reason",
  fieldPath: "cel-field-path",
  optionalOldSelf: "cel-optional-old-self",
} as const;

/** `an int`, `a string`, `a list(string)`. */
export function withArticle(t: CelType): string {
  const d = describeType(t);
  return /^[aeiou]/i.test(d) ? `an ${d}` : `a ${d}`;
}

/** How to name the owner of a field in a message: its path, or "the value". */
export function ownerName(t: CelType): string {
  return ("path" in t && t.path) || "the value";
}

/**
 * The message and hint for `owner.field` when the object has no such CEL-visible field:
 * hidden properties say why, escaped names say how to write them, typos get "did you mean".
 */
export function unknownFieldFinding(
  owner: string,
  field: string,
  fields: ObjectFields,
  preservesUnknown: boolean,
): {
  message: string;
  hint?: string;
} {
  const json = unescapeCelName(field) ?? field;
  const hidden = fields.hidden.get(json) ?? fields.hidden.get(field);
  if (hidden !== undefined) {
    return { message: `field "${json}" of ${owner} is not accessible in CEL: ${hidden}` };
  }
  for (const [cel, f] of fields.byCelName) {
    if (f.json === field && cel !== field) {
      return {
        message: `undefined field "${field}" on ${owner}`,
        hint: `write "${cel}": Kubernetes escapes property names in CEL`,
      };
    }
  }
  const message = `undefined field "${field}" on ${owner}`;
  // `self.node-selector` parses as `self.node - selector`
  for (const [cel, f] of fields.byCelName) {
    if (f.json.length > field.length && f.json.startsWith(field) && /[-./]/.test(f.json[field.length]!)) {
      return { message, hint: `property "${f.json}" is written ${cel} in CEL` };
    }
  }
  const match = closest(field, fields.byCelName.keys());
  if (match !== undefined) return { message, hint: `did you mean "${match}"?` };
  if (fields.byCelName.size === 0) {
    return {
      message,
      hint: preservesUnknown
        ? "fields not declared in the schema of an object with x-kubernetes-preserve-unknown-fields are not accessible in CEL"
        : "the object declares no properties",
    };
  }
  const names = [...fields.byCelName.keys()].sort();
  return names.length <= 12 ? { message, hint: `its fields: ${names.join(", ")}` } : { message };
}

/** The marker that bounds a value, and the words that say where it goes. */
function boundHint(keyword: "MaxItems" | "MaxLength" | "MaxProperties", ref: SchemaRef, path: string): string {
  const marker = `+kubebuilder:validation:${keyword}`;
  const owner = path.endsWith("[*]") ? path.slice(0, -3) : path;
  switch (ref.origin) {
    case "items":
      return `add +kubebuilder:validation:items:${keyword} to the list field ${owner}`;
    case "values":
      return `add ${marker} to the value type of the map ${owner}`;
    case "self":
      return `add ${marker} next to this rule's marker`;
    case "field":
      return `add ${marker} to the field ${path}`;
  }
}

/** The cost warning for iterating `t` (a list or map without a bound) with `what`. */
export function iterationCostFinding(t: CelType, what: string, offset: number | undefined): Finding | undefined {
  if ((t.kind !== "list" && t.kind !== "map") || !t.schema) return undefined;
  const path = normalisePath(t.path ?? "self");
  const list = t.kind === "list";
  if (list ? t.schema.node.maxItems !== undefined : t.schema.node.maxProperties !== undefined) return undefined;
  const keyword = list ? "MaxItems" : "MaxProperties";
  return {
    severity: "warning",
    code: CelCode.cost,
    message:
      `${what} iterates over ${path}, which has no ${list ? "maxItems" : "maxProperties"}: the API server ` +
      `estimates the rule's cost from that bound and may reject the CRD as too expensive`,
    hint: boundHint(keyword, t.schema, path),
    ...(offset === undefined ? {} : { offset }),
  };
}

/** The cost warning for calling a length-bound string function on `t` (a string without maxLength). */
export function stringCostFinding(t: CelType, fn: string, offset: number | undefined): Finding | undefined {
  if (t.kind !== "scalar" || t.name !== "string" || !t.schema) return undefined;
  const node = t.schema.node;
  if (node.maxLength !== undefined || (node.enum !== undefined && node.enum.length > 0)) return undefined;
  const path = normalisePath(t.path ?? "self");
  return {
    severity: "warning",
    code: CelCode.cost,
    message:
      `${fn}() on ${path}, which has no maxLength: the API server estimates the rule's cost from ` +
      `that bound and may reject the CRD as too expensive`,
    hint: boundHint("MaxLength", t.schema, path),
    ...(offset === undefined ? {} : { offset }),
  };
}

/** `oldSelf.x` names the same field as `self.x`. */
function normalisePath(path: string): string {
  return path.startsWith("oldSelf") ? `self${path.slice("oldSelf".length)}` : path;
}

/**
 * The report for a call that could not be typed: a wrong receiver or arguments, or a function
 * the Kubernetes CEL environment does not have. All are errors, because the API server
 * refuses such a rule when the CRD is applied (kb knows Kubernetes 1.36's functions).
 */
export function callFinding(
  t: Exclude<CallTyping, { kind: "ok" }>,
  name: string,
  receiver: CelType | undefined,
): Omit<Finding, "offset"> {
  if (t.kind === "bad-args") {
    return {
      severity: "error",
      code: CelCode.noOverload,
      message: `no matching overload for ${name}() applied to ${t.given}`,
      hint: `${name}() takes ${t.expected.join(" or ")}`,
    };
  }
  if (t.kind === "bad-receiver") {
    const on = receiver ? `${ownerName(receiver)}, ${withArticle(receiver)}` : "this value";
    return {
      severity: "error",
      code: CelCode.noOverload,
      message: `${name}() cannot be called on ${on}`,
      hint: `${name}() applies to: ${t.expected.join(", ")}`,
    };
  }
  const match = closest(name, KNOWN_FUNCTIONS);
  return {
    severity: "error",
    code: CelCode.unknownFunction,
    message: `${name}() is not a function of the Kubernetes CEL environment; the API server refuses the rule`,
    ...(match !== undefined ? { hint: `did you mean "${match}"?` } : {}),
  };
}

/** The report for a name that is neither a variable in scope nor a type. */
export function undeclaredFinding(name: string, visible: readonly string[]): Omit<Finding, "offset"> {
  const match = closest(name, visible);
  return {
    severity: "error",
    code: CelCode.undeclared,
    message: `undeclared reference to "${name}"`,
    hint: match !== undefined ? `did you mean "${match}"?` : `the rule can use: ${visible.join(", ")}`,
  };
}
