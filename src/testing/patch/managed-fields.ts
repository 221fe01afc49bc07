import { deepEqual, isObject, type Json, type JsonObject } from "../store/json.js";
import { collectFields, fromFieldsV1, toFieldsV1, type FieldEntry, type FieldSet } from "./field-set.js";
import type { Structure } from "./structure.js";

/** How a manager last wrote its fields. */
export type ManagedOperation = "Apply" | "Update";

/** One entry of `metadata.managedFields`, with its fields as a set. */
export interface ManagerFields {
  readonly manager: string;
  readonly operation: ManagedOperation;
  apiVersion: string;
  time: string;
  readonly subresource?: string | undefined;
  fields: FieldSet;
}

/** Whether an entry belongs to this manager, operation and subresource. */
export function sameEntry(e: ManagerFields, manager: string, operation: ManagedOperation, subresource: string | undefined): boolean {
  return e.manager === manager && e.operation === operation && (e.subresource ?? "") === (subresource ?? "");
}

/** The managedFields of an object, parsed. */
export function readManagedFields(object: JsonObject | undefined): ManagerFields[] {
  const meta = object?.["metadata"];
  const raw = isObject(meta) && Array.isArray(meta["managedFields"]) ? meta["managedFields"] : [];
  return raw.filter(isObject).map((e) => ({
    manager: typeof e["manager"] === "string" ? e["manager"] : "",
    operation: e["operation"] === "Apply" ? "Apply" : "Update",
    apiVersion: typeof e["apiVersion"] === "string" ? e["apiVersion"] : "",
    time: typeof e["time"] === "string" ? e["time"] : "",
    subresource: typeof e["subresource"] === "string" && e["subresource"] !== "" ? e["subresource"] : undefined,
    fields: fromFieldsV1(e["fieldsV1"]),
  }));
}

const seconds = (time: string): number => {
  const t = Date.parse(time);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
};
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The API server's order of managedFields entries: Apply before Update, then by time (seconds), manager, apiVersion, subresource. */
function compareEntries(p: ManagerFields, q: ManagerFields): number {
  return (
    compareText(p.operation, q.operation) ||
    seconds(p.time) - seconds(q.time) ||
    compareText(p.manager, q.manager) ||
    compareText(p.apiVersion, q.apiVersion) ||
    compareText(p.subresource ?? "", q.subresource ?? "")
  );
}

/** Writes entries into `metadata.managedFields`, dropping empty ones (and the member when none is left). */
export function writeManagedFields(object: JsonObject, entries: readonly ManagerFields[]): void {
  const meta = isObject(object["metadata"]) ? object["metadata"] : (object["metadata"] = {});
  const out: Json[] = entries
    .filter((e) => e.fields.size > 0)
    .sort(compareEntries)
    .map((e) => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      ...(e.time ? { time: e.time } : {}),
      fieldsType: "FieldsV1",
      fieldsV1: toFieldsV1(e.fields),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    }));
  if (out.length > 0) meta["managedFields"] = out;
  else delete meta["managedFields"];
}

/** What {@link recordUpdate} needs besides the objects. */
export interface UpdateRecord {
  readonly manager: string;
  readonly apiVersion: string;
  readonly time: string;
  readonly subresource?: string | undefined;
  readonly structure: Structure;
  /**
   * Maps that exist in every object of the kind, even a new one (a built-in's struct-valued
   * fields, which the API server's empty object already has): never newly added, so never
   * a member of their own. By schematic path (`spec.template`, `[]` for a list item).
   */
  readonly alwaysPresent?: ((schematic: string) => boolean) | undefined;
}

/** A field path's schematic form: field names, `[]` for list items. */
function schematicOf(path: readonly string[]): string {
  return path.map((e) => (e.startsWith("f:") ? e.slice(2) : "[]")).join(".");
}

/**
 * Records a non-apply write (create, update, merge/JSON patch) in `next`'s managedFields, as
 * the API server does: the writer's `Update` entry takes every field it added or changed,
 * other managers lose those fields, and removed fields leave every set. Entries are read
 * from `old` (what a request sends in `metadata.managedFields` is ignored).
 */
export function recordUpdate(old: JsonObject | undefined, next: JsonObject, record: UpdateRecord): void {
  const before = old ? collectFields(old, record.structure, "all", true) : new Map<string, FieldEntry>();
  const after = collectFields(next, record.structure, "all", true);
  const changed: string[] = [];
  for (const [key, entry] of after) {
    const prev = before.get(key);
    // A map every object has (metadata, a built-in's struct fields) is never added: not a member, nor a leaf when empty.
    if (!prev && isObject(entry.value) && ((entry.path.length === 1 && entry.path[0] === "f:metadata") || record.alwaysPresent?.(schematicOf(entry.path)))) continue;
    if (!prev || (!entry.node && !deepEqual(prev.value, entry.value))) changed.push(key);
  }
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const entries = readManagedFields(old);
  for (const e of entries) {
    for (const k of removed) e.fields.delete(k);
    if (!sameEntry(e, record.manager, "Update", record.subresource)) for (const k of changed) e.fields.delete(k);
  }
  if (changed.length > 0) {
    let mine = entries.find((e) => sameEntry(e, record.manager, "Update", record.subresource));
    if (!mine) {
      mine = { manager: record.manager, operation: "Update", apiVersion: record.apiVersion, time: record.time, subresource: record.subresource, fields: new Map() };
      entries.push(mine);
    }
    for (const k of changed) mine.fields.set(k, { path: after.get(k)!.path, node: after.get(k)!.node });
    mine.time = record.time;
    mine.apiVersion = record.apiVersion;
  }
  writeManagedFields(next, entries);
}
