import { applyConflict } from "../store/status-error.js";
import { clone, deepEqual, isObject, type Json, type JsonObject } from "../store/json.js";
import { formatPath, keyElement, pathKey, removeAt, valueAt, type FieldPath } from "./field-path.js";
import { collectFields, type FieldScope } from "./field-set.js";
import { readManagedFields, sameEntry, writeManagedFields, type ManagerFields } from "./managed-fields.js";
import type { Structure } from "./structure.js";

/** What {@link applyConfiguration} takes besides the objects. */
export interface ApplyOptions {
  readonly manager: string;
  readonly force: boolean;
  readonly apiVersion: string;
  readonly time: string;
  readonly subresource?: string | undefined;
  /** `main` ignores status in the applied configuration, `status` everything but status. */
  readonly scope: FieldScope;
  readonly structure: Structure;
}

function merge(live: Json | undefined, applied: Json, schematic: readonly string[], structure: Structure): Json {
  if (isObject(applied) && isObject(live) && !structure.isAtomicMap(schematic)) {
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(applied)) out[k] = merge(live[k], v, [...schematic, k], structure);
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const listType = structure.listType(schematic);
    if (listType.type === "map" && applied.every(isObject) && live.every(isObject)) {
      const out: Json[] = live.slice();
      for (const item of applied as JsonObject[]) {
        const key = keyElement(item, listType.keys);
        const i = out.findIndex((x) => keyElement(x as JsonObject, listType.keys) === key);
        if (i >= 0) out[i] = merge(out[i], item, [...schematic, "[]"], structure);
        else out.push(clone(item));
      }
      return out;
    }
    if (listType.type === "set") {
      const out: Json[] = live.slice();
      for (const v of applied) if (!out.some((x) => deepEqual(x, v))) out.push(clone(v));
      return out;
    }
  }
  return clone(applied);
}

/** The part of an applied configuration a write in `scope` may set. */
function scoped(applied: JsonObject, scope: FieldScope): JsonObject {
  const out = clone(applied);
  if (scope === "main") delete out["status"];
  if (scope === "status") for (const k of Object.keys(out)) if (k !== "status" && k !== "apiVersion" && k !== "kind" && k !== "metadata") delete out[k];
  if (isObject(out["metadata"])) {
    const meta = out["metadata"];
    for (const k of ["resourceVersion", "uid", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"]) delete meta[k];
    if (scope === "status") for (const k of Object.keys(meta)) if (k !== "name" && k !== "namespace") delete meta[k];
  }
  return out;
}

function describeManager(e: ManagerFields): string {
  const base = e.subresource ? `"${e.manager}" with subresource "${e.subresource}"` : `"${e.manager}"`;
  return e.operation === "Update" ? `${base} using ${e.apiVersion}` : base;
}

function conflictMessage(conflicts: { manager: ManagerFields; path: FieldPath }[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${describeManager(c.manager)}: ${formatPath(c.path)}`;
  }
  const byManager = new Map<string, FieldPath[]>();
  for (const c of conflicts) {
    const d = describeManager(c.manager);
    byManager.set(d, [...(byManager.get(d) ?? []), c.path]);
  }
  const lines: string[] = [];
  for (const d of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${d}:`);
    for (const p of byManager.get(d)!) lines.push(`- ${formatPath(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

/**
 * Server-side apply, simplified (see docs/testing-differences.md): merges the applied
 * configuration into the live object (objects by member, keyed lists by key, sets by value,
 * everything else replaced), removes fields this manager applied before and no longer
 * applies unless another manager owns them, and records the applied fields as this
 * manager's `Apply` entry. A field another manager owns with a different live value is a
 * conflict: 409 with one `FieldManagerConflict` cause each, unless `force` takes it over.
 * `live` is undefined when the apply creates the object.
 */
export function applyConfiguration(live: JsonObject | undefined, applied: JsonObject, options: ApplyOptions): JsonObject {
  const base: JsonObject = live ? clone(live) : {};
  const config = scoped(applied, options.scope);
  const appliedFields = collectFields(config, options.structure, options.scope);
  const entries = readManagedFields(live);
  const others = entries.filter((e) => e.manager !== options.manager);

  const conflicts: { manager: ManagerFields; path: FieldPath }[] = [];
  for (const [key, field] of appliedFields) {
    if (field.node) continue;
    for (const e of others) {
      if (!e.fields.has(key)) continue;
      const current = valueAt(base, field.path);
      if (current !== undefined && !deepEqual(current, field.value)) conflicts.push({ manager: e, path: field.path });
    }
  }
  if (conflicts.length > 0) {
    if (!options.force) {
      throw applyConflict(
        conflictMessage(conflicts),
        conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${describeManager(c.manager)}`, field: formatPath(c.path) })),
      );
    }
    for (const c of conflicts) c.manager.fields.delete(pathKey(c.path));
  }

  const merged = merge(base, config, [], options.structure) as JsonObject;
  const mine = entries.find((e) => sameEntry(e, options.manager, "Apply", options.subresource));
  const ownedElsewhere = (key: string): boolean =>
    entries.some((e) => e !== mine && [...e.fields.keys()].some((k) => k === key || k.startsWith(`${key}\u0000`)));
  if (mine) {
    // Outermost first: a keyed-list item goes whole (its key is read from its fields, which must still be there).
    const dropped = [...mine.fields.values()].filter((f) => !appliedFields.has(pathKey(f.path))).sort((a, b) => a.path.length - b.path.length);
    for (const f of dropped) if (!ownedElsewhere(pathKey(f.path))) removeAt(merged, f.path);
  }

  // An apply that changes nothing leaves the manager's time as it was (none for a new manager), as the API server does.
  const withoutManagedFields = (o: JsonObject | undefined): JsonObject | undefined =>
    o && isObject(o["metadata"]) ? { ...o, metadata: { ...o["metadata"], managedFields: null } } : o;
  const changed = !live || !deepEqual(withoutManagedFields(merged), withoutManagedFields(live));
  const fields = new Map([...appliedFields].map(([k, f]) => [k, { path: f.path, node: f.node }]));
  if (mine) {
    mine.fields = fields;
    if (changed) mine.time = options.time;
    mine.apiVersion = options.apiVersion;
  } else {
    entries.push({ manager: options.manager, operation: "Apply", apiVersion: options.apiVersion, time: changed ? options.time : "", subresource: options.subresource, fields });
  }
  writeManagedFields(merged, entries);
  return merged;
}
