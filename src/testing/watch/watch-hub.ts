import type { JsonObject } from "../store/json.js";
import { EventHistory, type StoredEvent } from "./event-history.js";

/** The event types of the watch protocol. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** One event of a watch, as the API server streams it (`{"type": ..., "object": ...}`). */
export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: JsonObject;
}

/** Where a watch's events go. `end` is called once, when the watch is over. */
export interface WatchSink {
  event(event: WatchEvent): void;
  end(): void;
}

/** Which committed events a watcher sees, and how objects are shown to it. */
export interface WatchFilter {
  readonly storageKey: string;
  /** Only this namespace (all when undefined). */
  readonly namespace?: string | undefined;
  /** Label and field selectors. */
  matches(object: JsonObject): boolean;
  /** Converts a stored object to the watched version (a copy). */
  present(object: JsonObject, rv: number): JsonObject;
}

/** A live watcher; `stop` ends it (calling its sink's `end`). */
export interface Watcher {
  readonly filter: WatchFilter;
  /** Sends an event to this watcher only. */
  send(event: WatchEvent): void;
  stop(): void;
  readonly stopped: boolean;
}

/**
 * Turns a committed event into what a filtered watcher sees: an object that starts matching
 * is ADDED, one that stops matching is DELETED (with its previous content, at the event's
 * resourceVersion), as the API server's watch cache does.
 */
export function eventFor(filter: WatchFilter, e: StoredEvent): WatchEvent | undefined {
  if (e.storageKey !== filter.storageKey) return undefined;
  if (filter.namespace !== undefined && e.namespace !== filter.namespace) return undefined;
  const now = filter.matches(e.object);
  switch (e.type) {
    case "ADDED":
      return now ? { type: "ADDED", object: filter.present(e.object, e.rv) } : undefined;
    case "DELETED":
      return now ? { type: "DELETED", object: filter.present(e.object, e.rv) } : undefined;
    case "MODIFIED": {
      const before = e.previous !== undefined && filter.matches(e.previous);
      if (now) return { type: before ? "MODIFIED" : "ADDED", object: filter.present(e.object, e.rv) };
      return before ? { type: "DELETED", object: filter.present(e.previous!, e.rv) } : undefined;
    }
    default: {
      const never: never = e.type;
      throw new Error(`unknown event type ${String(never)}`);
    }
  }
}

/** The event history plus the live watchers it feeds, synchronously and in commit order. */
export class WatchHub {
  readonly history: EventHistory;
  readonly #watchers = new Set<Watcher>();

  constructor(historySize: number) {
    this.history = new EventHistory(historySize);
  }

  /** Records a committed event and delivers it to every interested watcher. */
  record(e: StoredEvent): void {
    this.history.append(e);
    for (const w of [...this.#watchers]) {
      const out = eventFor(w.filter, e);
      if (out) w.send(out);
    }
  }

  /** Registers a watcher; events go to `sink` until it is stopped. */
  subscribe(filter: WatchFilter, sink: WatchSink): Watcher {
    const watchers = this.#watchers;
    let stopped = false;
    const watcher: Watcher = {
      filter,
      send(event) {
        if (!stopped) sink.event(event);
      },
      stop() {
        if (stopped) return;
        stopped = true;
        watchers.delete(watcher);
        sink.end();
      },
      get stopped() {
        return stopped;
      },
    };
    watchers.add(watcher);
    return watcher;
  }

  /** The live watchers. */
  watchers(): Watcher[] {
    return [...this.#watchers];
  }
}
