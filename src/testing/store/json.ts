/** A JSON value, as objects travel through the test server. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of a JSON value, as `JSON.parse(JSON.stringify(value))` makes it (`undefined`
 * and function members are dropped, non-finite numbers become null, `toJSON` is honoured)
 * but several times faster: plain objects, arrays and primitives are copied directly, and
 * only other values (dates, class instances) take the JSON round trip.
 */
export function clone<T>(value: T): T {
  return value === undefined ? value : (copyJson(value) as T);
}

const OBJECT_PROTOTYPE = Object.prototype;

function copyJson(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value + 0 : null; // -0 becomes 0, as in JSON
    case "object": {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          out[i] = item === undefined || typeof item === "function" || typeof item === "symbol" ? null : copyJson(item);
        }
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      const record = value as Record<string, unknown>;
      if ((proto !== OBJECT_PROTOTYPE && proto !== null) || typeof record["toJSON"] === "function") break;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (item !== undefined && typeof item !== "function" && typeof item !== "symbol") out[key] = copyJson(item);
      }
      return out;
    }
    default:
      break;
  }
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Deep equality of JSON values; key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bo, k) && deepEqual(ao[k], bo[k]));
}

/** The object at `obj[key]`, created empty when missing or not an object. */
export function child(obj: JsonObject, key: string): JsonObject {
  const v = obj[key];
  if (isObject(v)) return v;
  const created: JsonObject = {};
  obj[key] = created;
  return created;
}

/** Reads a dotted path (`metadata.name`, `spec.nodeName`) from an object. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
