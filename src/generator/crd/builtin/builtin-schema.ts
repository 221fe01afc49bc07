/**
 * Schemas of the Kubernetes built-in types (`V1PodTemplateSpec`, `V1JobTemplateSpec`,
 * `V1ResourceRequirements`, ...), expanded the way controller-gen expands the corresponding
 * Go types, from these sources:
 *
 * - a table of facts (openapi-facts.ts): the structure of each type as Kubernetes' OpenAPI v3
 *   documents give it, for a pinned Kubernetes version (kubernetes-types.generated.ts, made
 *   by `npm run embedded-types`) or for a cluster's own documents (`kb generate
 *   --embedded-openapi <dir>`): properties, types, formats, `required`, list and map
 *   semantics (`x-kubernetes-list-type`, `-list-map-keys`, `-map-type`), int-or-string and
 *   the defaults of `+default` markers;
 * - the model metadata of the `@kubernetes/client-node` kb depends on, for descriptions, and
 *   for the whole schema of a model the table does not have;
 * - with `--embedded-openapi <dir>`, the descriptions of the cluster's documents too
 *   (openapi-descriptions.ts): a field's own doc and a type's doc as the documents give them,
 *   client-node's only where the documents have none. This mode has none of the differences
 *   1 to 4 below but the line breaks, and its descriptions are those of the cluster's version.
 *
 * As controller-gen does: every type is inlined as `type: object` with `properties`, sorted;
 * `metav1.Time`/`MicroTime` are `string` with `format: date-time`; `IntOrString` and
 * `Quantity` are int-or-string (Quantity with its pattern); `ObjectMeta` (a template's
 * `metadata`) is `{type: object}`, or, with the `embeddedObjectMeta` option (controller-gen's
 * `generateEmbeddedObjectMeta`), that with name, namespace, labels, annotations and
 * finalizers; a field's description is its own doc, or else its type's; a type's
 * `+structType=atomic` is on the fields of that type.
 *
 * Known differences from controller-gen (docs/controller-gen-differences.md, all checked by
 * the oracle test), without `--embedded-openapi`:
 * 1. client-node drops the doc of a field whose type is another model (`Container.lifecycle`,
 *    `PodTemplateSpec.spec`, ...): such fields carry their type's description instead.
 * 2. `metadata` (ObjectMeta) inside a template has no description (the field's doc).
 * 3. IntOrString and MicroTime fields get no description: client-node only carries the type's
 *    generic doc there, which controller-gen never emits.
 * 4. Descriptions are single lines (the OpenAPI text), where controller-gen keeps the Go
 *    comment's lines; and they are client-node's Kubernetes version's (1.34 for client-node
 *    1.4), so docs changed since differ, and fields newer than client-node have none.
 * 5. Named string types are erased: the items of a list of one (`capabilities.add`) have no
 *    description where controller-gen gives the named type's doc (the OpenAPI documents
 *    inline such types without their doc too, so this holds with `--embedded-openapi`).
 * 6. A recursive type (only `JSONSchemaProps` and its kin) is cut where it recurses, with
 *    `{type: object, x-kubernetes-preserve-unknown-fields: true}`; controller-gen cannot
 *    inline recursive types at all.
 * 7. Validation keywords of Go markers that the OpenAPI documents do not carry
 *    (`+k8s:immutable` rules, declarative validation) are missing, as they are from
 *    controller-gen's output.
 *
 * Without the table (a model of a Kubernetes version it lacks), the schema comes from
 * client-node alone and has, besides, no list/map semantics and no defaults; Quantity fields
 * are then recognised from a hand-kept list (quantity-fields.ts), and `runtime.RawExtension`,
 * `apiextensions.JSON` and empty structs all become RawExtension's schema.
 */
import type { JSONSchemaProps } from "../../../model/index.js";
import { clone } from "../flatten.js";
import { knownTypeSchema, type KnownTypeOptions } from "../known-types.js";
import { DefinitionIndex } from "./definition-names.js";
import { KUBERNETES_TYPES } from "./kubernetes-types.generated.js";
import { locateClientNodeModels } from "./locate-client-node.js";
import { goTypeName, readModelMetadata, type AttributeType, type ModelMetadata, type ModelProperty } from "./model-metadata.js";
import type { DefinitionDocs, OpenApiDescriptions } from "./openapi-descriptions.js";
import { VALUE_KEYWORDS, type EmbeddedTypesTable, type FactSchema } from "./openapi-facts.js";
import { isQuantityField } from "./quantity-fields.js";

/** Where a recursive model refers to itself (or an enclosing model) again. */
const RECURSION_CUT: JSONSchemaProps = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

/** client-node's name for metav1.MicroTime (it has no model file). */
const MICRO_TIME = "V1MicroTime";

/**
 * Types whose fields carry, in client-node, the type's own generic description instead of
 * the field's ("IntOrString is a type that can hold an int32 or a string...").
 */
const TYPE_DOC_ONLY: ReadonlySet<string> = new Set(["IntOrString", MICRO_TIME]);

/** Definitions of the table that are kb's known types rather than objects to expand. */
const KNOWN_DEFINITIONS: Readonly<Record<string, (options: KnownTypeOptions) => JSONSchemaProps>> = {
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": (options) => knownTypeSchema("ObjectMeta", options),
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time": () => knownTypeSchema("Time"),
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": () => knownTypeSchema("MicroTime"),
  "io.k8s.apimachinery.pkg.api.resource.Quantity": () => knownTypeSchema("Quantity"),
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": () => knownTypeSchema("IntOrString"),
  "io.k8s.apimachinery.pkg.runtime.RawExtension": () => knownTypeSchema("RawExtension"),
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": () => knownTypeSchema("JSON"),
};

/** Keywords of a table schema that describe the node itself, copied as they are. */
const NODE_KEYWORDS = [...VALUE_KEYWORDS, "enum", "default"] as const;

/** A schema being built, and the lowest stack depth a recursion cut in it points to. */
interface Built {
  readonly schema: JSONSchemaProps;
  readonly cutAt: number;
}

/** Options of a {@link BuiltinCatalog}. */
export interface BuiltinCatalogOptions {
  /**
   * The structural facts of the Kubernetes types (see openapi-facts.ts); the table of the
   * pinned Kubernetes version when absent. `null` expands from client-node's metadata alone.
   */
  readonly table?: EmbeddedTypesTable | null;
  /**
   * Descriptions of the table's definitions, read from the same OpenAPI documents (see
   * openapi-descriptions.ts). A field then has its own doc from the documents, else its
   * client-node doc, else its type's doc (the documents', else client-node's), as
   * controller-gen gives a field its doc or else its type's. Absent: client-node's alone.
   */
  readonly descriptions?: OpenApiDescriptions;
  /**
   * controller-gen's `crd:generateEmbeddedObjectMeta=true`: an ObjectMeta inside a model (a
   * template's `metadata`) has name, namespace, labels, annotations and finalizers, so the
   * API server keeps what users set there; `{type: object}` when false or absent.
   */
  readonly embeddedObjectMeta?: boolean | undefined;
}

/**
 * The built-in types of one client-node installation. Models are read lazily, one file
 * pair each, and each expanded schema is built once; every answer is a fresh copy.
 *
 * A model the table of facts describes is expanded from the table (types, formats,
 * required, list and map semantics, defaults) with client-node's descriptions; another
 * (a model of a Kubernetes version the table does not know) from client-node's metadata.
 */
export class BuiltinCatalog {
  private readonly metadata = new Map<string, ModelMetadata | undefined>();
  private readonly schemas = new Map<string, JSONSchemaProps>();
  private readonly index: DefinitionIndex | undefined;
  private readonly descriptions: OpenApiDescriptions | undefined;
  private readonly known: KnownTypeOptions;

  /** @param modelsDir client-node's `dist/gen/models` directory. */
  constructor(
    private readonly modelsDir: string,
    options: BuiltinCatalogOptions = {},
  ) {
    const table = options.table === undefined ? KUBERNETES_TYPES : options.table;
    this.index = table ? new DefinitionIndex(table) : undefined;
    this.descriptions = options.descriptions;
    this.known = { embeddedObjectMeta: options.embeddedObjectMeta === true };
  }

  /** Whether `modelName` is a model class of client-node. */
  isModel(modelName: string): boolean {
    return this.model(modelName) !== undefined;
  }

  /** The expanded schema of a model, or undefined when it is not one. */
  schema(modelName: string): JSONSchemaProps | undefined {
    if (!this.isModel(modelName)) return undefined;
    const definition = this.index?.definitionOf(modelName);
    if (definition) return clone(this.buildDefinition(definition, []).schema);
    return clone(this.build(modelName, []).schema);
  }

  /** The metadata of a model, read once. */
  model(modelName: string): ModelMetadata | undefined {
    if (this.metadata.has(modelName)) return this.metadata.get(modelName);
    const meta = readModelMetadata(this.modelsDir, modelName);
    this.metadata.set(modelName, meta);
    return meta;
  }

  /**
   * Builds a definition's schema from the table, with the descriptions of the documents
   * (when the catalog has them) or else of its client-node model (when client-node has
   * one). Parts may be shared with other built schemas: nothing built is ever changed, and
   * callers get a deep copy.
   */
  private buildDefinition(name: string, stack: string[]): Built {
    const key = `#${name}`;
    const done = this.schemas.get(key);
    if (done) return { schema: done, cutAt: Infinity };
    const known = KNOWN_DEFINITIONS[name];
    if (known) return { schema: known(this.known), cutAt: Infinity };
    const fact = this.index!.definition(name);
    if (!fact) return { schema: { "x-kubernetes-preserve-unknown-fields": true }, cutAt: Infinity };
    const depth = stack.indexOf(key);
    if (depth >= 0) return { schema: RECURSION_CUT, cutAt: depth };

    const modelName = this.index!.modelOf(name, (m) => this.isModel(m));
    const meta = modelName ? this.model(modelName) : undefined;
    const goName = modelName ? goTypeName(modelName) : "";
    const docs = new Map((meta?.properties ?? []).map((p) => [p.jsonName, p]));
    const documents = this.descriptions?.definitions;
    const described: DefinitionDocs | undefined = documents && Object.hasOwn(documents, name) ? documents[name] : undefined;
    const typeDoc = described?.description || meta?.description;

    const at = stack.length;
    stack.push(key);
    let cutAt = Infinity;
    let schema: JSONSchemaProps;
    if (fact.properties || fact.type === "object") {
      const properties: Record<string, JSONSchemaProps> = {};
      for (const prop of Object.keys(fact.properties ?? {}).sort(compare)) {
        const ownDoc = described && Object.hasOwn(described.properties, prop) ? described.properties[prop] : undefined;
        const built = this.factProperty(fact.properties![prop]!, docs.get(prop), ownDoc, goName, stack);
        cutAt = Math.min(cutAt, built.cutAt);
        properties[prop] = built.schema;
      }
      schema = { type: "object" };
      if (typeDoc) schema.description = typeDoc;
      if (fact.required && fact.required.length > 0) schema.required = [...fact.required];
      if (Object.keys(properties).length > 0) schema.properties = properties;
    } else {
      const built = this.factNode(fact, undefined, stack);
      cutAt = built.cutAt;
      schema = { ...built.schema };
      // A definition that says nothing of its shape (JSONSchemaPropsOrBool, ...) takes anything.
      if (!schema.type && !fact["x-kubernetes-int-or-string"]) schema["x-kubernetes-preserve-unknown-fields"] = true;
      if (typeDoc) schema.description = typeDoc;
    }
    copyKeywords(fact, schema);
    stack.pop();
    // A schema cut at an enclosing definition depends on where it was entered from: don't keep it.
    if (cutAt >= at) this.schemas.set(key, schema);
    return { schema, cutAt: cutAt >= at ? Infinity : cutAt };
  }

  /**
   * A property of a table definition, described by `documentDoc` (the field's own doc in the
   * OpenAPI documents) or else as client-node describes it; without either, the schema keeps
   * its type's description.
   */
  private factProperty(fact: FactSchema, doc: ModelProperty | undefined, documentDoc: string | undefined, goName: string, stack: string[]): Built {
    // client-node erases Quantity to string; the table names it, but a table built from
    // documents that do not may still say `string`: the hand-kept list covers that case.
    const quantity = doc !== undefined && fact.type === "string" && !fact.$ref && isQuantityField(goName, doc.jsonName);
    const built = quantity ? { schema: knownTypeSchema("Quantity"), cutAt: Infinity } : this.factNode(fact, doc?.type, stack);
    const ownDoc = documentDoc || (doc && !(doc.type.kind === "name" && TYPE_DOC_ONLY.has(doc.type.name)) ? doc.description : "");
    if (!ownDoc) return built;
    return { schema: { ...built.schema, description: ownDoc }, cutAt: built.cutAt };
  }

  /** A schema node of the table: a reference, a list, a map or a scalar, with its keywords. */
  private factNode(fact: FactSchema, docType: AttributeType | undefined, stack: string[]): Built {
    let built: Built;
    if (fact.$ref) {
      built = this.buildDefinition(fact.$ref, stack);
    } else if (fact.items) {
      const items = this.factNode(fact.items, docType?.kind === "array" ? docType.items : undefined, stack);
      built = { schema: { type: "array", items: items.schema }, cutAt: items.cutAt };
    } else if (typeof fact.additionalProperties === "object") {
      const values = this.factNode(fact.additionalProperties, docType?.kind === "map" ? docType.values : undefined, stack);
      built = { schema: { type: "object", additionalProperties: values.schema }, cutAt: values.cutAt };
    } else {
      const schema: JSONSchemaProps = {};
      if (fact.type) schema.type = fact.type as JSONSchemaProps["type"];
      // controller-gen writes no format for float64 (`double`).
      if (fact.format && fact.format !== "double") schema.format = fact.format;
      if (fact.type === "object" && fact.additionalProperties === true) schema["x-kubernetes-preserve-unknown-fields"] = true;
      built = { schema, cutAt: Infinity };
    }
    const own = NODE_KEYWORDS.some((k) => fact[k] !== undefined);
    if (!own) return built;
    const schema = { ...built.schema };
    copyKeywords(fact, schema);
    return { schema, cutAt: built.cutAt };
  }

  /**
   * Builds a model's schema from client-node's metadata alone. Parts may be shared with
   * other built schemas: nothing built is ever changed, and callers get a deep copy.
   */
  private build(modelName: string, stack: string[]): Built {
    const done = this.schemas.get(modelName);
    if (done) return { schema: done, cutAt: Infinity };
    const goName = goTypeName(modelName);
    if (goName === "ObjectMeta") return { schema: knownTypeSchema("ObjectMeta", this.known), cutAt: Infinity };
    const meta = this.model(modelName);
    if (!meta) return { schema: { "x-kubernetes-preserve-unknown-fields": true }, cutAt: Infinity };

    const depth = stack.length;
    stack.push(modelName);
    let cutAt = Infinity;
    const properties: Record<string, JSONSchemaProps> = {};
    const required: string[] = [];
    for (const p of [...meta.properties].sort((a, b) => compare(a.jsonName, b.jsonName))) {
      const built = this.property(goName, p, stack);
      cutAt = Math.min(cutAt, built.cutAt);
      properties[p.jsonName] = built.schema;
      if (!p.optional) required.push(p.jsonName);
    }
    stack.pop();

    const schema: JSONSchemaProps = { type: "object" };
    if (meta.description) schema.description = meta.description;
    if (required.length > 0) schema.required = required;
    if (Object.keys(properties).length > 0) schema.properties = properties;
    // A schema cut at an enclosing model depends on where it was entered from: don't keep it.
    if (cutAt >= depth) this.schemas.set(modelName, schema);
    return { schema, cutAt: cutAt >= depth ? Infinity : cutAt };
  }

  private property(goName: string, p: ModelProperty, stack: string[]): Built {
    const quantity = isQuantityField(goName, p.jsonName);
    const built = this.typeSchema(p.type, p.format, quantity, stack);
    // On these fields client-node has the type's generic doc, not the field's: drop it.
    const ownDoc = p.type.kind === "name" && TYPE_DOC_ONLY.has(p.type.name) ? "" : p.description;
    if (!ownDoc) return built;
    return { schema: { ...built.schema, description: ownDoc }, cutAt: built.cutAt };
  }

  private typeSchema(type: AttributeType, format: string, quantity: boolean, stack: string[]): Built {
    switch (type.kind) {
      case "array": {
        const items = this.typeSchema(type.items, format, quantity, stack);
        return { schema: { type: "array", items: items.schema }, cutAt: items.cutAt };
      }
      case "map": {
        const values = this.typeSchema(type.values, format, quantity, stack);
        return { schema: { type: "object", additionalProperties: values.schema }, cutAt: values.cutAt };
      }
      case "name":
        return this.namedSchema(type.name, format, quantity, stack);
    }
  }

  private namedSchema(name: string, format: string, quantity: boolean, stack: string[]): Built {
    const leaf = (schema: JSONSchemaProps): Built => ({ schema, cutAt: Infinity });
    // metav1.Time is `Date`; metav1.MicroTime is `V1MicroTime`, a type without a model file.
    if (format === "date-time" || format === "date-time-micro") return leaf(knownTypeSchema("Time"));
    switch (name) {
      case "string":
        if (quantity && format === "") return leaf(knownTypeSchema("Quantity"));
        return leaf(format ? { type: "string", format } : { type: "string" });
      case "number":
        if (format === "int32" || format === "int64") return leaf({ type: "integer", format });
        return leaf({ type: "number" });
      case "boolean":
        return leaf({ type: "boolean" });
      case "Date":
      case MICRO_TIME:
        return leaf(knownTypeSchema("Time"));
      case "IntOrString":
        return leaf(knownTypeSchema("IntOrString"));
      case "any":
        return leaf(knownTypeSchema("RawExtension"));
    }
    const depth = stack.indexOf(name);
    if (depth >= 0) return { schema: RECURSION_CUT, cutAt: depth };
    return this.build(name, stack);
  }
}

/** Copies the node keywords of a table schema onto a built schema (deep copies). */
function copyKeywords(fact: FactSchema, schema: JSONSchemaProps): void {
  const out = schema as Record<string, unknown>;
  for (const k of NODE_KEYWORDS) if (fact[k] !== undefined) out[k] = structuredClone(fact[k]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Options of {@link builtinSchema}. */
export interface BuiltinSchemaOptions {
  /** See {@link BuiltinCatalogOptions.embeddedObjectMeta}. */
  readonly embeddedObjectMeta?: boolean | undefined;
}

/** The default catalogs, without and with embedded ObjectMeta, each created on first use. */
const defaultCatalogs: { plain?: BuiltinCatalog; embeddedObjectMeta?: BuiltinCatalog } = {};

/** A catalog of the client-node kb itself is installed with; each set of options has its own. */
function catalog(options: BuiltinSchemaOptions = {}): BuiltinCatalog {
  if (options.embeddedObjectMeta) {
    defaultCatalogs.embeddedObjectMeta ??= new BuiltinCatalog(locateClientNodeModels(), { embeddedObjectMeta: true });
    return defaultCatalogs.embeddedObjectMeta;
  }
  defaultCatalogs.plain ??= new BuiltinCatalog(locateClientNodeModels());
  return defaultCatalogs.plain;
}

/**
 * The schema controller-gen would give the Go type behind a client-node model, derived from
 * client-node's model metadata. Each call returns a fresh deep copy the caller may change.
 *
 * @param modelName a model class of `@kubernetes/client-node`, e.g. `V1PodTemplateSpec`
 * @returns undefined when `modelName` is not such a model
 * @example
 * builtinSchema("V1LocalObjectReference");
 * // { type: "object", description: "LocalObjectReference contains enough information ...",
 * //   properties: { name: { type: "string", description: "Name of the referent. ..." } } }
 * builtinSchema("V1PodTemplateSpec", { embeddedObjectMeta: true })?.properties?.metadata;
 * // { type: "object", properties: { annotations: ..., finalizers: ..., labels: ..., name: ..., namespace: ... } }
 */
export function builtinSchema(modelName: string, options: BuiltinSchemaOptions = {}): JSONSchemaProps | undefined {
  return catalog(options).schema(modelName);
}

/** Whether `modelName` is a model class of `@kubernetes/client-node` (e.g. `V1PodSpec`). */
export function isBuiltinModel(modelName: string): boolean {
  return catalog().isModel(modelName);
}
