/**
 * Schemas of the Kubernetes built-in types (`V1PodTemplateSpec`, `V1JobTemplateSpec`,
 * `V1ResourceRequirements`, ...), derived from the model metadata that the
 * `@kubernetes/client-node` kb depends on ships, and expanded the way controller-gen
 * expands the corresponding Go types:
 *
 * - every model is inlined as `type: object` with `properties`, and `required` lists the
 *   properties declared without `?`, sorted (controller-gen sorts them too);
 * - `number` is `integer` with `format: int32` / `int64` (`number` for `double`), `Date`
 *   (`metav1.Time`, and `MicroTime`, which client-node formats `date-time-micro`) is
 *   `string` with `format: date-time`, a `byte`-formatted string is `format: byte`,
 *   `Array<T>` is an array and `{ [key: string]: T }` a map (`additionalProperties`);
 * - `IntOrString` is controller-gen's int-or-string (`anyOf` integer/string,
 *   `x-kubernetes-int-or-string`); Quantity fields get controller-gen's Quantity schema
 *   (see quantity-fields.ts for how they are recognised);
 * - `ObjectMeta` (e.g. a template's `metadata`) is `{type: object}`, as controller-gen
 *   gives it without `generateEmbeddedObjectMeta`;
 * - a field's description is its own doc, or else the description of its type, as
 *   controller-gen's flattening does; array items carry their type's description.
 *
 * Known differences from controller-gen, all from what client-node's metadata cannot carry:
 * 1. Go markers on the built-in types are lost: `x-kubernetes-list-type`,
 *    `x-kubernetes-list-map-keys` (`+listType`, `+listMapKey`), `x-kubernetes-map-type`
 *    (`+structType=atomic` on e.g. LocalObjectReference, `+mapType`), `default` (`+default`,
 *    `+kubebuilder:default`, e.g. ContainerPort.protocol `TCP`), `enum` (`+k8s:enum`),
 *    `+kubebuilder:validation:*` keywords, and the `x-kubernetes-validations` rules of
 *    `+k8s:immutable`. The API server applies its own validation when a pod or job is
 *    created from the template, but the CRD itself does not check these.
 * 2. client-node drops the doc of a field whose type is another model (`Container.lifecycle`,
 *    `PodTemplateSpec.spec`, `JobTemplateSpec.spec`, ...): such fields carry their type's
 *    description ("PodSpec is a description of a pod.") instead of the field's own.
 * 3. `metadata` (ObjectMeta) inside a template is `{type: object}` without the field's doc,
 *    which client-node does not have.
 * 4. IntOrString and MicroTime fields (a probe's `port`, `maxSurge`, a Lease's `renewTime`)
 *    get no description: client-node only carries the type's generic doc there ("IntOrString
 *    is a type that can hold..."), which controller-gen never emits.
 * 5. Descriptions are single lines: client-node's text is the OpenAPI spec's, where the Go
 *    comment's line breaks became spaces (paragraph breaks became two spaces), while
 *    controller-gen keeps the comment's lines. The YAML therefore wraps differently.
 * 6. Quantity fields are recognised from a hand-kept list of Go fields, because client-node
 *    types a Quantity as a plain `string`; a Quantity field unknown to the list (a newer
 *    API) comes out as `type: string`.
 * 7. client-node types `runtime.RawExtension`, `apiextensions.JSON` and empty structs all as
 *    `any`; all become `{type: object, x-kubernetes-preserve-unknown-fields: true}`
 *    (controller-gen's RawExtension), where controller-gen gives JSON no `type` and an
 *    empty struct no `x-kubernetes-preserve-unknown-fields`.
 * 8. A recursive model (only `V1JSONSchemaProps` and its kin) is cut where it recurses,
 *    with `{type: object, x-kubernetes-preserve-unknown-fields: true}`; controller-gen
 *    cannot inline recursive types at all.
 * 9. Required and optional follow client-node's `?` (the OpenAPI spec's `required`, from
 *    `omitempty` and `+optional`); controller-gen decides the same way from the Go field,
 *    so a difference only shows where the two disagree about a field's markers.
 * 10. Named string types are erased: where controller-gen gives array items the doc of a
 *    named element type (`capabilities.add` items: "Capability represent POSIX
 *    capabilities type"), the items here have no description.
 * 11. The schemas follow the Kubernetes version of the installed client-node (1.34 for
 *    client-node 1.4), not that of a Go module's k8s.io/api: fields added or changed in
 *    other versions differ accordingly.
 *
 * Checked against controller-gen's output for `batch/v1beta1.JobTemplateSpec` in
 * controller-tools' testdata: apart from the differences above, the property trees,
 * types, formats, int-or-string and Quantity schemas and required lists agree.
 */
import type { JSONSchemaProps } from "../../../model/index.js";
import { clone } from "../flatten.js";
import { knownTypeSchema } from "../known-types.js";
import { locateClientNodeModels } from "./locate-client-node.js";
import { readModelMetadata, type AttributeType, type ModelMetadata, type ModelProperty } from "./model-metadata.js";
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

/** A schema being built, and the lowest stack depth a recursion cut in it points to. */
interface Built {
  readonly schema: JSONSchemaProps;
  readonly cutAt: number;
}

/**
 * The Go type name of a client-node model: the model name without its version prefix
 * (`V1`, `V1beta2`, or a group's `CoreV1`, `AdmissionregistrationV1`, ...).
 */
export function goTypeName(modelName: string): string {
  return modelName.replace(/^(?:[A-Z][a-z]+)*V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, "");
}

/**
 * The built-in types of one client-node installation. Models are read lazily, one file
 * pair each, and each expanded schema is built once; every answer is a fresh copy.
 */
export class BuiltinCatalog {
  private readonly metadata = new Map<string, ModelMetadata | undefined>();
  private readonly schemas = new Map<string, JSONSchemaProps>();

  /** @param modelsDir client-node's `dist/gen/models` directory. */
  constructor(private readonly modelsDir: string) {}

  /** Whether `modelName` is a model class of client-node. */
  isModel(modelName: string): boolean {
    return this.model(modelName) !== undefined;
  }

  /** The expanded schema of a model, or undefined when it is not one. */
  schema(modelName: string): JSONSchemaProps | undefined {
    if (!this.isModel(modelName)) return undefined;
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
   * Builds a model's schema. Parts may be shared with other built schemas: nothing built is
   * ever changed, and callers get a deep copy.
   */
  private build(modelName: string, stack: string[]): Built {
    const done = this.schemas.get(modelName);
    if (done) return { schema: done, cutAt: Infinity };
    const goName = goTypeName(modelName);
    if (goName === "ObjectMeta") return { schema: knownTypeSchema("ObjectMeta"), cutAt: Infinity };
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

let defaultCatalog: BuiltinCatalog | undefined;

/** The catalog of the client-node kb itself is installed with, created on first use. */
function catalog(): BuiltinCatalog {
  defaultCatalog ??= new BuiltinCatalog(locateClientNodeModels());
  return defaultCatalog;
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
 */
export function builtinSchema(modelName: string): JSONSchemaProps | undefined {
  return catalog().schema(modelName);
}

/** Whether `modelName` is a model class of `@kubernetes/client-node` (e.g. `V1PodSpec`). */
export function isBuiltinModel(modelName: string): boolean {
  return catalog().isModel(modelName);
}
