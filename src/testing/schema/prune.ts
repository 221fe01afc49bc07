/**
 * Decoding steps the API server applies to a custom resource before defaulting: pruning of
 * fields the structural schema does not know, removal of `null`s the schema does not allow,
 * and the ObjectMeta round-trip of embedded resources.
 */
import type { CompiledNode } from "./compile.js";
import { childPath, invalid, keyPath, type SchemaCause } from "./field-error.js";
import { hasKey, isObject } from "./json.js";
import { normalizeObjectMeta } from "./metadata.js";

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

function fieldSchema(node: CompiledNode | undefined, k: string): CompiledNode | undefined | "drop" {
  if (node === undefined) return "drop";
  const prop = node.properties?.get(k);
  if (prop !== undefined) return prop;
  if (node.additional !== undefined) return node.additional === "any" ? undefined : node.additional;
  return "drop";
}

/**
 * Prunes `x` in place by `node` (`undefined`: no schema, every nested field goes) and returns
 * it. `embedded` keeps apiVersion, kind and metadata as for an embedded resource.
 */
export function pruneValue(x: unknown, node: CompiledNode | undefined, embedded = node?.embedded ?? false): unknown {
  if (node !== undefined && node.preserveUnknown) {
    skipPrune(x, node, embedded);
    return x;
  }
  if (Array.isArray(x)) {
    for (const v of x) pruneValue(v, node?.items);
    return x;
  }
  if (!isObject(x)) return x;
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const s = fieldSchema(node, k);
    if (s === "drop") delete x[k];
    else pruneValue(x[k], s);
  }
  return x;
}

function skipPrune(x: unknown, node: CompiledNode | undefined, embedded: boolean): void {
  if (node === undefined) return;
  if (Array.isArray(x)) {
    for (const v of x) if (node.items !== undefined) skipPrune(v, node.items, node.items.embedded);
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const s = fieldSchema(node, k);
    if (s !== "drop") pruneValue(x[k], s);
  }
}

/** Prunes a whole resource: apiVersion, kind and metadata at the root are never pruned. */
export function pruneResource(obj: Record<string, unknown>, root: CompiledNode): void {
  pruneValue(obj, root, true);
}

/** Removes `null`s where the schema is neither nullable nor defaulted (they are defaulted later). */
export function pruneNonNullableNulls(x: unknown, node: CompiledNode | undefined): void {
  if (Array.isArray(x)) {
    for (const v of x) pruneNonNullableNulls(v, node?.items);
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    const s = fieldSchema(node, k);
    const schema = s === "drop" ? undefined : s;
    const v = x[k];
    if (v === null && schema !== undefined && !schema.nullable && !schema.hasDefault) delete x[k];
    else pruneNonNullableNulls(v, schema);
  }
}

/**
 * The ObjectMeta round-trip of embedded resources (below the root): apiVersion and kind must
 * be strings, metadata keeps the fields ObjectMeta knows. Returns the first problem, if any.
 */
export function coerceEmbedded(x: unknown, node: CompiledNode | undefined, path: string): SchemaCause | undefined {
  if (node === undefined || !node.embeddedBelow) return undefined;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const c = coerceEmbedded(x[i], node.items, keyPath(path, i));
      if (c !== undefined) return c;
    }
    return undefined;
  }
  if (!isObject(x)) return undefined;
  if (node.embedded) {
    for (const k of ["apiVersion", "kind"]) {
      if (hasKey(x, k) && typeof x[k] !== "string") return invalid(childPath(path, k), x[k], "must be a string");
    }
    if (hasKey(x, "metadata")) {
      const meta = normalizeObjectMeta(x.metadata, childPath(path, "metadata"));
      if ("cause" in meta) return meta.cause;
      x.metadata = meta.value;
    }
  }
  for (const k of Object.keys(x)) {
    const prop = node.properties?.get(k);
    const c =
      prop !== undefined
        ? coerceEmbedded(x[k], prop, childPath(path, k))
        : node.additional !== undefined && node.additional !== "any"
          ? coerceEmbedded(x[k], node.additional, keyPath(path, k))
          : undefined;
    if (c !== undefined) return c;
  }
  return undefined;
}
