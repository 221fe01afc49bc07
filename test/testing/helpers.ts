import { fileURLToPath } from "node:url";
import { FakeClock } from "../../src/testing/clock.js";
import { buildStore, type StoreSetup } from "../../src/testing/env/build-store.js";
import type { ObjectStore } from "../../src/testing/store/object-store.js";
import { StatusError, type ApiStatus } from "../../src/testing/store/status-error.js";
import type { WatchEvent, WatchSink } from "../../src/testing/watch/watch-hub.js";

/** The fixture CRDs (widgets: namespaced with status; gadgets: cluster-scoped without). */
export const CRD_DIR = fileURLToPath(new URL("./fixtures/crds", import.meta.url));

/** The test kit's FakeClock, starting at 2025-01-01T00:00:00Z (timers fire synchronously in `advance`). */
export function testClock(): FakeClock {
  return new FakeClock(Date.UTC(2025, 0, 1));
}

/** A store with the fixture CRDs and a manual clock. */
export function testStore(setup: StoreSetup = {}): { store: ObjectStore; clock: FakeClock } {
  const clock = testClock();
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
