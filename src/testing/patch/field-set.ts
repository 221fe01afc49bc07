import { isObject, type Json, type JsonObject } from "../store/json.js";
import { fieldElement, keyElement, pathKey, valueElement, type FieldPath } from "./field-path.js";
import type { Structure } from "./structure.js";

/** One owned field: a leaf value, or (`node`) a keyed-list item or map that is itself a member. */
export interface FieldEntry {
  readonly path: FieldPath;
  readonly node: boolean;
  /** The value there when the set was computed from an object. */
  readonly value?: Json | undefined;
}

/** A set of fields, keyed by {@link pathKey}. */
export type FieldSet = Map<string, FieldEntry>;

/** The metadata fields the server owns: never part of any manager's set. */
const SYSTEM_METADATA = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
]);

/** Which part of an object a write may touch: all but status (main resource), status only, or everything. */
export type FieldScope = "main" | "status" | "all";

function ignored(path: FieldPath, scope: FieldScope): boolean {
  const top = path[0];
  if (top === "f:apiVersion" || top === "f:kind") return true;
  if (top === "f:metadata" && path.length >= 2 && SYSTEM_METADATA.has(path[1]!.slice(2))) return true;
  if (scope === "main" && top === "f:status") return true;
  if (scope === "status" && top !== undefined && top !== "f:status") return true;
  return false;
}

/**
 * The fields an object sets, as server-side apply counts them: every leaf value, each
 * atomic list or map whole, each member of a set, and each keyed-list item with its fields.
 * System metadata, `apiVersion` and `kind` are left out, and so is what `scope` excludes.
 * With `containers`, maps and lists that are not atomic are members too (`node`), as the
 * API server counts them when it compares objects for an `Update` entry.
 */
export function collectFields(object: Json, structure: Structure, scope: FieldScope = "all", containers = false): FieldSet {
  const out: FieldSet = new Map();
  const add = (path: FieldPath, value: Json, node = false): void => {
    out.set(pathKey(path), { path, node, value });
  };
  const walk = (value: Json, path: FieldPath, schematic: readonly string[]): void => {
    if (path.length > 0 && ignored(path, scope)) return;
    if (isObject(value)) {
      const keys = Object.keys(value);
      if (path.length > 0 && (keys.length === 0 || structure.isAtomicMap(schematic))) return add(path, value);
      if (containers && path.length > 0) add(path, value, true);
      for (const k of keys) walk(value[k]!, [...path, fieldElement(k)], [...schematic, k]);
      return;
    }
    if (Array.isArray(value)) {
      const listType = structure.listType(schematic);
      if (value.length === 0 || listType.type === "atomic") return add(path, value);
      if (containers && (listType.type === "set" || value.every(isObject))) add(path, value, true);
      if (listType.type === "set") {
        for (const v of value) add([...path, valueElement(v)], v);
        return;
      }
      if (!value.every(isObject)) return add(path, value);
      for (const item of value as JsonObject[]) {
        const itemPath = [...path, keyElement(item, listType.keys)];
        add(itemPath, item, true);
        for (const k of Object.keys(item)) walk(item[k]!, [...itemPath, fieldElement(k)], [...schematic, "[]", k]);
      }
      return;
    }
    add(path, value);
  };
  walk(object, [], []);
  return out;
}

/** A field set in the FieldsV1 format of `metadata.managedFields[].fieldsV1`. */
export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const keys = [...set.keys()].sort();
  for (const key of keys) {
    const entry = set.get(key)!;
    let cur = root;
    for (const element of entry.path) {
      const next = cur[element];
      cur = isObject(next) ? next : (cur[element] = {});
    }
    if (entry.node) cur["."] = {};
  }
  return root;
}

/** Reads a FieldsV1 value back into a field set (without values). */
export function fromFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Map();
  const walk = (obj: JsonObject, prefix: FieldPath): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (k === ".") continue;
      const path = [...prefix, k];
      if (isObject(v) && Object.keys(v).length > 0) {
        if (isObject(v["."])) out.set(pathKey(path), { path, node: true });
        walk(v, path);
      } else out.set(pathKey(path), { path, node: false });
    }
  };
  if (isObject(fields)) walk(fields, []);
  return out;
}
