import type { JSONSchemaProps } from "../../../model/index.js";

/**
 * A deep copy of a schema as a tree: parts shared in the source are copied apart, so a
 * caller may change any node without touching another (unlike `structuredClone`, which
 * keeps shared references shared).
 */
export function cloneSchema(schema: JSONSchemaProps): JSONSchemaProps {
  return cloneJson(schema) as JSONSchemaProps;
}

function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) copy[key] = cloneJson(v);
  return copy;
}
