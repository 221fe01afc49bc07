/**
 * Plain JSON helpers: the values admitted here are what `JSON.parse` produces (objects,
 * arrays, strings, numbers, booleans, null).
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A deep copy of a JSON value. */
export function deepClone<T>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(deepClone) as T;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) out[k] = deepClone((v as JsonObject)[k]);
  return out as T;
}

/** Structural equality of two JSON values (key order ignored, array order kept). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as JsonObject)[k], (b as JsonObject)[k])) return false;
  }
  return true;
}

/** Own-property presence, safe for keys such as `__proto__`. */
export function hasKey(o: JsonObject, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/**
 * True when the API server's JSON decoder would hold `n` as an int64 rather than a float64:
 * an integral number within the int64 range. (`1.0` is indistinguishable from `1` here.)
 */
export function isInt64(n: number): boolean {
  return Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808;
}
