import type { JSONSchemaProps } from "../../model/index.js";

/** Calls `visit` on `schema` and every schema nested in it, depth first, parents first. */
export function visitSchema(schema: JSONSchemaProps, visit: (node: JSONSchemaProps, path: string) => void, path = ""): void {
  visit(schema, path);
  if (schema.properties) {
    for (const [name, child] of Object.entries(schema.properties)) visitSchema(child, visit, `${path}.${name}`);
  }
  if (schema.items) visitSchema(schema.items, visit, `${path}[*]`);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    visitSchema(schema.additionalProperties, visit, `${path}[*]`);
  }
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    schema[key]?.forEach((child) => visitSchema(child, visit, path));
  }
  if (schema.not) visitSchema(schema.not, visit, path);
}
