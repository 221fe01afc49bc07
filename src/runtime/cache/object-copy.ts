import type { KubernetesObject } from "../resource.js";

/**
 * Freezes a JSON value and everything in it, in place; returns it. The cache freezes what it
 * stores, so event handlers can be given stored objects without copying and still cannot
 * change the cache by accident (a write throws a TypeError in strict mode).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (Array.isArray(value)) {
      for (const item of value) deepFreeze(item);
    } else {
      for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
    }
  }
  return value;
}

/**
 * A deep, mutable copy of a JSON value (objects, arrays, strings, numbers, booleans, null).
 * What the cached client's `get`/`list` return, as controller-runtime returns copies, so a
 * reconciler may change and `update` what it read.
 */
export function deepCopy<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = deepCopy((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * Whether two values are equal as JSON sees them: key order and `undefined` members do not
 * matter (an `undefined` array item counts as null), values JSON cannot tell apart are
 * equal. Plain objects, arrays and primitives are compared in place; anything else (a
 * `Date`, a class instance) by its JSON text.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(asItem(a[i]), asItem(b[i]))) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    let count = 0;
    for (const key of Object.keys(a)) {
      if (!isJsonMember(a[key])) continue;
      count++;
      if (!Object.hasOwn(b, key) || !isJsonMember(b[key]) || !jsonEqual(a[key], b[key])) return false;
    }
    for (const key of Object.keys(b)) if (isJsonMember(b[key])) count--;
    return count === 0;
  }
  if (typeof a !== "object" && typeof b !== "object" && typeof a === typeof b && typeof a !== "number") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** Whether JSON keeps an object member with this value. */
const isJsonMember = (value: unknown): boolean => value !== undefined && typeof value !== "function" && typeof value !== "symbol";

/** An array item as JSON writes it. */
const asItem = (value: unknown): unknown => (isJsonMember(value) ? value : null);

/**
 * A cache transform dropping `metadata.managedFields`, which is often most of a small
 * object's size and is rarely read by controllers (controller-runtime offers the same as
 * `TransformStripManagedFields`).
 */
export function stripManagedFields<T extends KubernetesObject>(object: T): T {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  if (metadata === undefined || !("managedFields" in metadata)) return object;
  // Built by assignment, not by spread/rest: V8 then keeps the copies in compact fast-mode
  // objects (measured: spread copies cost more than the fields they drop).
  const slim: Record<string, unknown> = {};
  for (const key in metadata) if (key !== "managedFields") slim[key] = metadata[key];
  const out: Record<string, unknown> = {};
  for (const key in object) out[key] = key === "metadata" ? slim : (object as Record<string, unknown>)[key];
  return out as T;
}
