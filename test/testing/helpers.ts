import { fileURLToPath } from "node:url";
import type { Clock, TimerHandle } from "../../src/testing/clock.js";
import { buildStore, type StoreSetup } from "../../src/testing/env/build-store.js";
import type { ObjectStore } from "../../src/testing/store/object-store.js";
import { StatusError, type ApiStatus } from "../../src/testing/store/status-error.js";
import type { WatchEvent, WatchSink } from "../../src/testing/watch/watch-hub.js";

/** The fixture CRDs (widgets: namespaced with status; gadgets: cluster-scoped without). */
export const CRD_DIR = fileURLToPath(new URL("./fixtures/crds", import.meta.url));

/** A clock that moves only when told; timers fire synchronously in `advance`. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, running due timers in order (at most 10,000). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (let i = 0; i < 10_000; i++) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.#timers) if (e[1].at <= target && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
    }
    this.#now = target;
  }
}

/** A store with the fixture CRDs and a manual clock. */
export function testStore(setup: StoreSetup = {}): { store: ObjectStore; clock: ManualClock } {
  const clock = new ManualClock();
  const store = buildStore({ crdDirectoryPaths: [CRD_DIR], clock, ...setup });
  return { store, clock };
}

/** The Status a store call fails with (fails the test if it does not throw a StatusError). */
export function statusOf(fn: () => unknown): ApiStatus {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e.status;
    throw e;
  }
  throw new Error("expected a StatusError, but the call succeeded");
}

/** A watch sink that records events. */
export function recorder(): WatchSink & { events: WatchEvent[]; ended: boolean; types(): string[] } {
  const r = {
    events: [] as WatchEvent[],
    ended: false,
    event(e: WatchEvent) {
      r.events.push(e);
    },
    end() {
      r.ended = true;
    },
    types() {
      return r.events.map((e) => `${e.type} ${String((e.object["metadata"] as Record<string, unknown> | undefined)?.["name"] ?? "")}`.trim());
    },
  };
  return r;
}

/** Waits until `check` holds, polling every 5 ms, at most `ms` (default 2,000). */
export async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
