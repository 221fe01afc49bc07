/**
 * The OpenAPI definitions of a custom resource kind at one version, as the
 * apiextensions-apiserver's OpenAPI builder makes them from the CRD
 * (`pkg/controller/openapi/builder`): the version's `openAPIV3Schema` with `metadata`
 * pointing at ObjectMeta, `apiVersion` and `kind` described as in TypeMeta, embedded
 * resources completed the same way, and `x-kubernetes-group-version-kind`; plus the list
 * kind. The v2 form is filtered for kubectl's v2 parser as the builder's
 * `ToStructuralOpenAPIV2` filters it (no `allOf`/`anyOf`/`oneOf`/`not`, no types on
 * nullable or unknown-preserving nodes, no arrays without items) and has no defaults; a root
 * that preserves unknown fields is a bare object there.
 */
import type { JSONSchemaProps } from "../../../model/index.js";
import { isObject, type Json, type JsonObject } from "../../store/json.js";
import type { KindInfo, VersionInfo } from "../../store/kind-info.js";
import { customKindName, gvk, META, ref } from "./names.js";
import { mapSchema } from "./schema-walk.js";

const API_VERSION_DOC =
  "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC =
  "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const EMBEDDED_API_VERSION_DOC =
  "apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const EMBEDDED_KIND_DOC =
  "kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const OBJECT_META_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_META_DOC = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** The definitions of one custom kind at one version: the kind and its list kind, in v2 and v3 shape (v3 still with v2 references). */
export interface CustomDefinitions {
  readonly kindName: string;
  readonly listName: string;
  readonly v2: ReadonlyMap<string, JsonObject>;
  readonly v3: ReadonlyMap<string, JsonObject>;
}

const metadataRef = (): JsonObject => ({ ...ref(`${META}.ObjectMeta`), description: OBJECT_META_DOC });

/** The builder's `addEmbeddedProperties`: embedded resources get apiVersion, kind and metadata. */
function completeEmbedded(node: JsonObject, v2: boolean): JsonObject {
  if (v2 && node["x-kubernetes-preserve-unknown-fields"] === true) return node;
  if (node["x-kubernetes-embedded-resource"] !== true) return node;
  const properties = isObject(node["properties"]) ? { ...node["properties"] } : {};
  properties["apiVersion"] = { type: "string", description: EMBEDDED_API_VERSION_DOC };
  properties["kind"] = { type: "string", description: EMBEDDED_KIND_DOC };
  properties["metadata"] = metadataRef();
  const required = Array.isArray(node["required"]) ? node["required"].filter((r): r is string => typeof r === "string") : [];
  for (const r of ["kind", "apiVersion"]) if (!required.includes(r)) required.push(r);
  return { ...node, properties, required };
}

/** The structural schema's `Unfold`: int-or-string without a junctor gets `anyOf: [integer, string]`. */
function unfold(node: JsonObject): JsonObject {
  if (node["x-kubernetes-int-or-string"] !== true || Array.isArray(node["anyOf"]) || Array.isArray(node["allOf"])) return node;
  return { ...node, anyOf: [{ type: "integer" }, { type: "string" }] };
}

/** `ToStructuralOpenAPIV2` and `PruneDefaults` on one node. */
function toV2Node(node: JsonObject): JsonObject {
  const out: JsonObject = { ...node };
  for (const k of ["allOf", "anyOf", "oneOf", "not", "default"]) delete out[k];
  if (out["nullable"] === true) {
    for (const k of ["type", "nullable", "items", "properties"]) delete out[k];
  }
  if (out["x-kubernetes-preserve-unknown-fields"] === true) {
    delete out["items"];
    delete out["properties"];
    if (out["type"] === "object") delete out["type"];
  }
  if (out["type"] === "array" && out["items"] === undefined) delete out["type"];
  const properties = isObject(out["properties"]) ? out["properties"] : undefined;
  if (properties && Array.isArray(out["required"])) {
    const required = out["required"].filter((r) => !(typeof r === "string" && isObject(properties[r]) && properties[r]["nullable"] === true));
    if (required.length > 0) out["required"] = required;
    else delete out["required"];
  }
  if (isObject(out["additionalProperties"]) && out["additionalProperties"]["nullable"] === true) delete out["required"];
  return out;
}

/** The kind's definition at one version, v2- or v3-shaped. */
function kindDefinition(schema: JSONSchemaProps | undefined, kindGvk: JsonObject, v2: boolean): JsonObject {
  const root = schema as unknown as JsonObject | undefined;
  if (root === undefined || (v2 && root["x-kubernetes-preserve-unknown-fields"] === true)) {
    return { type: "object", "x-kubernetes-group-version-kind": [kindGvk] };
  }
  const shaped = mapSchema(root, (node) => {
    const n = v2 ? toV2Node(node) : unfold(node);
    return completeEmbedded(n, v2);
  });
  const properties: JsonObject = isObject(shaped["properties"]) ? { ...shaped["properties"] } : {};
  properties["apiVersion"] = { type: "string", description: API_VERSION_DOC };
  properties["kind"] = { type: "string", description: KIND_DOC };
  properties["metadata"] = metadataRef();
  return { ...shaped, properties, "x-kubernetes-group-version-kind": [kindGvk] };
}

/** The builder's list schema. */
function listDefinition(info: KindInfo, version: string, kindName: string): JsonObject {
  return {
    description: `${info.listKind} is a list of ${info.kind}`,
    type: "object",
    required: ["items"],
    properties: {
      apiVersion: { type: "string", description: API_VERSION_DOC },
      items: {
        type: "array",
        description: `List of ${info.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        items: ref(kindName),
      },
      kind: { type: "string", description: KIND_DOC },
      metadata: { ...ref(`${META}.ListMeta`), description: LIST_META_DOC },
    },
    "x-kubernetes-group-version-kind": [gvk(info.group, version, info.listKind)] as Json,
  };
}

/**
 * The definitions of a custom kind (from a CRD, or registered without one: then the kind is
 * a bare object, as for a CRD version without a schema) at one served version.
 */
export function customDefinitions(info: KindInfo, version: VersionInfo): CustomDefinitions {
  const kindName = customKindName(info.group, version.name, info.kind);
  const listName = customKindName(info.group, version.name, info.listKind);
  const kindGvk = gvk(info.group, version.name, info.kind);
  const list = listDefinition(info, version.name, kindName);
  return {
    kindName,
    listName,
    v2: new Map([
      [kindName, kindDefinition(version.schema, kindGvk, true)],
      [listName, list],
    ]),
    v3: new Map([
      [kindName, kindDefinition(version.schema, kindGvk, false)],
      [listName, list],
    ]),
  };
}
