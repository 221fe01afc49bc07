/** What a {@link TtlCache} loader resolves with: the value, and how long to keep it. */
export interface Loaded<V> {
  readonly value: V;
  readonly ttlMs: number;
}

interface Entry<V> {
  readonly expires: number;
  readonly value: V;
}

/**
 * A small map whose entries expire, bounded in size (the oldest entry goes first), that runs
 * one load per key at a time: callers asking for a key being loaded share the load. A load
 * that rejects is not cached.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #loading = new Map<string, Promise<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live value of `key`, or the value `load` resolves with, cached for its `ttlMs`. */
  getOrLoad(key: string, load: () => Promise<Loaded<V>>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry && entry.expires > this.now()) return Promise.resolve(entry.value);
    if (entry) this.#entries.delete(key);
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const loading = load()
      .then(({ value, ttlMs }) => {
        if (ttlMs > 0) this.#set(key, { value, expires: this.now() + ttlMs });
        return value;
      })
      .finally(() => this.#loading.delete(key));
    this.#loading.set(key, loading);
    return loading;
  }

  /** How many entries are held (live or expired but not yet dropped). */
  get size(): number {
    return this.#entries.size;
  }

  #set(key: string, entry: Entry<V>): void {
    this.#entries.delete(key);
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }
}
