import type { KubernetesObject } from "../resource.js";

/** Maps an object to the values it is indexed under (none: not indexed). Must be deterministic. */
export type IndexFunc<T extends KubernetesObject = KubernetesObject> = (object: T) => readonly string[];

/** The key of an object in a store: "namespace/name", or "name" for cluster-scoped objects. */
export function objectKey(object: KubernetesObject): string {
  const ns = object.metadata?.namespace;
  const name = object.metadata?.name ?? "";
  return ns ? `${ns}/${name}` : name;
}

/** What a relist changed, as {@link ObjectStore.replace} found it. */
export interface ReplaceDiff<T> {
  readonly added: T[];
  /** [old, new] pairs whose resourceVersion differs. */
  readonly updated: [T, T][];
  readonly deleted: T[];
}

/** Read access to a store. Objects are the stored (frozen) ones: do not expect to change them. */
export interface StoreReader<T extends KubernetesObject> {
  readonly size: number;
  get(key: string): T | undefined;
  /** Every object, or those of one namespace. */
  list(namespace?: string): T[];
  /** Objects indexed under `value` by the index `name`; throws when there is no such index. */
  byIndex(name: string, value: string): T[];
  hasIndex(name: string): boolean;
}

/**
 * The objects of one informer, keyed by namespace/name: one writer (the informer), many
 * readers. Each object is held once; indexes (a built-in one by namespace, plus custom ones)
 * hold keys, never objects, so an index costs a key reference per entry.
 */
export class ObjectStore<T extends KubernetesObject> implements StoreReader<T> {
  #objects = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  readonly #indices = new Map<string, Map<string, Set<string>>>();
  /** Built-in: keys by namespace. */
  #byNamespace = new Map<string, Set<string>>();
  readonly #onIndexError: ((name: string, error: unknown) => void) | undefined;

  /** `onIndexError` hears of index functions that threw (the object is then not indexed by it). */
  constructor(options: { onIndexError?: (name: string, error: unknown) => void } = {}) {
    this.#onIndexError = options.onIndexError;
  }

  get size(): number {
    return this.#objects.size;
  }

  get(key: string): T | undefined {
    return this.#objects.get(key);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.#objects.values()];
    return this.#resolve(this.#byNamespace.get(namespace));
  }

  byIndex(name: string, value: string): T[] {
    const index = this.#indices.get(name);
    if (!index) throw new Error(`no index named "${name}"`);
    return this.#resolve(index.get(value));
  }

  hasIndex(name: string): boolean {
    return this.#indices.has(name);
  }

  /** Adds an index and fills it from the objects already stored. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.#indexers.has(name)) throw new Error(`an index named "${name}" exists already`);
    this.#indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.#indices.set(name, index);
    for (const [key, object] of this.#objects) addTo(index, this.#values(name, fn, object), key);
  }

  /** Stores `object` under its key; returns the object it replaced. */
  upsert(object: T): T | undefined {
    const key = objectKey(object);
    const old = this.#objects.get(key);
    this.#objects.set(key, object);
    this.#reindex(key, old, object);
    return old;
  }

  /** Removes the object with `key`; returns it. */
  remove(key: string): T | undefined {
    const old = this.#objects.get(key);
    if (old === undefined) return undefined;
    this.#objects.delete(key);
    this.#reindex(key, old, undefined);
    return old;
  }

  /** Replaces the whole content (after a relist) and reports the differences. */
  replace(objects: Map<string, T>): ReplaceDiff<T> {
    const diff: ReplaceDiff<T> = { added: [], updated: [], deleted: [] };
    for (const [key, object] of this.#objects) {
      if (!objects.has(key)) diff.deleted.push(object);
    }
    for (const [key, object] of objects) {
      const old = this.#objects.get(key);
      if (old === undefined) diff.added.push(object);
      else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) diff.updated.push([old, object]);
    }
    this.#objects = objects;
    this.#byNamespace = new Map();
    for (const index of this.#indices.values()) index.clear();
    for (const [key, object] of objects) this.#reindex(key, undefined, object);
    return diff;
  }

  #reindex(key: string, old: T | undefined, object: T | undefined): void {
    const oldNs = old?.metadata?.namespace ?? "";
    const newNs = object?.metadata?.namespace ?? "";
    if (old !== undefined && oldNs !== "" && (object === undefined || oldNs !== newNs)) removeFrom(this.#byNamespace, [oldNs], key);
    if (object !== undefined && newNs !== "") addTo(this.#byNamespace, [newNs], key);
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name)!;
      if (old !== undefined) removeFrom(index, this.#values(name, fn, old), key);
      if (object !== undefined) addTo(index, this.#values(name, fn, object), key);
    }
  }

  #values(name: string, fn: IndexFunc<T>, object: T): readonly string[] {
    try {
      const values = fn(object);
      return Array.isArray(values) ? values : [];
    } catch (error) {
      this.#onIndexError?.(name, error);
      return [];
    }
  }

  #resolve(keys: Set<string> | undefined): T[] {
    const out: T[] = [];
    if (keys) for (const key of keys) out.push(this.#objects.get(key)!);
    return out;
  }
}

function addTo(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (!keys) index.set(value, (keys = new Set()));
    keys.add(key);
  }
}

function removeFrom(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
  for (const value of values) {
    const keys = index.get(value);
    if (!keys) continue;
    keys.delete(key);
    if (keys.size === 0) index.delete(value);
  }
}
