import type { JSONSchemaProps } from "../../model/index.js";

/** How a list merges in server-side apply: replaced whole, as a set, or by key. */
export type ListType = { readonly type: "atomic" } | { readonly type: "set" } | { readonly type: "map"; readonly keys: readonly string[] };

/**
 * What server-side apply needs to know of an object's shape. A schematic path is the field
 * names from the root, with `"[]"` for a list item.
 */
export interface Structure {
  listType(path: readonly string[]): ListType;
  /** Whether an object at `path` is replaced whole (`x-kubernetes-map-type: atomic`). */
  isAtomicMap(path: readonly string[]): boolean;
}

const ATOMIC: ListType = { type: "atomic" };

/** ObjectMeta's lists, the same for every kind. */
function metadataListType(path: readonly string[]): ListType | undefined {
  if (path.length !== 2 || path[0] !== "metadata") return undefined;
  if (path[1] === "finalizers") return { type: "set" };
  if (path[1] === "ownerReferences") return { type: "map", keys: ["uid"] };
  return undefined;
}

function schemaAt(schema: JSONSchemaProps | undefined, path: readonly string[]): JSONSchemaProps | undefined {
  let cur = schema;
  for (const p of path) {
    if (!cur) return undefined;
    if (p === "[]") cur = cur.items;
    else cur = cur.properties?.[p] ?? (typeof cur.additionalProperties === "object" ? cur.additionalProperties : undefined);
  }
  return cur;
}

/** The structure a CRD version's `openAPIV3Schema` declares (`x-kubernetes-list-type`, `-list-map-keys`, `-map-type`). */
export function schemaStructure(schema: JSONSchemaProps | undefined): Structure {
  return {
    listType(path) {
      const meta = metadataListType(path);
      if (meta) return meta;
      const s = schemaAt(schema, path);
      switch (s?.["x-kubernetes-list-type"]) {
        case "set":
          return { type: "set" };
        case "map":
          return { type: "map", keys: s["x-kubernetes-list-map-keys"] ?? [] };
        default:
          return ATOMIC;
      }
    },
    isAtomicMap(path) {
      return schemaAt(schema, path)?.["x-kubernetes-map-type"] === "atomic";
    },
  };
}

const POD_SPEC_KEYED: Readonly<Record<string, readonly string[]>> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  volumes: ["name"],
  imagePullSecrets: ["name"],
};

const CONTAINER_KEYED: Readonly<Record<string, readonly string[]>> = {
  ports: ["containerPort", "protocol"],
  env: ["name"],
  volumeMounts: ["mountPath"],
};

/**
 * The keyed lists of the common built-in kinds (pod template containers, volumes, env,
 * ports, service ports, status conditions); every other built-in list is atomic. The real
 * server knows every built-in type's list keys from its OpenAPI; this table covers what
 * operators usually apply.
 */
export function builtinStructure(): Structure {
  return {
    listType(path) {
      const meta = metadataListType(path);
      if (meta) return meta;
      const last = path[path.length - 1] ?? "";
      const parent = path[path.length - 2];
      if (path.length >= 2 && parent === "spec" && POD_SPEC_KEYED[last]) return { type: "map", keys: POD_SPEC_KEYED[last] };
      if (path.length >= 3 && parent === "[]" && /ontainers$/.test(path[path.length - 3] ?? "") && CONTAINER_KEYED[last]) {
        return { type: "map", keys: CONTAINER_KEYED[last] };
      }
      if (path.length === 2 && path[0] === "spec" && last === "ports") return { type: "map", keys: ["port", "protocol"] };
      if (path.length === 2 && path[0] === "status" && last === "conditions") return { type: "map", keys: ["type"] };
      return ATOMIC;
    },
    isAtomicMap() {
      return false;
    },
  };
}
