/**
 * Walking OpenAPI schemas as schemas (a `properties` map is not a schema, its values are),
 * for the rewrites the published documents need.
 */
import { isObject, type Json, type JsonObject } from "../../store/json.js";
import { refTarget, V2_REF_PREFIX, V3_REF_PREFIX } from "./names.js";

const SCHEMA_MAPS = ["properties", "patternProperties", "definitions"] as const;
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf"] as const;
const SCHEMA_ONES = ["items", "additionalProperties", "additionalItems", "not"] as const;

/**
 * A copy of `schema` with `visit` applied to every schema node, parents first; `visit`
 * gets a fresh shallow copy of the node and returns what replaces it (its children are then
 * walked in what it returned).
 */
export function mapSchema(schema: JsonObject, visit: (node: JsonObject) => JsonObject): JsonObject {
  const node = visit({ ...schema });
  for (const key of SCHEMA_MAPS) {
    const m = node[key];
    if (!isObject(m)) continue;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(m)) out[k] = isObject(v) ? mapSchema(v, visit) : v;
    node[key] = out;
  }
  for (const key of SCHEMA_LISTS) {
    const l = node[key];
    if (Array.isArray(l)) node[key] = l.map((v): Json => (isObject(v) ? mapSchema(v, visit) : v));
  }
  for (const key of SCHEMA_ONES) {
    const v = node[key];
    if (isObject(v)) node[key] = mapSchema(v, visit);
    else if (key === "items" && Array.isArray(v)) node[key] = v.map((x): Json => (isObject(x) ? mapSchema(x, visit) : x));
  }
  return node;
}

/** Every definition `schema` refers to (directly). */
export function referencedDefinitions(schema: JsonObject): Set<string> {
  const out = new Set<string>();
  mapSchema(schema, (node) => {
    const target = refTarget(node);
    if (target !== undefined) out.add(target);
    return node;
  });
  return out;
}

/**
 * The v3 form of a v2-shaped schema: references point into `#/components/schemas/`, and a
 * reference with siblings (a description) is wrapped in `allOf`, as kube-openapi's
 * `WrapRefs` does (a v3 `$ref` ignores its siblings).
 */
export function toV3Schema(schema: JsonObject): JsonObject {
  return mapSchema(schema, (node) => {
    const r = node["$ref"];
    if (typeof r !== "string") return node;
    const target = r.startsWith(V2_REF_PREFIX) ? V3_REF_PREFIX + r.slice(V2_REF_PREFIX.length) : r;
    const { $ref: _dropped, ...siblings } = node;
    if (Object.keys(siblings).length === 0) return { $ref: target };
    return { ...siblings, allOf: [{ $ref: target }] };
  });
}
