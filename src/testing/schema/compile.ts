/**
 * A CRD schema compiled once for admission: keywords read into a typed tree, unsupported
 * formats dropped as the server drops them, defaults pruned, patterns and CEL rules compiled.
 * Compiled trees are cached by the identity of the root schema object.
 */
import type { JSONSchemaProps } from "../../model/schema.js";
import { compileRules, type CompiledRule } from "./cel/rules.js";
import { effectiveFormat, formatChecker } from "./formats.js";
import { deepClone } from "./json.js";
import { compilePattern, type CompiledPattern } from "./pattern.js";
import { pruneValue } from "./prune.js";

/** A numeric bound and whether it fits the node's numeric type and format. */
export interface Bound {
  readonly value: number;
  readonly fitsType: boolean;
}

/** One compiled schema node. */
export interface CompiledNode {
  readonly schema: JSONSchemaProps;
  /** The declared `type`, if any. */
  readonly type: string | undefined;
  /** kube-openapi's type list: `[type]`, or `["integer","string"]` for int-or-string. */
  readonly types: readonly string[];
  readonly nullable: boolean;
  /** The format the server keeps ("" when none or unsupported). */
  readonly format: string;
  readonly formatCheck: ((s: string) => boolean) | undefined;
  readonly preserveUnknown: boolean;
  readonly embedded: boolean;
  readonly intOrString: boolean;
  readonly properties: ReadonlyMap<string, CompiledNode> | undefined;
  /** `additionalProperties`: a schema, `"any"` for a boolean, or undefined when absent. */
  readonly additional: CompiledNode | "any" | undefined;
  readonly additionalFalse: boolean;
  readonly items: CompiledNode | undefined;
  readonly allOf: readonly CompiledNode[];
  readonly anyOf: readonly CompiledNode[];
  readonly oneOf: readonly CompiledNode[];
  readonly not: CompiledNode | undefined;
  readonly hasDefault: boolean;
  /** The default, pruned by this node's schema. */
  readonly defaultValue: unknown;
  readonly enumValues: readonly unknown[] | undefined;
  readonly pattern: CompiledPattern | undefined;
  /** The numeric type and format the number checks use ("" when ambiguous). */
  readonly numType: "integer" | "number" | "";
  readonly numFormat: string;
  readonly maximum: Bound | undefined;
  readonly minimum: Bound | undefined;
  readonly multipleOf: Bound | undefined;
  readonly listType: "atomic" | "set" | "map" | undefined;
  readonly listMapKeys: readonly string[];
  /** CEL rules of `x-kubernetes-validations` on this node. */
  readonly rules: readonly CompiledRule[];
  /** True when this node, its allOf branches or a descendant has CEL rules. */
  readonly celBelow: boolean;
  /** True when this node or a descendant is a set or map list. */
  readonly listTypeBelow: boolean;
  /** True when this node or a descendant has a default. */
  readonly defaultsBelow: boolean;
  /** True when this node or a descendant is an embedded resource. */
  readonly embeddedBelow: boolean;
}

const cache = new WeakMap<JSONSchemaProps, CompiledNode>();

/** The compiled form of a root schema (compiled once per schema object). */
export function compileSchema(schema: JSONSchemaProps): CompiledNode {
  let hit = cache.get(schema);
  if (hit === undefined) {
    hit = compileNode(schema, true);
    cache.set(schema, hit);
  }
  return hit;
}

/**
 * Whether a bound (a float64 in the schema) converts without loss to the node's numeric type
 * (kube-openapi's `IsValueValidAgainstRange`).
 */
export function fitsNumericType(x: number, numType: string, numFormat: string): boolean {
  if (numType === "integer") {
    if (!Number.isInteger(x)) return false;
    if (numFormat === "int32") return x >= -2147483648 && x <= 2147483647;
    return x >= -9223372036854775808 && x < 9223372036854775808;
  }
  if (numFormat === "float") return Number.isFinite(Math.fround(x));
  return true;
}

function compileNode(s: JSONSchemaProps, isRoot: boolean): CompiledNode {
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const types = intOrString ? ["integer", "string"] : s.type !== undefined ? [s.type] : [];
  const format = effectiveFormat(intOrString ? undefined : s.type, s.format);
  const props = s.properties;
  let properties: Map<string, CompiledNode> | undefined;
  if (props !== undefined) {
    properties = new Map();
    for (const k of Object.keys(props)) properties.set(k, compileNode(props[k]!, false));
  }
  const ap = s.additionalProperties;
  // `additionalProperties: true|false` is a structural `additionalProperties` without schema.
  const additional: CompiledNode["additional"] =
    ap === undefined ? undefined : typeof ap === "boolean" ? "any" : compileNode(ap, false);
  const items = s.items !== undefined ? compileNode(s.items, false) : undefined;
  const sub = (list: JSONSchemaProps[] | undefined): CompiledNode[] => (list ?? []).map((x) => compileNode(x, false));
  const allOf = sub(s.allOf);
  const numType: CompiledNode["numType"] =
    types.length === 1 && (s.type === "integer" || s.type === "number") ? s.type : "";
  const numFormat =
    numType === "integer" && (format === "int32" || format === "int64")
      ? format
      : numType === "number" && (format === "float" || format === "double")
        ? format
        : "";
  const bound = (v: number | undefined): Bound | undefined =>
    v === undefined ? undefined : { value: v, fitsType: fitsNumericType(v, numType, numFormat) };

  const partial = {
    schema: s,
    type: s.type,
    types,
    nullable: s.nullable === true,
    format,
    formatCheck: format !== "" && (s.type === "string" || s.type === undefined) ? formatChecker(format) : undefined,
    preserveUnknown: s["x-kubernetes-preserve-unknown-fields"] === true,
    embedded: s["x-kubernetes-embedded-resource"] === true,
    intOrString,
    properties,
    additional,
    additionalFalse: ap === false,
    items,
    allOf,
    anyOf: sub(s.anyOf),
    oneOf: sub(s.oneOf),
    not: s.not !== undefined ? compileNode(s.not, false) : undefined,
    hasDefault: s.default !== undefined && s.default !== null,
    defaultValue: undefined as unknown,
    enumValues: s.enum !== undefined && s.enum.length > 0 ? s.enum : undefined,
    pattern: s.pattern !== undefined && s.pattern !== "" ? compilePattern(s.pattern) : undefined,
    numType,
    numFormat,
    maximum: bound(s.maximum),
    minimum: bound(s.minimum),
    multipleOf: bound(s.multipleOf),
    listType: s["x-kubernetes-list-type"],
    listMapKeys: s["x-kubernetes-list-map-keys"] ?? [],
    rules: [] as CompiledRule[],
  };
  const children: CompiledNode[] = [...(properties?.values() ?? []), ...(items ? [items] : [])];
  if (additional !== undefined && additional !== "any") children.push(additional);
  const node: CompiledNode = {
    ...partial,
    celBelow: (s["x-kubernetes-validations"]?.length ?? 0) > 0 || [...children, ...allOf].some((c) => c.celBelow),
    listTypeBelow: partial.listType === "set" || partial.listType === "map" || children.some((c) => c.listTypeBelow),
    defaultsBelow: partial.hasDefault || children.some((c) => c.defaultsBelow),
    embeddedBelow: partial.embedded || children.some((c) => c.embeddedBelow),
  };
  if (node.hasDefault) {
    // The server prunes defaults by the schema once, when it loads the CRD.
    (node as { defaultValue: unknown }).defaultValue = pruneValue(deepClone(s.default), node);
  }
  (node as { rules: readonly CompiledRule[] }).rules = compileRules(s["x-kubernetes-validations"] ?? [], node, isRoot);
  return node;
}
