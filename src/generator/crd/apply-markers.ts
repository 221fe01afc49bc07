import type { DiagnosticList, SourceLocation } from "../../diagnostics/index.js";
import type { Marker, MarkerArgs, MarkerValue } from "../../markers/index.js";
import type { JSONSchemaProps, ValidationRule } from "../../model/index.js";
import { VALIDATION_ITEMS_PREFIX, VALIDATION_PREFIX } from "../../markers/definitions/validation.js";
import { goRegexpProblem } from "../../regexp/go-regexp.js";

/** A CEL rule placed in a schema, with the marker it came from (checked later). */
export interface PlacedRule {
  readonly rule: ValidationRule;
  readonly schema: JSONSchemaProps;
  readonly marker: Marker;
}

/**
 * Markers that do not change a schema node (optionality, CRD-level and topology-free ones
 * handled elsewhere); everything else here is a schema marker.
 */
const NOT_SCHEMA = new Set([
  "required",
  "optional",
  "k8s:required",
  "k8s:optional",
  `${VALIDATION_PREFIX}Required`,
  `${VALIDATION_PREFIX}Optional`,
  `${VALIDATION_PREFIX}Schemaless`,
  "k8s:enum",
]);

/** The order controller-gen applies schema markers in: lower first, then source order. */
function priority(name: string): number {
  const short = name.startsWith(VALIDATION_ITEMS_PREFIX)
    ? name.slice(VALIDATION_ITEMS_PREFIX.length)
    : name.startsWith(VALIDATION_PREFIX)
      ? name.slice(VALIDATION_PREFIX.length)
      : name;
  switch (short) {
    case "Type":
    case "XIntOrString":
    case "default":
      return 9;
    case "AtMostOneOf":
      return 11;
    case "ExactlyOneOf":
      return 12;
    case "AtLeastOneOf":
      return 13;
    default:
      return 10;
  }
}

/** Whether a marker shapes a schema node. */
export function isSchemaMarker(marker: Marker): boolean {
  if (NOT_SCHEMA.has(marker.name)) return false;
  return (
    marker.definition.category === "CRD validation" || marker.definition.category === "CRD processing"
  );
}

/**
 * Where the schema markers of a field meet an `IntOrString`: on the field (`value`) or on
 * its list's items (`items`). controller-gen sees an IntOrString there as a reference to a
 * type not yet resolved, typeless, so its string markers (MaxLength, MinLength, Pattern)
 * apply only with `+kubebuilder:validation:XIntOrString` (`items:XIntOrString`) beside them.
 */
export interface IntOrStringPlaces {
  readonly value?: boolean;
  readonly items?: boolean;
}

const X_INT_OR_STRING = `${VALIDATION_PREFIX}XIntOrString`;
const ITEMS_X_INT_OR_STRING = `${VALIDATION_ITEMS_PREFIX}XIntOrString`;

/**
 * Applies schema markers to `schema`, in controller-gen's order. `items:` markers apply to
 * the array's items. `checkType` is the schema the type checks look at (for a field of a
 * named type, the type's schema while the field's keywords are collected apart).
 * CEL rules placed are reported to `rules`.
 */
export function applySchemaMarkers(
  markers: readonly Marker[],
  schema: JSONSchemaProps,
  diagnostics: DiagnosticList,
  rules: PlacedRule[],
  checkType: JSONSchemaProps = schema,
  intOrString: IntOrStringPlaces = {},
): void {
  const list = markers
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => isSchemaMarker(m))
    .sort((a, b) => priority(a.m.name) - priority(b.m.name) || a.i - b.i);
  const items = list.filter(({ m }) => m.name.startsWith(VALIDATION_ITEMS_PREFIX));
  const valueNeedsMarker = intOrString.value === true && !markers.some((m) => m.name === X_INT_OR_STRING);
  const itemsNeedMarker = intOrString.items === true && !markers.some((m) => m.name === ITEMS_X_INT_OR_STRING);
  for (const { m } of list) {
    if (m.name.startsWith(VALIDATION_ITEMS_PREFIX)) continue;
    applyOne(m, m.name, schema, checkType, diagnostics, rules, valueNeedsMarker);
  }
  for (const { m } of items) {
    const target = checkType.type === "array" ? (schema.items ?? (schema.items = {})) : undefined;
    const view = checkType.items;
    if (!target || !view) {
      diagnostics.error(
        "marker-target",
        `+${m.name} applies to array items, but the field is ${describeType(checkType)}`,
        m.location,
      );
      continue;
    }
    applyOne(m, VALIDATION_PREFIX + m.name.slice(VALIDATION_ITEMS_PREFIX.length), target, view, diagnostics, rules, itemsNeedMarker);
  }
}

/** A hint for a pattern Go's regexp rejects, where the mistake is a common one. */
function patternHint(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return "RE2 has no lookahead or lookbehind: match the whole value, or add an x-kubernetes-validations rule";
  if (/\\[1-9]/.test(pattern)) return "RE2 has no backreferences: add an x-kubernetes-validations rule to compare parts of the value";
  if (pattern.includes("\\Z")) return "RE2 writes the end of the text as \\z (or $)";
  return "patterns are read as Go's regexp/syntax reads them (RE2 syntax)";
}

/** Where a marker's value starts: the first character after `=` that is not a space. */
function valueLocation(marker: Marker): SourceLocation {
  const eq = marker.text.indexOf("=");
  if (eq < 0) return marker.location;
  let at = eq + 1;
  while (marker.text[at] === " " || marker.text[at] === "\t") at++;
  // column of the `+`, then one for it, then the offset in the text after it
  return { ...marker.location, column: marker.location.column + 1 + at };
}

function describeType(s: JSONSchemaProps): string {
  if (s["x-kubernetes-int-or-string"]) return "an int-or-string";
  return s.type ? `of type ${s.type}` : "untyped";
}

function applyOne(
  marker: Marker,
  name: string,
  schema: JSONSchemaProps,
  view: JSONSchemaProps,
  diagnostics: DiagnosticList,
  rules: PlacedRule[],
  intOrStringNeedsMarker: boolean,
): void {
  const v = marker.value;
  const fail = (message: string, hint?: string) => diagnostics.error("marker-value", `+${marker.name}: ${message}`, marker.location, hint);
  const numeric = () => {
    const ok = view.type === "integer" || view.type === "number";
    if (!ok) fail(`applies to numbers, but the value is ${describeType(view)}`);
    return ok;
  };
  const integral = (n: number, what: string) => {
    if (view.type === "integer" && !Number.isInteger(n)) {
      fail(`a non-integral ${what} (${n}) cannot apply to an integer`);
      return false;
    }
    return true;
  };
  const textual = () => {
    if (view["x-kubernetes-int-or-string"] === true && view.type !== "string" && intOrStringNeedsMarker) {
      const items = marker.name.startsWith(VALIDATION_ITEMS_PREFIX);
      fail(
        `applies to ${items ? "items of type IntOrString" : "an IntOrString field"} only beside +${items ? ITEMS_X_INT_OR_STRING : X_INT_OR_STRING}, as in controller-gen`,
        `add +${items ? ITEMS_X_INT_OR_STRING : X_INT_OR_STRING} to the field`,
      );
      return false;
    }
    const ok = view.type === "string" || view["x-kubernetes-int-or-string"] === true;
    if (!ok) fail(`applies to strings, but the value is ${describeType(view)}`);
    return ok;
  };
  const isType = (t: JSONSchemaProps["type"], what: string) => {
    const ok = view.type === t;
    if (!ok) fail(`applies to ${what}, but the value is ${describeType(view)}`);
    return ok;
  };
  const nonNegative = (n: number) => {
    if (n < 0) fail(`must not be negative, got ${n}`);
    return n >= 0;
  };
  switch (name.startsWith(VALIDATION_PREFIX) ? name.slice(VALIDATION_PREFIX.length) : name) {
    case "Maximum":
      if (numeric() && integral(v as number, "maximum")) schema.maximum = v as number;
      return;
    case "Minimum":
      if (numeric() && integral(v as number, "minimum")) schema.minimum = v as number;
      return;
    case "ExclusiveMaximum":
      if (numeric()) schema.exclusiveMaximum = v as boolean;
      return;
    case "ExclusiveMinimum":
      if (numeric()) schema.exclusiveMinimum = v as boolean;
      return;
    case "MultipleOf":
      if (numeric() && integral(v as number, "multipleOf")) schema.multipleOf = v as number;
      return;
    case "MaxLength":
      if (textual() && nonNegative(v as number)) schema.maxLength = v as number;
      return;
    case "MinLength":
      if (textual() && nonNegative(v as number)) schema.minLength = v as number;
      return;
    case "Pattern":
      if (textual()) {
        const problem = goRegexpProblem(v as string);
        if (problem !== undefined) {
          diagnostics.error(
            "marker-value",
            `+${marker.name}: the API server compiles patterns as Go regular expressions (RE2) and would reject this one: ${problem}`,
            valueLocation(marker),
            patternHint(v as string),
          );
          return;
        }
        schema.pattern = v as string;
      }
      return;
    case "MaxItems":
      if (isType("array", "arrays") && nonNegative(v as number)) schema.maxItems = v as number;
      return;
    case "MinItems":
      if (isType("array", "arrays") && nonNegative(v as number)) schema.minItems = v as number;
      return;
    case "UniqueItems":
      if (!isType("array", "arrays")) return;
      if (v === true) {
        // apiextensions validation forbids it: checking it is quadratic in the list's length.
        fail(
          "the API server rejects uniqueItems: true in a CRD (checking it would be quadratic)",
          "use +listType=set for a list of scalars, or +listType=map with +listMapKey for a list of objects",
        );
        return;
      }
      schema.uniqueItems = false;
      return;
    case "MaxProperties":
      if (isType("object", "objects") && nonNegative(v as number)) schema.maxProperties = v as number;
      return;
    case "MinProperties":
      if (isType("object", "objects") && nonNegative(v as number)) schema.minProperties = v as number;
      return;
    case "Enum":
      schema.enum = [...(v as MarkerValue[])];
      return;
    case "Format":
      schema.format = v as string;
      return;
    case "Type": {
      const allowed = ["object", "array", "string", "integer", "number", "boolean"];
      if (!allowed.includes(v as string)) {
        fail(`unknown type "${String(v)}"`, `expected one of ${allowed.join(", ")}`);
        return;
      }
      schema.type = v as JSONSchemaProps["type"];
      view.type = schema.type;
      return;
    }
    case "XPreserveUnknownFields":
    case "kubebuilder:pruning:PreserveUnknownFields":
      schema["x-kubernetes-preserve-unknown-fields"] = true;
      return;
    case "XEmbeddedResource":
    case "EmbeddedResource":
      schema["x-kubernetes-embedded-resource"] = true;
      return;
    case "XIntOrString":
      schema["x-kubernetes-int-or-string"] = true;
      view["x-kubernetes-int-or-string"] = true;
      return;
    case "XValidation": {
      const a = v as MarkerArgs;
      const rule: ValidationRule = { rule: a.rule as string };
      if (a.message !== undefined && a.message !== "") rule.message = a.message as string;
      if (a.messageExpression !== undefined && a.messageExpression !== "") rule.messageExpression = a.messageExpression as string;
      if (a.reason !== undefined && a.reason !== "") rule.reason = a.reason as ValidationRule["reason"];
      if (a.fieldPath !== undefined && a.fieldPath !== "") rule.fieldPath = a.fieldPath as string;
      if (a.optionalOldSelf !== undefined) rule.optionalOldSelf = a.optionalOldSelf as boolean;
      (schema["x-kubernetes-validations"] ??= []).push(rule);
      rules.push({ rule, schema, marker });
      return;
    }
    case "ExactlyOneOf":
    case "AtMostOneOf":
    case "AtLeastOneOf": {
      const fields = v as string[];
      if (fields.length === 0) return;
      const short = name.slice(VALIDATION_PREFIX.length);
      const known = Object.keys(view.properties ?? {});
      for (const f of fields) {
        if (!known.includes(f)) fail(`"${f}" is not a field of this type`, `fields: ${known.join(", ")}`);
      }
      // controller-gen's rule and message, word for word: the number of fields set, counted
      // by filtering a list of has() results, compared with 1.
      const list = `[${fields.join(" ")}]`;
      const count = `[${fields.map((f) => `has(self.${f})`).join(",")}].filter(x,x==true).size()`;
      const rule: ValidationRule =
        short === "ExactlyOneOf"
          ? { rule: `${count} == 1`, message: `exactly one of the fields in ${list} must be set` }
          : short === "AtMostOneOf"
            ? { rule: `${count} <= 1`, message: `at most one of the fields in ${list} may be set` }
            : { rule: `${count} >= 1`, message: `at least one of the fields in ${list} must be set` };
      (schema["x-kubernetes-validations"] ??= []).push(rule);
      rules.push({ rule, schema, marker });
      return;
    }
    case "k8s:immutable": {
      const rule: ValidationRule = { rule: "self == oldSelf", message: "field is immutable" };
      (schema["x-kubernetes-validations"] ??= []).push(rule);
      rules.push({ rule, schema, marker });
      return;
    }
    case "nullable":
      schema.nullable = true;
      return;
    case "kubebuilder:default": {
      let value = v as unknown;
      if (view.type === "array" && isEmptyObject(value)) value = [];
      schema.default = value;
      return;
    }
    case "default": {
      const raw = String(v).trim();
      if (raw.startsWith("ref(")) return;
      try {
        schema.default = JSON.parse(raw);
      } catch (e) {
        fail(`the value must be JSON: ${(e as Error).message}`, 'e.g. +default="ClusterIP", +default=3 or +default={"a": 1}');
      }
      return;
    }
    case "kubebuilder:example":
      schema.example = v;
      return;
    case "kubebuilder:title":
      if (typeof v !== "string") fail(`expected a string, got ${JSON.stringify(v)}`);
      else schema.title = v;
      return;
    case "kubebuilder:externalDocs": {
      const a = v as MarkerArgs;
      schema.externalDocs = { url: a.url as string, ...(a.description ? { description: a.description as string } : {}) };
      return;
    }
    case "listType":
    case "k8s:listType":
      if (!isType("array", "arrays")) return;
      if (v !== "atomic" && v !== "set" && v !== "map") {
        fail(`must be "atomic", "set" or "map", got "${String(v)}"`);
        return;
      }
      schema["x-kubernetes-list-type"] = v;
      view["x-kubernetes-list-type"] = v;
      return;
    case "listMapKey":
    case "k8s:listMapKey":
      if (!isType("array", "arrays")) return;
      if (view["x-kubernetes-list-type"] !== "map") {
        fail(`applies to a list with +listType=map`);
        return;
      }
      (schema["x-kubernetes-list-map-keys"] ??= []).push(v as string);
      return;
    case "mapType":
      if (!isType("object", "objects")) return;
      if (v !== "atomic" && v !== "granular") {
        fail(`must be "granular" or "atomic", got "${String(v)}"`);
        return;
      }
      schema["x-kubernetes-map-type"] = v;
      return;
    case "structType":
      if (view.type !== "object" && view.type !== undefined) {
        fail(`applies to objects, but the value is ${describeType(view)}`);
        return;
      }
      if (v !== "atomic" && v !== "granular") {
        fail(`must be "granular" or "atomic", got "${String(v)}"`);
        return;
      }
      schema["x-kubernetes-map-type"] = v;
      return;
    default:
      return;
  }
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}
