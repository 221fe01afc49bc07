/**
 * Old and new values correlated along the schema, as the API server correlates them for
 * validation ratcheting and CEL transition rules: object fields by name, items of
 * `x-kubernetes-list-type: map` lists by their keys; other list items are not correlated.
 */
import type { CompiledNode } from "./compile.js";
import { deepEqual, hasKey, isObject } from "./json.js";

/** The scalar key of a map-list item (several keys joined), or undefined when it has none. */
export function mapListKey(item: unknown, keys: readonly string[]): string | undefined {
  if (!isObject(item) || keys.length === 0) return undefined;
  let out = "";
  for (const k of keys) {
    if (!hasKey(item, k)) return undefined;
    const v = item[k];
    switch (typeof v) {
      case "string":
        out += "\0s" + v;
        break;
      case "number":
        out += "\0n" + String(v);
        break;
      case "boolean":
        out += "\0b" + String(v);
        break;
      default:
        return undefined;
    }
  }
  return out;
}

/** Old items of a map list by key (the first item with a key wins). */
export class MapList {
  private readonly byKey = new Map<string, unknown>();

  constructor(items: readonly unknown[], keys: readonly string[]) {
    for (const item of items) {
      const k = mapListKey(item, keys);
      if (k !== undefined && !this.byKey.has(k)) this.byKey.set(k, item);
    }
  }

  /** The old item with the same key as `item`, or undefined. */
  get(item: unknown, keys: readonly string[]): unknown {
    const k = mapListKey(item, keys);
    return k === undefined ? undefined : this.byKey.get(k);
  }
}

/** A new value, its correlated old value and its schema, with cached comparison. */
export class Correlated {
  private equalCache: boolean | undefined;
  private readonly children = new Map<string | number, Correlated | null>();
  private oldMapList: MapList | undefined;

  constructor(
    readonly value: unknown,
    readonly old: unknown,
    readonly node: CompiledNode | undefined,
  ) {}

  /** The correlation of field `field`, when both values are objects holding it. */
  key(field: string): Correlated | undefined {
    const hit = this.children.get(field);
    if (hit !== undefined) return hit ?? undefined;
    let res: Correlated | null = null;
    const { value, old, node } = this;
    if (node !== undefined && isObject(value) && isObject(old) && hasKey(value, field) && hasKey(old, field)) {
      const prop = node.properties?.get(field);
      const schema = prop ?? (node.additional !== "any" ? node.additional : undefined);
      if (schema !== undefined) res = new Correlated(value[field], old[field], schema);
    }
    this.children.set(field, res);
    return res ?? undefined;
  }

  /** The correlation of item `i` (map lists only: the old item with the same key). */
  index(i: number): Correlated | undefined {
    const hit = this.children.get(i);
    if (hit !== undefined) return hit ?? undefined;
    let res: Correlated | null = null;
    const { value, old, node } = this;
    if (
      node?.listType === "map" &&
      node.items !== undefined &&
      Array.isArray(value) &&
      Array.isArray(old) &&
      i < value.length
    ) {
      this.oldMapList ??= new MapList(old, node.listMapKeys);
      const o = this.oldMapList.get(value[i], node.listMapKeys);
      if (o !== undefined && o !== null) res = new Correlated(value[i], o, node.items);
    }
    this.children.set(i, res);
    return res ?? undefined;
  }

  /** Whether the value is unchanged (map lists compared by key, objects by schema fields). */
  equal(): boolean {
    if (this.equalCache === undefined) this.equalCache = this.compare();
    return this.equalCache;
  }

  private compare(): boolean {
    const { value, old } = this;
    const vNil = value === null || value === undefined;
    const oNil = old === null || old === undefined;
    if (vNil || oNil) return vNil && oNil;
    if (Array.isArray(value) || Array.isArray(old)) {
      if (!Array.isArray(value) || !Array.isArray(old) || value.length !== old.length) return false;
      if (this.node?.listType !== "map") return deepEqual(old, value);
      for (let i = 0; i < value.length; i++) {
        const c = this.index(i);
        if (c === undefined || !c.equal()) return false;
      }
      return true;
    }
    if (isObject(value) || isObject(old)) {
      if (!isObject(value) || !isObject(old)) return false;
      const keys = Object.keys(value);
      if (keys.length !== Object.keys(old).length) return false;
      for (const k of keys) {
        const c = this.key(k);
        if (c === undefined || !c.equal()) return false;
      }
      return true;
    }
    return deepEqual(old, value);
  }
}
