import { badRequest } from "../store/status-error.js";
import { clone, deepEqual, isObject, type Json, type JsonObject } from "../store/json.js";

/** How a list merges in a strategic merge patch: replaced whole (the default), or merged (by a key, or by value for primitives). */
export interface ListStrategy {
  readonly merge: boolean;
  /** The `patchMergeKey` of a merged list of objects. */
  readonly key?: string | undefined;
}

/** The strategy of the list at a schematic path (field names, `[]` for list items). */
export type StrategyLookup = (schematic: readonly string[]) => ListStrategy;

const REPLACE: ListStrategy = { merge: false };
const PATCH = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ORDER = "$setElementOrder/";
const DELETE_FROM = "$deleteFromPrimitiveList/";

/** A patch value with every directive taken out (what lands in the object when nothing is there to merge with). */
function stripDirectives(value: Json): Json | undefined {
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) {
      if (isObject(item) && item[PATCH] === "delete") continue;
      const stripped = stripDirectives(item);
      if (stripped !== undefined) out.push(stripped);
    }
    return out;
  }
  if (!isObject(value)) return value;
  if (value[PATCH] === "delete") return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM) || v === null) continue;
    const stripped = stripDirectives(v);
    if (stripped !== undefined) out[k] = stripped;
  }
  return out;
}

/** The position of `item` in `list`, by merge key for objects, by value for primitives; -1 when absent. */
function indexIn(list: readonly Json[], item: Json, key: string | undefined): number {
  if (isObject(item) && key !== undefined) return list.findIndex((x) => isObject(x) && deepEqual(x[key], item[key]));
  return list.findIndex((x) => deepEqual(x, item));
}

/** `items` ordered as `order` lists them (items it does not list keep their place after the listed ones). */
function sortBy(items: Json[], order: readonly Json[], key: string | undefined): Json[] {
  const rank = (x: Json): number => {
    const i = indexIn(order, x, key);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items.map((x, i) => ({ x, i, r: rank(x) })).sort((a, b) => a.r - b.r || a.i - b.i).map((e) => e.x);
}

/**
 * The API server's element order after a merge: the patch's items in patch order (or
 * `$setElementOrder`), the server's other items in server order, interleaved by their
 * places in the server's list; items new to the server come before the server-only item
 * they are compared with.
 */
function normalizeOrder(patchItems: Json[], serverOnly: Json[], patchOrder: readonly Json[], serverOrder: readonly Json[], key: string | undefined): Json[] {
  const right = sortBy(patchItems, patchOrder, key);
  const left = sortBy(serverOnly, serverOrder, key);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, key);
      const ri = indexIn(serverOrder, right[j]!, key);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], strategy: ListStrategy, schematic: readonly string[], lookup: StrategyLookup, order: Json[] | undefined): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const objects = patch.some(isObject) || original.some(isObject);
  let merged: Json[];
  if (!objects) {
    merged = [];
    for (const v of [...original, ...patch]) if (!merged.some((x) => deepEqual(x, v))) merged.push(clone(v));
  } else {
    const key = strategy.key;
    if (key === undefined) throw badRequest(`cannot merge lists without merge key for ${schematic.join(".")}`);
    const items = patch.filter(isObject);
    if (items.some((i) => i[PATCH] === "replace")) return stripDirectives(items.filter((i) => i[PATCH] !== "replace")) as Json[];
    merged = original.filter((o) => !items.some((i) => i[PATCH] === "delete" && isObject(o) && deepEqual(o[key], i[key]))).map((o) => clone(o));
    for (const item of items) {
      if (item[PATCH] === "delete") continue;
      const at = merged.findIndex((o) => isObject(o) && deepEqual(o[key], item[key]));
      if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, [...schematic, "[]"], lookup);
      else merged.push(mergeMap({}, item, [...schematic, "[]"], lookup));
    }
    patch = items.filter((i) => i[PATCH] !== "delete");
  }
  // The patch's items (or those `$setElementOrder` lists) come in its order; the server's others keep theirs.
  const key = objects ? strategy.key : undefined;
  const listed = order ?? patch;
  const inPatch = (x: Json): boolean => indexIn(listed, x, key) >= 0;
  return normalizeOrder(merged.filter(inPatch), merged.filter((x) => !inPatch(x)), listed, original, key);
}

function mergeMap(original: JsonObject, patch: JsonObject, schematic: readonly string[], lookup: StrategyLookup): JsonObject {
  if (patch[PATCH] === "replace") return stripDirectives(patch) as JsonObject;
  let out: JsonObject = { ...original };
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_FROM) || !Array.isArray(v)) continue;
    const field = k.slice(DELETE_FROM.length);
    const list = out[field];
    if (Array.isArray(list)) out[field] = list.filter((x) => !v.some((d) => deepEqual(d, x)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM)) continue;
    const path = [...schematic, k];
    if (v === null) {
      delete out[k];
      continue;
    }
    if (isObject(v)) {
      if (v[PATCH] === "delete") {
        delete out[k];
        continue;
      }
      const current = out[k];
      out[k] = mergeMap(isObject(current) ? current : {}, v, path, lookup);
      continue;
    }
    if (Array.isArray(v)) {
      const strategy = lookup(path);
      const current = out[k];
      const order = patch[`${SET_ORDER}${k}`];
      if (strategy.merge) out[k] = mergeList(Array.isArray(current) ? current : [], v, strategy, path, lookup, Array.isArray(order) ? order : undefined);
      else out[k] = stripDirectives(v) as Json[];
      continue;
    }
    out[k] = v;
  }
  const order = Object.entries(patch).filter(([k]) => k.startsWith(SET_ORDER));
  for (const [k, v] of order) {
    const field = k.slice(SET_ORDER.length);
    const list = out[field];
    if (Array.isArray(list) && Array.isArray(v) && !(field in patch)) out[field] = sortBy(list, v, lookup([...schematic, field]).key);
  }
  return out;
}

/**
 * Applies a strategic merge patch, as the API server does for built-in kinds: maps merge as
 * in a JSON merge patch, lists whose field declares the `merge` strategy merge by their
 * `patchMergeKey` (primitive lists by value), other lists are replaced; the directives
 * `$patch` (replace, delete), `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` are understood. Returns a new document.
 */
export function applyStrategicMergePatch(document: Json, patch: JsonObject, lookup: StrategyLookup): Json {
  return mergeMap(isObject(document) ? document : {}, patch, [], lookup);
}

const POD_SPEC_LISTS: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  imagePullSecrets: "name",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  resourceClaims: "name",
  schedulingGates: "name",
};

const CONTAINER_LISTS: Readonly<Record<string, string>> = {
  env: "name",
  ports: "containerPort",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
};

/**
 * The list strategies of the built-in kinds the test server serves, as their Go types
 * declare them (`patchStrategy`/`patchMergeKey`): ObjectMeta's finalizers (by value) and
 * owner references (by uid), a pod spec's containers, volumes and the like, a container's
 * env, ports, mounts, a Service's ports, status conditions, webhooks. Every other list is
 * replaced.
 */
export function builtinStrategies(storageKey: string): StrategyLookup {
  return (path) => {
    const last = path[path.length - 1] ?? "";
    const parent = path[path.length - 2];
    if (path.length === 2 && path[0] === "metadata") {
      if (last === "finalizers") return { merge: true };
      if (last === "ownerReferences") return { merge: true, key: "uid" };
    }
    if (storageKey === "/services" && path.length === 2 && path[0] === "spec" && last === "ports") return { merge: true, key: "port" };
    if (parent === "spec" && Object.hasOwn(POD_SPEC_LISTS, last)) return { merge: true, key: POD_SPEC_LISTS[last] };
    if (parent === "[]" && /ontainers$/.test(path[path.length - 3] ?? "") && Object.hasOwn(CONTAINER_LISTS, last)) return { merge: true, key: CONTAINER_LISTS[last] };
    if (parent === "status" && path.length === 2 && last === "conditions") return { merge: true, key: "type" };
    if (storageKey === "/nodes" && path.join(".") === "status.addresses") return { merge: true, key: "type" };
    if (storageKey === "/pods" && (path.join(".") === "status.podIPs" || path.join(".") === "status.hostIPs")) return { merge: true, key: "ip" };
    if (storageKey.startsWith("admissionregistration.k8s.io/") && path.length === 1 && last === "webhooks") return { merge: true, key: "name" };
    return REPLACE;
  };
}

/**
 * The merge strategy a built-in Go type declares for one of its list fields
 * (`patchStrategy:"merge" patchMergeKey:"..."`), for the OpenAPI documents' `x-kubernetes-patch-*`
 * extensions, with which kubectl computes patches; the same lists {@link builtinStrategies} merges.
 */
export function goFieldStrategy(goType: string, field: string): ListStrategy | undefined {
  if (goType === "ObjectMeta") {
    if (field === "finalizers") return { merge: true };
    if (field === "ownerReferences") return { merge: true, key: "uid" };
    return undefined;
  }
  if (goType === "PodSpec" && Object.hasOwn(POD_SPEC_LISTS, field)) return { merge: true, key: POD_SPEC_LISTS[field] };
  if ((goType === "Container" || goType === "EphemeralContainer") && Object.hasOwn(CONTAINER_LISTS, field)) return { merge: true, key: CONTAINER_LISTS[field] };
  if (goType === "ServiceSpec" && field === "ports") return { merge: true, key: "port" };
  if (goType.endsWith("Status") && field === "conditions") return { merge: true, key: "type" };
  if (goType === "NodeStatus" && field === "addresses") return { merge: true, key: "type" };
  if (goType === "PodStatus" && (field === "podIPs" || field === "hostIPs")) return { merge: true, key: "ip" };
  if ((goType === "MutatingWebhookConfiguration" || goType === "ValidatingWebhookConfiguration") && field === "webhooks") return { merge: true, key: "name" };
  return undefined;
}
