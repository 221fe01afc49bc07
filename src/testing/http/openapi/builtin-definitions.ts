/**
 * The OpenAPI definitions of the built-in kinds the test server serves, derived from the
 * model metadata of the `@kubernetes/client-node` kb depends on (the same source as the
 * generator's built-in schemas, see src/generator/crd/builtin/), but shaped as the API
 * server publishes them: one definition per Go type, named by its package
 * (`io.k8s.api.core.v1.PodSpec`), fields pointing at other types with `$ref`, `Time`,
 * `IntOrString`, `Quantity` and friends as their own definitions, kinds and list kinds
 * carrying `x-kubernetes-group-version-kind`.
 *
 * What client-node's metadata cannot carry is missing, as in the generator (its module
 * documentation lists it): the Go markers (`x-kubernetes-list-type`, `-patch-strategy`,
 * `-patch-merge-key`, `default`, `enum`), and the own description of a field whose type is
 * another model. Client-node does not record a model's Go package either: a model is put in
 * the package of the first model that uses it (kinds are visited core first), apart from the
 * meta/v1 types and `PodTemplateSpec`, which are listed here. That is right for every model
 * the served kinds reach.
 */
import { goFieldStrategy } from "../../patch/strategic-merge-patch.js";
import { locateClientNodeModels } from "../../../generator/crd/builtin/locate-client-node.js";
import { goTypeName, readModelMetadata, type AttributeType, type ModelMetadata, type ModelProperty } from "../../../generator/crd/builtin/model-metadata.js";
import { isQuantityField } from "../../../generator/crd/builtin/quantity-fields.js";
import { builtinKinds } from "../../store/builtin-kinds.js";
import type { JsonObject } from "../../store/json.js";
import { builtinPackage, gvk, META, ref } from "./names.js";

const INTSTR = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const APIEXTENSIONS = builtinPackage("apiextensions.k8s.io", "v1");

/** client-node models of `k8s.io/apimachinery/pkg/apis/meta/v1`. */
const META_MODELS: ReadonlySet<string> = new Set([
  "V1ObjectMeta",
  "V1ListMeta",
  "V1ManagedFieldsEntry",
  "V1OwnerReference",
  "V1LabelSelector",
  "V1LabelSelectorRequirement",
  "V1Condition",
  "V1Status",
  "V1StatusDetails",
  "V1StatusCause",
  "V1DeleteOptions",
  "V1Preconditions",
]);

/** Core models first reached from another group's kind. */
const CORE_MODELS: ReadonlySet<string> = new Set(["V1PodTemplateSpec"]);

/** The client-node models of built-in kinds whose name is not `V1<Kind>`. */
const KIND_MODELS: Readonly<Record<string, string>> = { "/Event": "CoreV1Event", "events.k8s.io/Event": "EventsV1Event" };

/** Fields client-node types as `any`, by `GoType.field`: the definition the API server gives them. */
const ANY_FIELDS: Readonly<Record<string, string>> = {
  "ManagedFieldsEntry.fieldsV1": `${META}.FieldsV1`,
  "JSONSchemaProps.default": `${APIEXTENSIONS}.JSON`,
  "JSONSchemaProps.example": `${APIEXTENSIONS}.JSON`,
  "JSONSchemaProps.enum": `${APIEXTENSIONS}.JSON`,
  "JSONSchemaProps.items": `${APIEXTENSIONS}.JSONSchemaPropsOrArray`,
  "JSONSchemaProps.additionalItems": `${APIEXTENSIONS}.JSONSchemaPropsOrBool`,
  "JSONSchemaProps.additionalProperties": `${APIEXTENSIONS}.JSONSchemaPropsOrBool`,
  "JSONSchemaProps.dependencies": `${APIEXTENSIONS}.JSONSchemaPropsOrStringArray`,
  "CustomResourceSubresources.status": `${APIEXTENSIONS}.CustomResourceSubresourceStatus`,
};

/** Types without a client-node model: the same in v2 and v3 unless a `v3` form is given. */
const LEAF_DEFINITIONS: Readonly<Record<string, { v2: JsonObject; v3?: JsonObject }>> = {
  [`${META}.Time`]: { v2: { type: "string", format: "date-time", description: "Time is a timestamp, serialized in RFC 3339 form, to the second." } },
  [`${META}.MicroTime`]: { v2: { type: "string", format: "date-time", description: "MicroTime is a timestamp with microsecond precision." } },
  [`${META}.FieldsV1`]: { v2: { type: "object", description: "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format." } },
  [`${META}.Patch`]: { v2: { type: "object", description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body." } },
  [INTSTR]: {
    v2: { type: "string", format: "int-or-string", description: "IntOrString is a type that can hold an int32 or a string." },
    v3: { oneOf: [{ type: "integer" }, { type: "string" }], description: "IntOrString is a type that can hold an int32 or a string." },
  },
  [QUANTITY]: {
    v2: { type: "string", description: "Quantity is a fixed-point representation of a number, such as `500m` or `1Gi`." },
    v3: { oneOf: [{ type: "string" }, { type: "number" }], description: "Quantity is a fixed-point representation of a number, such as `500m` or `1Gi`." },
  },
  [`${APIEXTENSIONS}.JSON`]: { v2: { description: "JSON represents any valid JSON value." } },
  [`${APIEXTENSIONS}.JSONSchemaPropsOrArray`]: {
    v2: { description: "JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps." },
  },
  [`${APIEXTENSIONS}.JSONSchemaPropsOrBool`]: { v2: { description: "JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value." } },
  [`${APIEXTENSIONS}.JSONSchemaPropsOrStringArray`]: { v2: { description: "JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array." } },
  [`${APIEXTENSIONS}.CustomResourceSubresourceStatus`]: {
    v2: { type: "object", description: "CustomResourceSubresourceStatus defines how to serve the status subresource for CustomResources." },
  },
};

/** The descriptions of a kind's and a list kind's `metadata`, which client-node drops. */
const METADATA_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/** The built-in definitions: v2-shaped (`#/definitions/` references), with the v3 forms of the leaf types that differ. */
export interface BuiltinDefinitions {
  /** Every definition, by name. */
  readonly definitions: ReadonlyMap<string, JsonObject>;
  /** The v3 forms of definitions that differ from their v2 form. */
  readonly v3Overrides: ReadonlyMap<string, JsonObject>;
  /** The definition names of a built-in kind and its list kind, by `group/version/Kind`. */
  readonly kinds: ReadonlyMap<string, { readonly kind: string; readonly list: string }>;
}

/** Builds the definitions from client-node's model files. */
class DefinitionBuilder {
  readonly definitions = new Map<string, JsonObject>();
  readonly #names = new Map<string, string>();

  constructor(private readonly modelsDir: string) {}

  /** Defines `modelName` (and every model it reaches) in package `pkg`; returns its definition name. */
  define(modelName: string, pkg: string, kindOf?: JsonObject): string | undefined {
    const known = this.#names.get(modelName);
    if (known !== undefined) {
      const def = this.definitions.get(known);
      if (kindOf && def) def["x-kubernetes-group-version-kind"] = [...((def["x-kubernetes-group-version-kind"] as JsonObject[] | undefined) ?? []), kindOf];
      return known;
    }
    const meta = readModelMetadata(this.modelsDir, modelName);
    if (!meta) return undefined;
    const goName = goTypeName(modelName);
    const ownPkg = META_MODELS.has(modelName) ? META : CORE_MODELS.has(modelName) ? builtinPackage("", "v1") : pkg;
    const name = `${ownPkg}.${goName}`;
    this.#names.set(modelName, name);
    this.definitions.set(name, this.#objectSchema(meta, goName, ownPkg, kindOf));
    return name;
  }

  #objectSchema(meta: ModelMetadata, goName: string, pkg: string, kindOf: JsonObject | undefined): JsonObject {
    const properties: JsonObject = {};
    const required: string[] = [];
    for (const p of [...meta.properties].sort((a, b) => (a.jsonName < b.jsonName ? -1 : a.jsonName > b.jsonName ? 1 : 0))) {
      properties[p.jsonName] = this.#property(goName, p, pkg, kindOf !== undefined);
      if (!p.optional) required.push(p.jsonName);
    }
    const schema: JsonObject = {};
    if (meta.description) schema["description"] = meta.description;
    schema["type"] = "object";
    if (required.length > 0) schema["required"] = required;
    schema["properties"] = properties;
    if (kindOf) schema["x-kubernetes-group-version-kind"] = [kindOf];
    return schema;
  }

  #property(goName: string, p: ModelProperty, pkg: string, topLevel: boolean): JsonObject {
    const schema = this.#typeSchema(p.type, p.format, `${goName}.${p.jsonName}`, isQuantityField(goName, p.jsonName), pkg);
    // client-node repeats the type's generic doc on IntOrString and MicroTime fields: not the field's own.
    const typeDocOnly = p.type.kind === "name" && (p.type.name === "IntOrString" || p.type.name === "V1MicroTime");
    const metadataDoc = p.type.kind === "name" && p.type.name === "V1ListMeta" ? LIST_METADATA_DOC : METADATA_DOC;
    const doc = typeDocOnly ? "" : p.description || (topLevel && p.jsonName === "metadata" ? metadataDoc : "");
    // The Go markers kubectl computes strategic merge patches from (the server merges these lists by key).
    const strategy = p.type.kind === "array" ? goFieldStrategy(goName, p.jsonName) : undefined;
    const patch: JsonObject = strategy ? { "x-kubernetes-patch-strategy": "merge", ...(strategy.key ? { "x-kubernetes-patch-merge-key": strategy.key } : {}) } : {};
    return doc ? { ...schema, description: doc, ...patch } : { ...schema, ...patch };
  }

  #typeSchema(type: AttributeType, format: string, field: string, quantity: boolean, pkg: string): JsonObject {
    switch (type.kind) {
      case "array":
        return { type: "array", items: this.#typeSchema(type.items, format, field, quantity, pkg) };
      case "map":
        return { type: "object", additionalProperties: this.#typeSchema(type.values, format, field, quantity, pkg) };
      case "name":
        return this.#named(type.name, format, field, quantity, pkg);
    }
  }

  #named(name: string, format: string, field: string, quantity: boolean, pkg: string): JsonObject {
    if (format === "date-time-micro" || name === "V1MicroTime") return ref(`${META}.MicroTime`);
    if (format === "date-time" || name === "Date") return ref(`${META}.Time`);
    switch (name) {
      case "string":
        if (quantity && format === "") return ref(QUANTITY);
        return format ? { type: "string", format } : { type: "string" };
      case "number":
        return format === "int32" || format === "int64" ? { type: "integer", format } : { type: "number", format: format || "double" };
      case "boolean":
        return { type: "boolean" };
      case "IntOrString":
        return ref(INTSTR);
      case "any": {
        const target = ANY_FIELDS[field];
        return target ? ref(target) : {};
      }
    }
    const target = this.define(name, pkg);
    return target ? ref(target) : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  }
}

let built: BuiltinDefinitions | undefined;

/**
 * The built-in definitions, built on first use (about 300 client-node models) and shared:
 * they do not depend on anything a test server stores. Callers must not change them.
 */
export function builtinDefinitions(): BuiltinDefinitions {
  if (built) return built;
  const builder = new DefinitionBuilder(locateClientNodeModels());
  const kinds = new Map<string, { kind: string; list: string }>();
  for (const meta of ["V1Status", "V1DeleteOptions", "V1ListMeta"]) builder.define(meta, META);
  for (const info of builtinKinds()) {
    const version = info.storageVersion;
    const pkg = builtinPackage(info.group, version);
    const model = KIND_MODELS[`${info.group}/${info.kind}`] ?? `${version[0]!.toUpperCase()}${version.slice(1)}${info.kind}`;
    const kind = builder.define(model, pkg, gvk(info.group, version, info.kind));
    const list = builder.define(`${model}List`, pkg, gvk(info.group, version, info.listKind));
    if (kind && list) kinds.set(`${info.group}/${version}/${info.kind}`, { kind, list });
  }
  const definitions = new Map(builder.definitions);
  const v3Overrides = new Map<string, JsonObject>();
  for (const [name, forms] of Object.entries(LEAF_DEFINITIONS)) {
    definitions.set(name, forms.v2);
    if (forms.v3) v3Overrides.set(name, forms.v3);
  }
  built = { definitions, v3Overrides, kinds };
  return built;
}
