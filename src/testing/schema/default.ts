/**
 * Structural defaulting as the API server does it: a property missing (or `null` where the
 * schema is not nullable) gets a deep copy of its default, then its own subtree is defaulted,
 * so nested defaults apply inside defaulted values too.
 */
import type { CompiledNode } from "./compile.js";
import { deepClone, hasKey, isObject } from "./json.js";

function isNonNullableNull(x: unknown, node: CompiledNode | undefined): boolean {
  return x === null && node !== undefined && !node.nullable;
}

/** Applies the defaults of `node` to `x` in place. */
export function applyDefaults(x: unknown, node: CompiledNode | undefined): void {
  if (node === undefined || !node.defaultsBelow) return;
  if (Array.isArray(x)) {
    const items = node.items;
    if (items === undefined) return;
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && items.hasDefault) x[i] = deepClone(items.defaultValue);
      applyDefaults(x[i], items);
    }
    return;
  }
  if (!isObject(x)) return;
  if (node.properties !== undefined) {
    for (const [k, prop] of node.properties) {
      if (!prop.hasDefault) continue;
      if (!hasKey(x, k) || isNonNullableNull(x[k], prop)) x[k] = deepClone(prop.defaultValue);
    }
  }
  const ap = node.additional !== undefined && node.additional !== "any" ? node.additional : undefined;
  for (const k of Object.keys(x)) {
    const prop = node.properties?.get(k);
    if (prop !== undefined) applyDefaults(x[k], prop);
    else if (ap !== undefined) {
      if (isNonNullableNull(x[k], ap) && ap.hasDefault) x[k] = deepClone(ap.defaultValue);
      applyDefaults(x[k], ap);
    }
  }
}
