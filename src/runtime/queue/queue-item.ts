import type { HeapNode } from "./delay-heap.js";

/** A key handed to a worker by {@link WorkQueue.get}. Call `done()` once processing ends, whatever the outcome. */
export interface QueueItem<K = string> {
  readonly key: K;
  /**
   * Marks the key as processed (same as `queue.done(key)`): if it was added again while it
   * was being processed, it is queued once more. Calling it again is a no-op, even after the
   * key was handed out anew.
   */
  done(): void;
}

/** The state of one key, kept while the key is pending, in flight or delayed. Internal to the queue. */
export interface Entry<K> extends HeapNode {
  readonly key: K;
  /** Waiting to be processed (client-go's dirty set). */
  dirty: boolean;
  /** Handed to a worker and not done yet (client-go's processing set). */
  processing: boolean;
  /** Identifies the current hand-out, so that a stale item's `done()` is a no-op. */
  token: number;
  /** When it became dirty (only kept when metrics are on). */
  addedAt: number;
  /** When it was handed out (only kept when metrics are on). */
  startedAt: number;
}

/** A fresh entry: not dirty, not in flight, not delayed. */
export function newEntry<K>(key: K): Entry<K> {
  return {
    key,
    dirty: false,
    processing: false,
    token: 0,
    addedAt: 0,
    startedAt: 0,
    readyAt: 0,
    heapIndex: -1,
    heapSeq: 0,
  };
}

/** The {@link QueueItem} the queue hands out: one small object per hand-out. Internal to the queue. */
export class Item<K> implements QueueItem<K> {
  readonly key: K;
  readonly #finish: (entry: Entry<K>, token: number) => void;
  readonly #entry: Entry<K>;
  readonly #token: number;

  constructor(finish: (entry: Entry<K>, token: number) => void, entry: Entry<K>, token: number) {
    this.key = entry.key;
    this.#finish = finish;
    this.#entry = entry;
    this.#token = token;
  }

  done(): void {
    this.#finish(this.#entry, this.#token);
  }
}
