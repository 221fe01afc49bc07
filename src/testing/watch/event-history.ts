import type { JsonObject } from "../store/json.js";

/** A change as the store committed it, at the storage version. */
export interface StoredEvent {
  readonly rv: number;
  /** `group/plural` of the object's kind. */
  readonly storageKey: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly object: JsonObject;
  /** The object before a MODIFIED (so selector watches can turn it into ADDED or DELETED) or a DELETED (as it was stored). */
  readonly previous?: JsonObject | undefined;
}

/**
 * The last `capacity` committed events, as etcd's history is to the API server: watches
 * replay from it, and a resourceVersion older than what it still holds has expired (410).
 */
export class EventHistory {
  #events: StoredEvent[] = [];
  #start = 0;
  #compactedThrough = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`EventHistory: capacity must be at least 1, got ${capacity}`);
  }

  /** The highest resourceVersion whose event is no longer held: watches from below it get 410. */
  get compactedThrough(): number {
    return this.#compactedThrough;
  }

  /** Appends an event, dropping the oldest beyond the capacity. */
  append(event: StoredEvent): void {
    this.#events.push(event);
    while (this.#events.length - this.#start > this.capacity) {
      this.#compactedThrough = this.#events[this.#start]!.rv;
      this.#start++;
    }
    if (this.#start > this.capacity) {
      this.#events = this.#events.slice(this.#start);
      this.#start = 0;
    }
  }

  /** Forgets every event up to and including `rv` (what etcd compaction does). */
  compact(rv: number): void {
    if (rv <= this.#compactedThrough) return;
    this.#compactedThrough = rv;
    while (this.#start < this.#events.length && this.#events[this.#start]!.rv <= rv) this.#start++;
  }

  /** The events after `rv`, oldest first; undefined when some of them were already dropped. */
  since(rv: number): StoredEvent[] | undefined {
    if (rv < this.#compactedThrough) return undefined;
    let lo = this.#start;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#events[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.#events.slice(lo);
  }
}
