import { isJsonObject, type Json, type JsonObject } from "./json.js";

/** A patch that cannot be applied; the message names the place in the patch. */
export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatchError";
  }
}

/**
 * Lists of a webhook that a strategic merge patch merges element by element, keyed by the
 * given field (`patchStrategy:"merge"` in `admissionregistration/v1`); every other list is
 * replaced whole.
 */
const MERGE_KEYS: Readonly<Record<string, string>> = { matchConditions: "name" };

/**
 * Applies a strategic merge patch to a webhook object, as controller-gen's `patch=`
 * argument does: objects merge key by key, `null` removes a key, lists are replaced (but
 * `matchConditions`, merged by `name`), and the `$patch` directive (`replace`, `delete`,
 * `merge`) is honoured. Other directives (`$retainKeys`, `$setElementOrder/...`) are
 * refused with a {@link PatchError}. Returns `undefined` when the patch deletes the object.
 */
export function strategicMerge(original: JsonObject, patch: JsonObject): JsonObject | undefined {
  return mergeObject(original, patch, "", true);
}

function mergeObject(original: JsonObject, patch: JsonObject, path: string, top: boolean): JsonObject | undefined {
  const directive = patch["$patch"];
  if (directive !== undefined) {
    if (directive === "delete") return undefined;
    if (directive === "replace") return mergeObject({}, without(patch, "$patch"), path, top);
    if (directive !== "merge") {
      throw new PatchError(
        `${where(path)}unknown $patch directive ${JSON.stringify(directive)}; expected replace, delete or merge`,
      );
    }
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(original)) setOwn(out, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch") continue;
    const at = path === "" ? key : `${path}.${key}`;
    if (key.startsWith("$")) {
      throw new PatchError(
        `${where(path)}the strategic merge directive ${key} is not supported; write the fields to set, or null to remove one`,
      );
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    if (isJsonObject(value)) {
      const base = out[key];
      const merged = mergeObject(isJsonObject(base) ? base : {}, value, at, false);
      if (merged === undefined) delete out[key];
      else setOwn(out, key, merged);
      continue;
    }
    if (Array.isArray(value)) {
      const mergeKey = top && Object.hasOwn(MERGE_KEYS, key) ? MERGE_KEYS[key] : undefined;
      const base = out[key];
      setOwn(
        out,
        key,
        mergeKey ? mergeList(Array.isArray(base) ? base : [], value, mergeKey, at) : replaceList(value, at),
      );
      continue;
    }
    setOwn(out, key, value);
  }
  return out;
}

/** A replaced list: its objects are taken as patches of nothing, so nulls inside them vanish. */
function replaceList(patch: readonly Json[], path: string): Json[] {
  const out: Json[] = [];
  patch.forEach((item, i) => {
    if (!isJsonObject(item)) out.push(item);
    else {
      const merged = mergeObject({}, item, `${path}[${i}]`, false);
      if (merged !== undefined) out.push(merged);
    }
  });
  return out;
}

/** A list merged by `key`: patch elements update, delete (`$patch: delete`) or append elements. */
function mergeList(original: readonly Json[], patch: readonly Json[], key: string, path: string): Json[] {
  const isReplace = (item: Json): boolean =>
    isJsonObject(item) && item["$patch"] === "replace" && Object.keys(item).length === 1;
  let out: Json[] = patch.some(isReplace) ? [] : [...original];
  patch.forEach((item, i) => {
    if (isReplace(item)) return;
    const at = `${path}[${i}]`;
    if (!isJsonObject(item)) throw new PatchError(`${where(at)}expected an object with a "${key}" field`);
    const id = item[key];
    if (typeof id !== "string")
      throw new PatchError(`${where(at)}"${key}" must be given as a string: the list is merged by ${key}`);
    const index = out.findIndex((o) => isJsonObject(o) && o[key] === id);
    if (item["$patch"] === "delete") {
      out = out.filter((o) => !(isJsonObject(o) && o[key] === id));
      return;
    }
    const existing = out[index];
    const merged = mergeObject(isJsonObject(existing) ? existing : {}, item, at, false);
    if (index < 0) {
      if (merged !== undefined) out.push(merged);
    } else if (merged === undefined) out.splice(index, 1);
    else out[index] = merged;
  });
  return out;
}

function without(object: JsonObject, key: string): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(object)) if (k !== key) setOwn(out, k, v);
  return out;
}

/** Sets an own property, even one named `__proto__`, so no key of a patch is lost. */
function setOwn(object: JsonObject, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function where(path: string): string {
  return path === "" ? "" : `${path}: `;
}
