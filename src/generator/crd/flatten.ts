import type { JSONSchemaProps } from "../../model/index.js";

type Key = keyof JSONSchemaProps;

/** Keys whose values are documentation: the field's win, they are never hoisted. */
const DOC_KEYS = new Set<Key>(["title", "description", "example", "externalDocs" as Key]);

/**
 * Merges `src` into `dst` as controller-gen's flattener merges the parts of an `allOf`
 * (a named type's schema, then the field's own keywords): properties merge recursively,
 * `required` lists join (sorted, unique), CEL rules join (src's first), `additionalProperties`
 * merge, an enum is kept from `dst` when it has one, and any other keyword that both set to
 * different values is hoisted into an `allOf` of the two, so neither is lost.
 * Returns a conflict message when the two disagree on `type`.
 */
export function mergeSchemaInto(dst: JSONSchemaProps, src: JSONSchemaProps): string | undefined {
  let conflict: string | undefined;
  const dstRest: JSONSchemaProps = {};
  const srcRest: JSONSchemaProps = {};
  let hoisted = false;
  const d = dst as Record<string, unknown>;
  for (const key of Object.keys(src) as Key[]) {
    const sv = src[key];
    if (sv === undefined || key === "allOf" || DOC_KEYS.has(key)) continue;
    if (key === "enum") {
      if (!dst.enum || dst.enum.length === 0) dst.enum = [...(src.enum ?? [])];
      continue;
    }
    const dv = dst[key];
    if (dv === undefined || isZero(dv)) {
      d[key] = clone(sv);
      continue;
    }
    if (isZero(sv) || deepEqual(dv, sv)) continue;
    switch (key) {
      case "properties": {
        const dp = dst.properties!;
        for (const [name, schema] of Object.entries(src.properties!)) {
          const existing = dp[name];
          if (!existing) dp[name] = clone(schema);
          else conflict ??= mergeSchemaInto(existing, schema);
        }
        break;
      }
      case "required":
        dst.required = [...new Set([...(dst.required ?? []), ...(src.required ?? [])])].sort();
        break;
      case "type":
        conflict ??= `conflicting types: ${String(dv)} and ${String(sv)}`;
        break;
      case "additionalProperties":
        if (typeof sv === "object" && typeof dv === "object" && sv !== null && dv !== null) {
          conflict ??= mergeSchemaInto(dv as JSONSchemaProps, sv as JSONSchemaProps);
        }
        break;
      case "x-kubernetes-preserve-unknown-fields":
      case "x-kubernetes-map-type":
        d[key] = clone(sv);
        break;
      case "x-kubernetes-validations":
        dst["x-kubernetes-validations"] = [...src["x-kubernetes-validations"]!, ...dst["x-kubernetes-validations"]!];
        break;
      default:
        (dstRest as Record<string, unknown>)[key] = dv;
        (srcRest as Record<string, unknown>)[key] = clone(sv);
        delete d[key];
        hoisted = true;
    }
  }
  if (hoisted) dst.allOf = [...(dst.allOf ?? []), dstRest, srcRest];
  return conflict;
}

function isZero(v: unknown): boolean {
  return v === false || v === "" || (Array.isArray(v) && v.length === 0);
}

/**
 * A deep copy of plain JSON data, as a tree: parts shared in `value` are copied apart, so a
 * caller may change any node without touching another. (Several times faster than
 * `structuredClone`, which also keeps shared parts shared.)
 */
export function clone<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(clone) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = clone((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** Structural equality of plain JSON data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
