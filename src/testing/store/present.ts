import { builtinStructure, schemaStructure, type Structure } from "../patch/structure.js";
import { clone, type JsonObject } from "./json.js";
import { apiVersionOf, type ResolvedResource } from "./kind-info.js";

/** A copy of a stored object as the requested version shows it (conversion strategy None: only apiVersion changes). */
export function present(res: ResolvedResource, stored: JsonObject): JsonObject {
  const out: JsonObject = { kind: res.info.kind, apiVersion: res.apiVersion };
  for (const key of Object.keys(stored)) {
    const value = stored[key];
    if (key !== "kind" && key !== "apiVersion" && value !== undefined) out[key] = clone(value);
  }
  return out;
}

/** `object` (taken over) as it is stored: at the kind's storage version. */
export function toStorage(res: ResolvedResource, object: JsonObject): JsonObject {
  object["apiVersion"] = apiVersionOf(res.info.group, res.info.storageVersion);
  return object;
}

/** How server-side apply sees the kind's shape. */
export function structureOf(res: ResolvedResource): Structure {
  return res.info.builtin ? builtinStructure() : schemaStructure(res.version.schema);
}
