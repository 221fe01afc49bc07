import type { JSONSchemaProps } from "../../../model/schema.js";
import { escapeCelName } from "./escape.js";

/** Scalar CEL types the checker tells apart. */
export type ScalarName =
  "bool" | "int" | "uint" | "double" | "string" | "bytes" | "null" | "timestamp" | "duration" | "type";

/**
 * Where a schema-backed value sits relative to the field a marker would go on: the field
 * itself, the items of a list field, the values of a map field, or the rule's own node.
 */
export type Origin = "self" | "field" | "items" | "values";

/** What a schema-backed type knows of its schema node: the node, its path, how it is reached. */
export interface SchemaRef {
  readonly node: JSONSchemaProps;
  readonly origin: Origin;
}

/**
 * The static type of a CEL sub-expression, as the API server's environment types it from a
 * structural schema. `path` is a schema path (`self.spec.items[*].name`: list items and map
 * values are `[*]`); `schema` is set for values whose bounds come from a user's schema node.
 */
export type CelType =
  | { readonly kind: "dyn"; readonly path?: string; readonly schema?: SchemaRef }
  | { readonly kind: "error" }
  | { readonly kind: "object"; readonly node: JSONSchemaProps; readonly root: boolean; readonly path?: string }
  | { readonly kind: "list"; readonly elem: CelType; readonly path?: string; readonly schema?: SchemaRef }
  | {
      readonly kind: "map";
      readonly key: CelType;
      readonly value: CelType;
      readonly path?: string;
      readonly schema?: SchemaRef;
    }
  | { readonly kind: "optional"; readonly inner: CelType }
  | { readonly kind: "scalar"; readonly name: ScalarName; readonly path?: string; readonly schema?: SchemaRef }
  | { readonly kind: "opaque"; readonly name: string };

/** A value of any type (int-or-string, or where the checker knows no better). */
export const DYN: CelType = { kind: "dyn" };
/** The type of an expression already reported as wrong; it silences follow-up reports. */
export const ERROR: CelType = { kind: "error" };
/** `bool`, without schema. */
export const BOOL: CelType = { kind: "scalar", name: "bool" };
/** `int`, without schema. */
export const INT: CelType = { kind: "scalar", name: "int" };
/** `string`, without schema. */
export const STRING: CelType = { kind: "scalar", name: "string" };
/** A type denotation (`int`, `string`, `google.protobuf.Timestamp`). */
export const TYPE: CelType = { kind: "scalar", name: "type" };

/** A scalar of the given name, without schema. */
export function scalar(name: ScalarName): CelType {
  return { kind: "scalar", name };
}

/** A list of `elem`, without schema. */
export function listOf(elem: CelType): CelType {
  return { kind: "list", elem };
}

/** `optional(inner)`. */
export function optionalOf(inner: CelType): CelType {
  return inner.kind === "optional" || inner.kind === "error" ? inner : { kind: "optional", inner };
}

/** One property of an object as CEL sees it. */
export interface CelField {
  /** The JSON property name. */
  readonly json: string;
  readonly node: JSONSchemaProps;
  /** Added by the API server (apiVersion/kind/metadata of a resource), not by the user. */
  readonly synthetic: boolean;
}

/** The accessible properties of an object schema, by CEL name, and the ones CEL cannot see. */
export interface ObjectFields {
  readonly byCelName: ReadonlyMap<string, CelField>;
  /** Properties present in the schema that CEL cannot access, by JSON name, with why. */
  readonly hidden: ReadonlyMap<string, string>;
}

const STRING_NODE: JSONSchemaProps = { type: "string" };
const METADATA_NODE: JSONSchemaProps = {
  type: "object",
  properties: {
    name: { type: "string", maxLength: 253 },
    generateName: { type: "string", maxLength: 252 },
  },
};
const SYNTHETIC_NODES: ReadonlySet<JSONSchemaProps> = new Set([
  STRING_NODE,
  METADATA_NODE,
  METADATA_NODE.properties!["name"]!,
  METADATA_NODE.properties!["generateName"]!,
]);

/** True for schema nodes the API server adds itself (their bounds are not the user's to set). */
export function isSyntheticNode(node: JSONSchemaProps): boolean {
  return SYNTHETIC_NODES.has(node);
}

/**
 * Whether the API server exposes a schema node to CEL at all (Kubernetes' `SchemaDeclType`
 * returns nil otherwise): nodes without a type, and lists or maps of such nodes, are hidden.
 */
export function exposureProblem(node: JSONSchemaProps): string | undefined {
  if (node["x-kubernetes-int-or-string"]) return undefined;
  switch (node.type) {
    case "array":
      if (!node.items) return "it is an array without items";
      return exposureProblem(node.items) === undefined ? undefined : "its items have no type";
    case "object": {
      const ap = node.additionalProperties;
      if (ap !== undefined && typeof ap === "object") {
        return exposureProblem(ap) === undefined ? undefined : "its values have no type";
      }
      return undefined;
    }
    case "string":
    case "boolean":
    case "number":
    case "integer":
      return undefined;
    default:
      return node["x-kubernetes-preserve-unknown-fields"]
        ? "it has no type (x-kubernetes-preserve-unknown-fields without type: object)"
        : "it has no type";
  }
}

/** Whether an object node is a Kubernetes resource root in CEL's eyes (kind, apiVersion, metadata). */
export function isResourceRoot(node: JSONSchemaProps): boolean {
  if (node["x-kubernetes-embedded-resource"]) return true;
  const p = node.properties;
  return (
    p !== undefined &&
    p["apiVersion"]?.type === "string" &&
    p["kind"]?.type === "string" &&
    p["metadata"]?.type === "object" &&
    p["metadata"].properties === undefined
  );
}

const fieldCache = new WeakMap<JSONSchemaProps, ObjectFields>();
const rootFieldCache = new WeakMap<JSONSchemaProps, ObjectFields>();

/** The fields CEL sees on an object node (cached per node; resource roots get apiVersion/kind/metadata). */
export function objectFields(node: JSONSchemaProps, root: boolean): ObjectFields {
  const cache = root ? rootFieldCache : fieldCache;
  const hit = cache.get(node);
  if (hit) return hit;
  const byCelName = new Map<string, CelField>();
  const hidden = new Map<string, string>();
  const props = { ...(node.properties ?? {}) };
  const synthetic = new Set<string>();
  if (root && !hasTypeAndObjectMeta(props)) {
    props["kind"] = STRING_NODE;
    props["apiVersion"] = STRING_NODE;
    props["metadata"] = METADATA_NODE;
    for (const k of ["kind", "apiVersion", "metadata"]) synthetic.add(k);
  }
  for (const [json, prop] of Object.entries(props)) {
    const problem = exposureProblem(prop);
    if (problem !== undefined) {
      hidden.set(json, problem);
      continue;
    }
    const cel = escapeCelName(json);
    if (cel === undefined) {
      hidden.set(json, "its name cannot be written as a CEL identifier");
      continue;
    }
    byCelName.set(cel, { json, node: prop, synthetic: synthetic.has(json) });
  }
  const out: ObjectFields = { byCelName, hidden };
  cache.set(node, out);
  return out;
}

/**
 * Whether a resource root declares apiVersion, kind, metadata.name and metadata.generateName
 * itself; the API server adds them to the CEL type (and to its size estimate) otherwise.
 */
export function hasTypeAndObjectMeta(props: Record<string, JSONSchemaProps>): boolean {
  const meta = props["metadata"];
  return (
    props["kind"]?.type === "string" &&
    props["apiVersion"]?.type === "string" &&
    meta?.type === "object" &&
    meta.properties?.["name"]?.type === "string" &&
    meta.properties["generateName"]?.type === "string"
  );
}

/**
 * The CEL type of a schema node, as Kubernetes' `SchemaDeclType` derives it, or undefined
 * when the node is not exposed to CEL. `root` marks a resource root (the CRD's top node or
 * an embedded resource).
 */
export function typeFromSchema(
  node: JSONSchemaProps,
  path: string | undefined,
  origin: Origin,
  root = false,
): CelType | undefined {
  // Only user-written nodes carry bounds worth a cost hint.
  const extra = {
    ...(path === undefined ? {} : { path }),
    ...(isSyntheticNode(node) ? {} : { schema: { node, origin } }),
  };
  if (node["x-kubernetes-int-or-string"]) return { kind: "dyn", ...extra };
  switch (node.type) {
    case "array": {
      if (!node.items) return undefined;
      const items = node.items;
      const elem = typeFromSchema(items, itemPath(path), "items", items["x-kubernetes-embedded-resource"] === true);
      return elem && { kind: "list", elem, ...extra };
    }
    case "object": {
      const ap = node.additionalProperties;
      if (ap !== undefined && typeof ap === "object") {
        const value = typeFromSchema(ap, itemPath(path), "values", ap["x-kubernetes-embedded-resource"] === true);
        return value && { kind: "map", key: STRING, value, ...extra };
      }
      const isRoot = root || node["x-kubernetes-embedded-resource"] === true;
      return { kind: "object", node, root: isRoot, ...(path === undefined ? {} : { path }) };
    }
    case "string":
      return { kind: "scalar", name: STRING_FORMATS[node.format ?? ""] ?? "string", ...extra };
    case "boolean":
      return { kind: "scalar", name: "bool", ...extra };
    case "number":
      return { kind: "scalar", name: "double", ...extra };
    case "integer":
      return { kind: "scalar", name: "int", ...extra };
  }
  return undefined;
}

/** String formats the API server types as something other than string. */
const STRING_FORMATS: Readonly<Record<string, ScalarName>> = {
  byte: "bytes",
  duration: "duration",
  date: "timestamp",
  "date-time": "timestamp",
};

/** `path[*]`, or undefined when there is no path. */
export function itemPath(path: string | undefined): string | undefined {
  return path === undefined ? undefined : `${path}[*]`;
}

/** `path.field`, or undefined when there is no path. */
export function childPath(path: string | undefined, field: string): string | undefined {
  return path === undefined ? undefined : `${path}.${field}`;
}

/** The path of a type, when it has one. */
export function pathOf(t: CelType): string | undefined {
  return "path" in t ? t.path : undefined;
}

/** A short human name for a type: `string`, `list(int)`, `object`, `optional(string)`. */
export function describeType(t: CelType): string {
  switch (t.kind) {
    case "dyn":
      return "dyn";
    case "error":
      return "<error>";
    case "object":
      return "object";
    case "list":
      return `list(${describeType(t.elem)})`;
    case "map":
      return `map(${describeType(t.key)}, ${describeType(t.value)})`;
    case "optional":
      return `optional(${describeType(t.inner)})`;
    case "scalar":
      return t.name;
    case "opaque":
      return t.name;
  }
}

/** True when the checker cannot say anything about the value (dyn or an earlier error). */
export function isOpen(t: CelType): boolean {
  return t.kind === "dyn" || t.kind === "error";
}
