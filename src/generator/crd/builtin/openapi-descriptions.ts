/**
 * The descriptions of Kubernetes' built-in types as a cluster's OpenAPI v3 documents give
 * them, for `kb generate --embedded-openapi <dir>`: per definition, the type's own doc and
 * each property's own doc. Read at run time from the user's documents and never written
 * anywhere: the committed table of facts (openapi-facts.ts) carries no Kubernetes text.
 *
 * The documents hold the same Go comments controller-gen reads, as openapi-gen formats them:
 * lines of a paragraph joined by spaces, lines starting with `TODO` and everything after a
 * `---` line left out (as controller-gen leaves them out), and, on a property of a named type
 * (`allOf: [{$ref}]` or a bare `$ref`), the field's own doc beside the reference, which is the
 * description controller-gen gives such a field.
 */
import { documentDefinitions, isRecord } from "./openapi-facts.js";

/** The docs of one definition: the type's, and its properties' by JSON name. */
export interface DefinitionDocs {
  /** The type's doc; absent when the documents give none. */
  readonly description?: string;
  /** Each property's own doc, for the properties that have one. */
  readonly properties: Readonly<Record<string, string>>;
}

/** The docs of the definitions of a set of OpenAPI v3 documents, by definition name. */
export interface OpenApiDescriptions {
  readonly definitions: Readonly<Record<string, DefinitionDocs>>;
}

/**
 * The header of the section an API server appends to the doc of a field of a Go `+enum`
 * type when its OpenAPIEnums feature is on ("Possible enum values: - `"Always"` ...").
 * controller-gen does not write it; the API server itself cuts it (and the blank line before
 * it) when the feature is off, as this module does.
 */
const ENUM_SECTION = "Possible enum values:";

/**
 * A description of the documents as controller-gen would have it, where the documents allow:
 * without the enum values section an API server adds; undefined when nothing is left.
 *
 * @example
 * documentDescription('Restart policy.\n\nPossible enum values:\n - `"Always"`'); // "Restart policy."
 */
export function documentDescription(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const at = value.indexOf(ENUM_SECTION);
  const text = (at >= 0 ? value.slice(0, at) : value).trim();
  return text === "" ? undefined : text;
}

/**
 * Reads the docs of every definition of OpenAPI v3 documents (the JSON of
 * `/openapi/v3/apis/<group>/<version>`, `/openapi/v3/api/v1`, ...). As for the table of
 * facts, a definition several documents carry is taken from the first, and documents
 * without `components.schemas` are ignored.
 *
 * @example
 * const docs = descriptionsFromOpenApi([JSON.parse(readFileSync("batch-v1.json", "utf8"))]);
 * docs.definitions["io.k8s.api.core.v1.PodTemplateSpec"]?.properties.spec;
 * // "Specification of the desired behavior of the pod. ..."
 */
export function descriptionsFromOpenApi(documents: readonly unknown[]): OpenApiDescriptions {
  const definitions: Record<string, DefinitionDocs> = {};
  for (const [name, def] of documentDefinitions(documents)) {
    const properties: Record<string, string> = {};
    if (isRecord(def.properties)) {
      for (const prop of Object.keys(def.properties).sort()) {
        const schema = def.properties[prop];
        const text = isRecord(schema) ? documentDescription(schema.description) : undefined;
        if (text !== undefined) properties[prop] = text;
      }
    }
    const description = documentDescription(def.description);
    definitions[name] = description === undefined ? { properties } : { description, properties };
  }
  return { definitions };
}
