import { clone, isObject, type Json } from "../store/json.js";

/**
 * Applies a JSON merge patch (RFC 7386) and returns a new document; the inputs are not
 * changed. `null` removes a member; objects merge recursively; anything else (arrays
 * included) replaces.
 * @example
 * ```ts
 * applyMergePatch({ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } }); // { a: 1, b: { d: 3 } }
 * ```
 */
export function applyMergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return clone(patch as Json);
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
