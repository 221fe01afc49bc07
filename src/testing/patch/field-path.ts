import { deepEqual, isObject, type Json, type JsonObject } from "../store/json.js";

/**
 * A field path as managedFields spell it (FieldsV1): `f:<field>` for an object member,
 * `k:<json>` for the item of a keyed list, `v:<json>` for a member of a set, `i:<n>` for a
 * list index. A path is an array of such elements from the object's root.
 */
export type FieldPath = readonly string[];

/** The element of an object member. */
export const fieldElement = (name: string): string => `f:${name}`;

/** The element of a keyed-list item: its key fields as JSON with sorted keys. */
export function keyElement(item: JsonObject, keys: readonly string[]): string {
  const key: JsonObject = {};
  for (const k of [...keys].sort()) if (item[k] !== undefined) key[k] = item[k]!;
  return `k:${JSON.stringify(key)}`;
}

/** The element of a set member. */
export const valueElement = (value: Json): string => `v:${JSON.stringify(value)}`;

/** A string key for a path, usable in maps and sets. */
export const pathKey = (path: FieldPath): string => path.join("\u0000");

/** The path a {@link pathKey} was made from. */
export const keyPath = (key: string): FieldPath => (key === "" ? [] : key.split("\u0000"));

function parseElement(element: string): { kind: "f" | "k" | "v" | "i"; body: string } {
  return { kind: element.slice(0, 1) as "f" | "k" | "v" | "i", body: element.slice(2) };
}

/** The index of the list item an element names, or -1. */
function findItem(list: Json[], element: string): number {
  const { kind, body } = parseElement(element);
  if (kind === "i") return Number(body) < list.length ? Number(body) : -1;
  const wanted = JSON.parse(body) as Json;
  if (kind === "v") return list.findIndex((x) => deepEqual(x, wanted));
  if (kind === "k" && isObject(wanted)) {
    return list.findIndex((x) => isObject(x) && Object.entries(wanted).every(([k, v]) => deepEqual(x[k], v)));
  }
  return -1;
}

/** The value at `path`, or undefined. */
export function valueAt(root: Json, path: FieldPath): Json | undefined {
  let cur: Json | undefined = root;
  for (const element of path) {
    if (cur === undefined) return undefined;
    if (element.startsWith("f:")) {
      if (!isObject(cur)) return undefined;
      cur = cur[element.slice(2)];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = findItem(cur, element);
      cur = i < 0 ? undefined : cur[i];
    }
  }
  return cur;
}

/** Removes the value at `path` in place; a no-op when absent. */
export function removeAt(root: Json, path: FieldPath): void {
  if (path.length === 0) return;
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (last.startsWith("f:")) {
    if (isObject(parent)) delete parent[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const i = findItem(parent, last);
    if (i >= 0) parent.splice(i, 1);
  }
}

/**
 * A path as the API server prints it in apply conflicts: `.spec.replicas`,
 * `.spec.containers[name="app"].image`, `.metadata.finalizers[="x"]`.
 */
export function formatPath(path: FieldPath): string {
  return path
    .map((element) => {
      const { kind, body } = parseElement(element);
      switch (kind) {
        case "f":
          return `.${body}`;
        case "i":
          return `[${body}]`;
        case "v":
          return `[=${body}]`;
        case "k": {
          const key = JSON.parse(body) as JsonObject;
          return `[${Object.entries(key)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(",")}]`;
        }
        default:
          return element;
      }
    })
    .join("");
}
