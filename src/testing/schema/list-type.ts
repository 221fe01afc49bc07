/**
 * The invariants of `x-kubernetes-list-type`: a set holds no value twice, a map list holds no
 * two items with the same keys (`Duplicate value` on the later item).
 */
import type { CompiledNode } from "./compile.js";
import { childPath, duplicate, invalid, keyPath, type SchemaCause } from "./field-error.js";
import { goJson } from "./go-format.js";
import { hasKey, isObject } from "./json.js";

/** Checks every set and map list in `obj` (an object validated by `node`). */
export function validateListTypes(path: string, node: CompiledNode, obj: unknown, out: SchemaCause[]): void {
  if (!node.listTypeBelow || !isObject(obj)) return;
  const ap = node.additional !== undefined && node.additional !== "any" ? node.additional : undefined;
  if (ap !== undefined) {
    for (const k of Object.keys(obj)) visit(keyPath(path, k), ap, obj[k], out);
  }
  if (node.properties !== undefined) {
    for (const k of Object.keys(obj)) {
      const sub = node.properties.get(k);
      if (sub !== undefined) visit(childPath(path, k), sub, obj[k], out);
    }
  }
}

function visit(path: string, node: CompiledNode, x: unknown, out: SchemaCause[]): void {
  if (!node.listTypeBelow) return;
  if (Array.isArray(x)) {
    if (node.listType === "set") {
      for (const i of nonUnique(x)) out.push(duplicate(keyPath(path, i), x[i]));
    } else if (node.listType === "map") {
      validateMapList(path, node, x, out);
    }
    if (node.items !== undefined) {
      for (let i = 0; i < x.length; i++) visit(keyPath(path, i), node.items, x[i], out);
    }
  } else if (isObject(x)) {
    validateListTypes(path, node, x, out);
  }
}

const UNSPECIFIED = Symbol("unspecified");

/** Indices of the second occurrence of each repeated value (compounds compared as JSON). */
function nonUnique(values: readonly unknown[]): number[] {
  if (values.length <= 1) return [];
  const seen = new Map<unknown, number>();
  const out: number[] = [];
  values.forEach((v, i) => {
    const key = typeof v === "object" && v !== null ? "\0json:" + goJson(v) : v;
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

function validateMapList(path: string, node: CompiledNode, items: readonly unknown[], out: SchemaCause[]): void {
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x !== null && !isObject(x)) {
      out.push(invalid(keyPath(path, i), x, "must be an object for an array of list-type map"));
      return;
    }
  }
  if (items.length <= 1) return;
  const keyFields = node.listMapKeys;
  if (keyFields.length === 1) {
    const field = keyFields[0]!;
    const keys = items.map((x) => (isObject(x) && hasKey(x, field) ? x[field] : UNSPECIFIED));
    for (const i of nonUnique(keys)) {
      const k = keys[i];
      out.push(duplicate(keyPath(path, i), k === UNSPECIFIED ? {} : { [field]: k }));
    }
    return;
  }
  const keys = items.map((x) => {
    const key: Record<string, unknown> = {};
    if (isObject(x)) for (const f of keyFields) if (hasKey(x, f)) key[f] = x[f];
    return key;
  });
  // Keys hold the key fields in one order, so their JSON text identifies them.
  const texts = keys.map(
    (k) =>
      "\0key:" + (Object.values(k).some((v) => typeof v === "object" && v !== null) ? goJson(k) : JSON.stringify(k)),
  );
  for (const i of nonUnique(texts)) out.push(duplicate(keyPath(path, i), keys[i]));
}
