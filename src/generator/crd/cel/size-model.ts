import type { JSONSchemaProps } from "../../../model/schema.js";
import { hasTypeAndObjectMeta } from "./cel-types.js";
import { escapeCelName } from "./escape.js";

/**
 * How large the values of a schema node can be, as the API server reckons when it estimates
 * the cost of CEL rules (Kubernetes' `DeclType`: `MaxElements` and `MinSerializedSize`).
 * Strings count characters (×4 for maxLength: bytes), lists items, maps entries.
 */
export interface SizeNode {
  /** The most characters, items or entries; 0 for numbers, booleans and objects. */
  readonly maxElements: number;
  /** The fewest bytes the value takes in JSON (`""`, `0`, `{}` plus its required fields). */
  readonly minSerializedSize: number;
  /** Object properties by their CEL name. */
  readonly fields?: ReadonlyMap<string, SizeNode>;
  /** List items or map values. */
  readonly elem?: SizeNode;
  /** Map keys (the API server gives them no size: 0). */
  readonly key?: SizeNode;
}

/** The largest request the API server accepts, which bounds what no schema keyword bounds. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

const MIN_STRING_SIZE = 2; // ""
const MIN_BOOL_SIZE = 4; // true
const MIN_NUMBER_SIZE = 1; // 0
const MIN_DURATION_SIZE = 3; // "0"
const DATE_SIZE = 12; // "YYYY-MM-DD"
const MIN_DATETIME_SIZE = 21; // "YYYY-MM-DDTHH:MM:SS"
const MAX_DATETIME_SIZE = 32;
const MAX_DURATION_SIZE = 32;

const INT: SizeNode = { maxElements: 0, minSerializedSize: MIN_NUMBER_SIZE };
const DOUBLE: SizeNode = { maxElements: 0, minSerializedSize: MIN_NUMBER_SIZE };
const BOOL: SizeNode = { maxElements: 0, minSerializedSize: MIN_BOOL_SIZE };
/** A string the API server adds itself (apiVersion, kind, metadata.name): unbounded. */
const ADDED_STRING: SizeNode = { maxElements: MAX_REQUEST_SIZE_BYTES - 2, minSerializedSize: MIN_STRING_SIZE };
/** Map keys: a plain string type without bound, whose MaxElements the server leaves at 0. */
const MAP_KEY: SizeNode = { maxElements: 0, minSerializedSize: MIN_STRING_SIZE };

const cache = new WeakMap<JSONSchemaProps, SizeNode | null>();
const rootCache = new WeakMap<JSONSchemaProps, SizeNode | null>();

/**
 * The size model of a schema node, or undefined when the node is not visible to CEL.
 * `root` marks the root of a resource (a CRD's top node, or an embedded resource), where
 * the API server adds `apiVersion`, `kind` and `metadata.name`/`generateName`.
 */
export function sizeModel(node: JSONSchemaProps, root = false): SizeNode | undefined {
  const c = root ? rootCache : cache;
  const hit = c.get(node);
  if (hit !== undefined) return hit ?? undefined;
  const built = build(node, root);
  c.set(node, built ?? null);
  return built;
}

function nonNegative(n: number): number {
  return n < 0 ? 0 : n;
}

function build(node: JSONSchemaProps, root: boolean): SizeNode | undefined {
  if (node["x-kubernetes-int-or-string"]) {
    return {
      maxElements: node.maxLength !== undefined ? nonNegative(node.maxLength) * 4 : MAX_REQUEST_SIZE_BYTES - 2,
      minSerializedSize: 1,
    };
  }
  switch (node.type) {
    case "array": {
      if (!node.items) return undefined;
      const elem = sizeModel(node.items, node.items["x-kubernetes-embedded-resource"] === true);
      if (!elem) return undefined;
      const maxElements =
        node.maxItems !== undefined
          ? nonNegative(node.maxItems)
          : Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (elem.minSerializedSize + 1));
      return { maxElements, minSerializedSize: 2, elem };
    }
    case "object": {
      const ap = node.additionalProperties;
      if (ap !== undefined && typeof ap === "object") {
        const elem = sizeModel(ap, ap["x-kubernetes-embedded-resource"] === true);
        if (!elem) return undefined;
        const maxElements =
          node.maxProperties !== undefined
            ? nonNegative(node.maxProperties)
            : Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (elem.minSerializedSize + 6));
        return { maxElements, minSerializedSize: 2, elem, key: MAP_KEY };
      }
      const props: Record<string, JSONSchemaProps> = { ...(node.properties ?? {}) };
      const required = new Set(node.required ?? []);
      const isRoot = root || node["x-kubernetes-embedded-resource"] === true;
      const added = isRoot && !hasTypeAndObjectMeta(props);
      const fields = new Map<string, SizeNode>();
      let minSerializedSize = 2;
      for (const [name, prop] of Object.entries(props)) {
        const field = sizeModel(prop, prop["x-kubernetes-embedded-resource"] === true);
        if (!field) continue;
        const cel = escapeCelName(name);
        if (cel !== undefined) fields.set(cel, field);
        // required fields without a default are always serialized
        if (required.has(name) && prop.default === undefined) minSerializedSize += name.length + field.minSerializedSize + 4;
      }
      if (added) {
        fields.set("kind", ADDED_STRING);
        fields.set("apiVersion", ADDED_STRING);
        fields.set("metadata", {
          maxElements: 0,
          minSerializedSize: 2,
          fields: new Map([
            ["name", ADDED_STRING],
            ["generateName", ADDED_STRING],
          ]),
        });
      }
      return { maxElements: 0, minSerializedSize, fields };
    }
    case "string":
      return stringSize(node);
    case "boolean":
      return BOOL;
    case "number":
      return DOUBLE;
    case "integer":
      return INT;
  }
  return undefined;
}

function stringSize(node: JSONSchemaProps): SizeNode {
  const unbounded = MAX_REQUEST_SIZE_BYTES - 2;
  switch (node.format) {
    case "byte":
      return { maxElements: node.maxLength !== undefined ? nonNegative(node.maxLength) : unbounded, minSerializedSize: MIN_STRING_SIZE };
    case "duration":
      return { maxElements: MAX_DURATION_SIZE, minSerializedSize: MIN_DURATION_SIZE };
    case "date":
      return { maxElements: DATE_SIZE, minSerializedSize: DATE_SIZE };
    case "date-time":
      return { maxElements: MAX_DATETIME_SIZE, minSerializedSize: MIN_DATETIME_SIZE };
  }
  if (node.maxLength !== undefined) return { maxElements: nonNegative(node.maxLength) * 4, minSerializedSize: MIN_STRING_SIZE };
  if (node.enum !== undefined && node.enum.length > 0) {
    const longest = Math.max(0, ...node.enum.map((v) => (typeof v === "string" ? Buffer.byteLength(v) : 0)));
    return { maxElements: longest, minSerializedSize: MIN_STRING_SIZE };
  }
  return { maxElements: unbounded, minSerializedSize: MIN_STRING_SIZE };
}


/**
 * How many times, at most, a rule on a node could run in one object when nothing bounds it:
 * as many copies of the node's smallest serialization as fit in a request.
 */
export function unboundedCardinality(node: SizeNode): number {
  return Math.floor(MAX_REQUEST_SIZE_BYTES / (node.minSerializedSize + 1));
}
