import type { DiagnosticList, SourceLocation } from "../../diagnostics/index.js";
import type { Marker } from "../../markers/index.js";
import type { ApiModel, Field, JSONSchemaProps, NamedType, TypeRef, ValidationRule } from "../../model/index.js";
import { VALIDATION_PREFIX } from "../../markers/definitions/validation.js";
import { applySchemaMarkers, type IntOrStringPlaces, type PlacedRule } from "./apply-markers.js";
import { clone, mergeSchemaInto } from "./flatten.js";
import { API_VERSION_DESCRIPTION, KIND_DESCRIPTION, knownTypeSchema } from "./known-types.js";

/** Where built-in (client-node) schemas and the Condition schema come from. */
export interface BuiltinSchemas {
  builtinSchema(name: string): JSONSchemaProps | undefined;
  conditionSchema(): JSONSchemaProps;
}

/** Options of a {@link SchemaBuilder}. */
export interface SchemaBuilderOptions {
  /**
   * controller-gen's `crd:generateEmbeddedObjectMeta=true`: a field of type ObjectMeta that is
   * not a kind's own `metadata` gets name, namespace, labels, annotations and finalizers (see
   * `embeddedObjectMetaSchema`). Give `builtins` that do the same for Kubernetes' templates.
   */
  readonly embeddedObjectMeta?: boolean | undefined;
}

/** Object-valued embeds that only stand for apiVersion/kind/metadata on a kind. */
const OBJECT_BASES = new Set(["KubernetesObject"]);

/**
 * An object type's schema before its type markers apply, with the CEL rules of the types it
 * extends or intersects kept apart: controller-gen orders a type's rules by where the type
 * is used (see {@link SchemaBuilder.objectParts}).
 */
interface ObjectParts {
  readonly schema: JSONSchemaProps;
  readonly embeddedRules: ValidationRule[];
}

/** Context of an object being built: whose package rules (required/optional) apply. */
interface Scope {
  readonly packageDir: string | undefined;
  readonly location: SourceLocation;
}

/**
 * Builds structural OpenAPI v3 schemas from the API model, as controller-gen does from Go:
 * named types are inlined (memoised by id), field markers merge with the type's schema,
 * and every node gets a type. CEL rules placed are collected in {@link rules}.
 */
export class SchemaBuilder {
  readonly rules: PlacedRule[] = [];
  /** The root schemas of kinds: CEL sees apiVersion, kind and metadata.name there. */
  readonly roots = new Set<JSONSchemaProps>();
  /** Where each field's schema node was declared, for errors found after building. */
  readonly locations = new WeakMap<JSONSchemaProps, SourceLocation>();
  private readonly named = new Map<string, JSONSchemaProps>();
  private readonly building = new Set<string>();
  private readonly optionalPackages = new Set<string>();

  constructor(
    private readonly model: ApiModel,
    private readonly builtins: BuiltinSchemas,
    private readonly diagnostics: DiagnosticList,
    private readonly options: SchemaBuilderOptions = {},
  ) {
    for (const pkg of model.packages) {
      if (pkg.markers.some((m) => m.name === `${VALIDATION_PREFIX}Optional`)) this.optionalPackages.add(pkg.dir);
    }
  }

  /** The `openAPIV3Schema` of a kind: its type, with TypeMeta and ObjectMeta standard. */
  kindSchema(typeId: string): JSONSchemaProps {
    const type = this.type(typeId);
    const body = type.type;
    const scope = { packageDir: type.packageDir, location: type.location };
    const obj: TypeRef =
      body.kind === "object"
        ? {
            kind: "object",
            fields: body.fields.filter((f) => !["apiVersion", "kind", "metadata"].includes(f.name)),
            embeds: body.embeds.filter((e) => !(e.kind === "builtin" && OBJECT_BASES.has(e.name))),
          }
        : body;
    const parts = obj.kind === "object" ? this.objectParts(obj.fields, obj.embeds, scope) : undefined;
    const schema = parts ? parts.schema : this.schemaOf(obj, scope);
    schema.properties = {
      apiVersion: { description: API_VERSION_DESCRIPTION, type: "string" },
      kind: { description: KIND_DESCRIPTION, type: "string" },
      metadata: { type: "object" },
      ...schema.properties,
    };
    if (schema.required) {
      schema.required = schema.required.filter((r) => !["apiVersion", "kind", "metadata"].includes(r));
      if (schema.required.length === 0) delete schema.required;
    }
    if (type.description) schema.description = type.description;
    applySchemaMarkers(type.markers, schema, this.diagnostics, this.rules);
    // The kind is controller-gen's root schema, into which the embedded types' rules are
    // flattened in front of its own.
    if (parts) withRules(schema, [...parts.embeddedRules, ...(schema["x-kubernetes-validations"] ?? [])]);
    this.checkOneOfRequired(type.markers, schema);
    this.roots.add(schema);
    return schema;
  }

  /** The schema of a type use: always a fresh object the caller may change. */
  schemaOf(ref: TypeRef, scope: Scope): JSONSchemaProps {
    switch (ref.kind) {
      case "string":
        return { type: "string" };
      case "number":
        return { type: "number" };
      case "boolean":
        return { type: "boolean" };
      case "bytes":
        return { type: "string", format: "byte" };
      case "unknown":
        return { "x-kubernetes-preserve-unknown-fields": true };
      case "enum": {
        const allInts = ref.values.every((v) => typeof v === "number" && Number.isInteger(v));
        const type = typeof ref.values[0] === "number" ? (allInts ? "integer" : "number") : "string";
        return { type, enum: [...ref.values] };
      }
      case "array":
        return { type: "array", items: this.schemaOf(ref.items, scope) };
      case "map":
        return { type: "object", additionalProperties: this.schemaOf(ref.values, scope) };
      case "nullable":
        return { ...this.schemaOf(ref.type, scope), nullable: true };
      case "object": {
        // An object used in place: its own rules first, as for a named type (namedSchema).
        const { schema, embeddedRules } = this.objectParts(ref.fields, ref.embeds, scope);
        return withRules(schema, [...(schema["x-kubernetes-validations"] ?? []), ...embeddedRules]);
      }
      case "named":
        return this.cloneTracked(this.namedSchema(ref.id));
      case "known":
        return ref.name === "Condition" ? this.builtins.conditionSchema() : knownTypeSchema(ref.name, { embeddedObjectMeta: this.options.embeddedObjectMeta });
      case "builtin": {
        const schema = this.builtins.builtinSchema(ref.name);
        if (schema) return schema;
        this.diagnostics.error(
          "type",
          `"${ref.name}" is not a model type of @kubernetes/client-node`,
          ref.location,
          "use a model class such as V1PodTemplateSpec or V1LocalObjectReference",
        );
        return { "x-kubernetes-preserve-unknown-fields": true };
      }
    }
  }

  /** A deep copy that keeps the declaration locations of the copied nodes. */
  private cloneTracked(schema: JSONSchemaProps): JSONSchemaProps {
    const copy = clone(schema);
    const pair = (a: JSONSchemaProps, b: JSONSchemaProps): void => {
      const at = this.locations.get(a);
      if (at) this.locations.set(b, at);
      for (const [k, child] of Object.entries(a.properties ?? {})) pair(child, b.properties![k]!);
      if (a.items) pair(a.items, b.items!);
      if (typeof a.additionalProperties === "object") pair(a.additionalProperties, b.additionalProperties as JSONSchemaProps);
    };
    pair(schema, copy);
    return copy;
  }

  private type(id: string): NamedType {
    const t = this.model.types.get(id);
    if (!t) throw new Error(`internal: unknown type id ${id}`);
    return t;
  }

  /** A named type's schema, built once. */
  private namedSchema(id: string): JSONSchemaProps {
    const cached = this.named.get(id);
    if (cached) return cached;
    const type = this.type(id);
    if (this.building.has(id)) {
      this.diagnostics.error(
        "recursive-type",
        `type ${type.name} refers to itself: a CRD schema cannot be recursive`,
        type.location,
        "break the cycle, or mark the field +kubebuilder:validation:Schemaless with +kubebuilder:pruning:PreserveUnknownFields",
      );
      return { "x-kubernetes-preserve-unknown-fields": true };
    }
    this.building.add(id);
    const scope = { packageDir: type.packageDir, location: type.location };
    let schema: JSONSchemaProps;
    const target = type.type;
    if (type.declaration === "alias" && isNamedRef(target)) {
      // `type A = B`: A's markers merge with B's schema, as a Go named type over another.
      schema = this.schemaOf(target, scope);
      this.mergeMarkers(schema, type.markers, type.description);
    } else {
      const parts = target.kind === "object" ? this.objectParts(target.fields, target.embeds, scope) : undefined;
      schema = parts ? parts.schema : this.schemaOf(target, scope);
      if (type.enumConsts) {
        if (schema.type !== "string" && schema.type !== "integer") {
          this.diagnostics.error("marker-target", `+k8s:enum applies to string types, but ${type.name} is not one`, type.location);
        } else if (type.enumConsts.length === 0) {
          this.diagnostics.warn("k8s-enum", `+k8s:enum on ${type.name}, but no exported const of this type was found in its package`, type.location);
        } else {
          schema.enum = [...type.enumConsts];
        }
      }
      if (type.description) schema.description = type.description;
      applySchemaMarkers(type.markers, schema, this.diagnostics, this.rules);
      // Wherever a named type is used, controller-gen flattens its own rules (immutable
      // fields', then its markers') in front of those of the types it embeds.
      if (parts) withRules(schema, [...(schema["x-kubernetes-validations"] ?? []), ...parts.embeddedRules]);
      this.checkOneOfRequired(type.markers, schema);
    }
    this.building.delete(id);
    this.named.set(id, schema);
    return schema;
  }

  /**
   * Merges the schema keywords of `markers` into `schema` (a named type's), as
   * controller-gen's flattener merges a field with its type: conflicting keywords are
   * kept side by side in an `allOf`. The description is the marker owner's when it has one.
   */
  private mergeMarkers(schema: JSONSchemaProps, markers: readonly Marker[], description: string): void {
    const overlay: JSONSchemaProps = {};
    const view = clone(schema);
    const placed: PlacedRule[] = [];
    applySchemaMarkers(markers, overlay, this.diagnostics, placed, view);
    if (Object.keys(overlay).length > 0) {
      const conflict = mergeSchemaInto(schema, overlay);
      if (conflict && markers[0]) this.diagnostics.error("type-conflict", conflict, markers[0].location);
      for (const key of ["title", "example", "externalDocs"] as const) {
        if (overlay[key] !== undefined) (schema as Record<string, unknown>)[key] = overlay[key];
      }
    }
    if (description) schema.description = description;
    for (const p of placed) this.rules.push({ ...p, schema: p.schema === overlay ? schema : p.schema });
  }

  private fieldSchema(field: Field, scope: Scope): JSONSchemaProps {
    const schema = this.buildFieldSchema(field, scope);
    this.locations.set(schema, field.location);
    return schema;
  }

  private buildFieldSchema(field: Field, scope: Scope): JSONSchemaProps {
    if (field.markers.some((m) => m.name === `${VALIDATION_PREFIX}Schemaless`)) {
      const schema: JSONSchemaProps = {};
      if (field.description) schema.description = field.description;
      applySchemaMarkers(field.markers, schema, this.diagnostics, this.rules);
      return schema;
    }
    const schema = this.schemaOf(field.type, scope);
    if (isNamedRef(field.type)) {
      this.mergeMarkers(schema, field.markers, field.description);
    } else {
      if (field.description) schema.description = field.description;
      // The field's rules go in front of its (inline) type's, as for a named type.
      const typeRules = schema["x-kubernetes-validations"] ?? [];
      delete schema["x-kubernetes-validations"];
      applySchemaMarkers(field.markers, schema, this.diagnostics, this.rules, schema, intOrStringPlaces(field.type));
      withRules(schema, [...(schema["x-kubernetes-validations"] ?? []), ...typeRules]);
    }
    return schema;
  }

  /**
   * An object's schema: its fields, and the types it extends or intersects merged in. The
   * merged types' CEL rules are returned apart, last embed's first (controller-gen flattens
   * each embed's rules in front of those flattened before): the caller places them after
   * or before the object's own rules, as controller-gen does where the object is used.
   */
  private objectParts(fields: readonly Field[], embeds: readonly TypeRef[], scope: Scope): ObjectParts {
    const schema: JSONSchemaProps = { type: "object" };
    let embeddedRules: ValidationRule[] = [];
    const properties: Record<string, JSONSchemaProps> = {};
    const required: string[] = [];
    const immutable: string[] = [];
    const packageOptional = scope.packageDir !== undefined && this.optionalPackages.has(scope.packageDir);
    for (const field of fields) {
      if (field.name in properties) {
        this.diagnostics.error("duplicate-field", `field "${field.name}" is declared twice`, field.location);
        continue;
      }
      properties[field.name] = this.fieldSchema(field, scope);
      if (isRequired(field, packageOptional)) required.push(field.name);
      if (field.markers.some((m) => m.name === "k8s:immutable")) immutable.push(field.name);
    }
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = [...required].sort();
    for (const embed of embeds) {
      const part = this.schemaOf(embed, scope);
      if (part.type !== "object" || part.additionalProperties !== undefined) {
        this.diagnostics.error("embed", `only object types with named properties can be extended or intersected`, scope.location);
        continue;
      }
      delete part.description;
      embeddedRules = [...(part["x-kubernetes-validations"] ?? []), ...embeddedRules];
      delete part["x-kubernetes-validations"];
      const conflict = mergeSchemaInto(schema, part);
      if (conflict) this.diagnostics.error("type-conflict", conflict, scope.location);
    }
    for (const name of immutable) {
      if (schema.required?.includes(name)) continue;
      (schema["x-kubernetes-validations"] ??= []).push({
        rule: `!has(oldSelf.${name}) || has(self.${name})`,
        message: `field ${name} is immutable once set`,
      });
    }
    return { schema, embeddedRules };
  }

  /** A field named by a one-of marker cannot also be required (it could never be unset). */
  private checkOneOfRequired(markers: readonly Marker[], schema: JSONSchemaProps): void {
    for (const m of markers) {
      const kind = m.name.slice(VALIDATION_PREFIX.length);
      if (!["ExactlyOneOf", "AtMostOneOf", "AtLeastOneOf"].includes(kind)) continue;
      for (const f of m.value as string[]) {
        if (schema.required?.includes(f)) {
          this.diagnostics.error(
            "one-of-required",
            `field "${f}" is part of a ${kind} constraint and cannot be required`,
            m.location,
            `declare it optional: ${f}?: ...`,
          );
        }
      }
    }
  }
}

/** Sets a schema's CEL rules, leaving the keyword out when there are none. */
function withRules(schema: JSONSchemaProps, rules: ValidationRule[]): JSONSchemaProps {
  if (rules.length > 0) schema["x-kubernetes-validations"] = rules;
  else delete schema["x-kubernetes-validations"];
  return schema;
}

/** Where a field's type holds an IntOrString its string markers meet (see IntOrStringPlaces). */
function intOrStringPlaces(ref: TypeRef): IntOrStringPlaces {
  const bare = (r: TypeRef): TypeRef => (r.kind === "nullable" ? r.type : r);
  const isIntOrString = (r: TypeRef) => {
    const b = bare(r);
    return b.kind === "known" && b.name === "IntOrString";
  };
  const type = bare(ref);
  return { value: isIntOrString(type), items: type.kind === "array" && isIntOrString(type.items) };
}

function isNamedRef(ref: TypeRef): boolean {
  return ref.kind === "named" || (ref.kind === "nullable" && ref.type.kind === "named");
}

/** controller-gen's precedence: explicit markers, then the package default, then `?`. */
function isRequired(field: Field, packageOptional: boolean): boolean {
  const has = (name: string) => field.markers.some((m) => m.name === name);
  if (has(`${VALIDATION_PREFIX}Optional`)) return false;
  if (has(`${VALIDATION_PREFIX}Required`)) return true;
  if (has("optional") || has("k8s:optional")) return false;
  if (has("required") || has("k8s:required")) return true;
  if (packageOptional) return false;
  return !field.optional;
}
