/**
 * The structural facts of Kubernetes' built-in types, read from the API server's OpenAPI v3
 * documents (`/openapi/v3/apis/<group>/<version>`, or the copies Kubernetes keeps in
 * `api/openapi-spec/v3/`): per definition, its properties' types and formats, `required`,
 * list and map semantics (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
 * `x-kubernetes-map-type`), int-or-string, embedded-resource, preserve-unknown-fields,
 * `nullable`, validation keywords and the defaults of `+default` markers. Descriptions are
 * left out: they come from client-node's models at run time, or with `--embedded-openapi`
 * from the cluster's documents themselves (openapi-descriptions.ts), never from the table.
 *
 * The same conversion makes the table committed for a pinned Kubernetes version
 * (`npm run embedded-types`, kubernetes-types.generated.ts) and the one `kb generate
 * --embedded-openapi <dir>` builds from a cluster's documents.
 */

/** A schema of the table: a subset of OpenAPI, with `$ref` naming a definition directly. */
export interface FactSchema {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, FactSchema>>;
  readonly required?: readonly string[];
  readonly items?: FactSchema;
  readonly additionalProperties?: FactSchema | boolean;
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly "x-kubernetes-list-type"?: string;
  readonly "x-kubernetes-list-map-keys"?: readonly string[];
  readonly "x-kubernetes-map-type"?: string;
  readonly "x-kubernetes-int-or-string"?: boolean;
  readonly "x-kubernetes-embedded-resource"?: boolean;
  readonly "x-kubernetes-preserve-unknown-fields"?: boolean;
  readonly [validation: string]: unknown;
}

/** The facts of one Kubernetes version: definitions by their OpenAPI name (`io.k8s.api.core.v1.Container`). */
export interface EmbeddedTypesTable {
  /** The version of the table's layout; {@link TABLE_FORMAT}. */
  readonly format: number;
  /** Where the facts come from: a Kubernetes version (`1.36.3`), or `openapi:<dir>`. */
  readonly kubernetes: string;
  readonly definitions: Readonly<Record<string, FactSchema>>;
}

/** The layout version of {@link EmbeddedTypesTable}; bump it when the layout changes. */
export const TABLE_FORMAT = 1;

/**
 * The keywords of a schema node that constrain or describe its value (besides its type and
 * format): what the table keeps of Kubernetes' documents, and what expansion copies from it.
 */
export const VALUE_KEYWORDS = [
  "nullable",
  "pattern",
  "maxLength",
  "minLength",
  "maximum",
  "minimum",
  "exclusiveMaximum",
  "exclusiveMinimum",
  "multipleOf",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-int-or-string",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-validations",
] as const;

/**
 * Keywords copied from the documents as they are. Everything else is dropped: descriptions,
 * `x-kubernetes-patch-*` (strategic merge patch, which CRDs do not have), group-version-kind
 * and union annotations, examples, and the `enum` of a Go `+enum` type, which an API server
 * serves (with the OpenAPIEnums feature) but controller-gen does not write.
 */
const COPIED = new Set<string>(["type", "format", ...VALUE_KEYWORDS]);

/** Where the definitions' `$ref`s point in an OpenAPI v3 document. */
const REF_PREFIX = "#/components/schemas/";

/**
 * Decides which defaults of the documents are a field's own (`+default=...` in Go) rather
 * than the zero values openapi-gen writes for every field it must always serialize (a
 * non-pointer struct, a field without `omitempty`): controller-gen writes only the former.
 * Called with the definition name, the property name, the default, and the definition's
 * `required` properties (for {@link zeroValueDefaultFilter}).
 */
export type DefaultFilter = (definition: string, property: string, value: unknown, required: ReadonlySet<string>) => boolean;

/**
 * The filter used without knowledge of the Go markers: keeps a default unless it is `{}`, or
 * the zero value (`""`, `0`, `false`) of a required property. A zero default of an optional
 * field without `omitempty` (rare) is kept, where controller-gen has none.
 */
export function zeroValueDefaultFilter(required: ReadonlySet<string>): (property: string, value: unknown) => boolean {
  return (property, value) => {
    if (typeof value === "object" && value !== null && Object.keys(value).length === 0) return false;
    if (required.has(property) && (value === "" || value === 0 || value === false)) return false;
    return true;
  };
}

/** Whether `v` is a JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The definitions (`components.schemas`) of OpenAPI v3 documents by name: a definition that
 * several documents carry (`ObjectMeta`, ...) is taken from the first; documents without
 * `components.schemas`, and definitions that are not objects, are ignored.
 */
export function documentDefinitions(documents: readonly unknown[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const doc of documents) {
    const schemas = isRecord(doc) && isRecord(doc.components) ? doc.components.schemas : undefined;
    if (!isRecord(schemas)) continue;
    for (const [name, def] of Object.entries(schemas)) {
      if (!out.has(name) && isRecord(def)) out.set(name, def);
    }
  }
  return out;
}

function refName(ref: unknown): string | undefined {
  return typeof ref === "string" && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

/** Object keys sorted, recursively, so that the table's JSON is the same on every run. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sorted(value[key]);
  return out;
}

/** One schema node of a document as a {@link FactSchema}; `keepDefault` decides on its `default`. */
function convert(node: Record<string, unknown>, keepDefault: (value: unknown) => boolean): FactSchema {
  const out: Record<string, unknown> = {};
  // A property of a named type is `allOf: [{$ref}]` beside its own keywords (or a bare $ref).
  const ref =
    refName(node.$ref) ??
    (Array.isArray(node.allOf) && node.allOf.length === 1 && isRecord(node.allOf[0]) ? refName(node.allOf[0].$ref) : undefined);
  if (ref) out.$ref = ref;
  for (const key of Object.keys(node)) if (COPIED.has(key)) out[key] = structuredClone(node[key]);
  // IntOrString's definition: `format: int-or-string` with a oneOf of integer and string.
  if (node.format === "int-or-string") {
    delete out.format;
    out["x-kubernetes-int-or-string"] = true;
  }
  if ("default" in node && keepDefault(node.default)) out.default = structuredClone(node.default);
  // Defaults of list items and map values are always openapi-gen's zero values.
  if (isRecord(node.items)) out.items = convert(node.items, () => false);
  if (isRecord(node.additionalProperties)) out.additionalProperties = convert(node.additionalProperties, () => false);
  else if (typeof node.additionalProperties === "boolean") out.additionalProperties = node.additionalProperties;
  return out as FactSchema;
}

/** One definition of a document as a {@link FactSchema}. */
function convertDefinition(name: string, def: Record<string, unknown>, keep: DefaultFilter | undefined): FactSchema {
  const out = convert(def, () => false) as Record<string, unknown>;
  const required = Array.isArray(def.required) ? def.required.filter((r): r is string => typeof r === "string") : [];
  if (required.length > 0) out.required = [...required].sort();
  const requiredSet = new Set(required);
  const zero = zeroValueDefaultFilter(requiredSet);
  if (isRecord(def.properties)) {
    const properties: Record<string, FactSchema> = {};
    for (const [prop, schema] of Object.entries(def.properties)) {
      if (!isRecord(schema)) continue;
      properties[prop] = convert(schema, (value) => (keep ? keep(name, prop, value, requiredSet) : zero(prop, value)));
    }
    out.properties = properties;
  }
  return out;
}

/** Options of {@link tableFromOpenApi}. */
export interface TableOptions {
  /** What the table says it describes: a Kubernetes version, or where the documents came from. */
  readonly kubernetes: string;
  /** Which defaults to keep; {@link zeroValueDefaultFilter} when absent. */
  readonly keepDefault?: DefaultFilter;
}

/**
 * Builds the table of facts from OpenAPI v3 documents (the JSON of
 * `/openapi/v3/apis/<group>/<version>`, `/openapi/v3/api/v1`, ...). A definition that
 * several documents carry (`ObjectMeta`, ...) is taken from the first; documents without
 * `components.schemas` are ignored.
 *
 * @throws Error when no document has any definition.
 * @example
 * const table = tableFromOpenApi([JSON.parse(readFileSync("batch-v1.json", "utf8"))], { kubernetes: "1.36.3" });
 * table.definitions["io.k8s.api.core.v1.ContainerPort"].properties.protocol.default; // "TCP"
 */
export function tableFromOpenApi(documents: readonly unknown[], options: TableOptions): EmbeddedTypesTable {
  const definitions: Record<string, FactSchema> = {};
  for (const [name, def] of documentDefinitions(documents)) definitions[name] = convertDefinition(name, def, options.keepDefault);
  if (Object.keys(definitions).length === 0) {
    throw new Error("expected OpenAPI v3 documents with components.schemas (as `kubectl get --raw /openapi/v3/apis/batch/v1` prints), found no definitions");
  }
  return { format: TABLE_FORMAT, kubernetes: options.kubernetes, definitions: sorted(definitions) as Record<string, FactSchema> };
}

/**
 * The table as the committed file holds it: one definition per line, keys sorted, so that
 * a regeneration's diff shows what changed between Kubernetes versions.
 */
export function serializeTable(table: EmbeddedTypesTable): string {
  const names = Object.keys(table.definitions).sort();
  const lines = names.map((n, i) => `${JSON.stringify(n)}:${JSON.stringify(sorted(table.definitions[n]))}${i < names.length - 1 ? "," : ""}`);
  return `{"format":${table.format},"kubernetes":${JSON.stringify(table.kubernetes)},"definitions":{\n${lines.join("\n")}\n}}\n`;
}
