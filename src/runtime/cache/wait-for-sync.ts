import { realClock, sleep, type Clock } from "../clock/index.js";
import { CacheSyncTimeoutError, describeUnsynced } from "./cache-errors.js";
import type { ResourceInformer } from "./resource-informer.js";

/** What {@link waitForSyncWithin} takes. */
export interface WaitForSyncOptions {
  /** Whose caches these are, for the error: a controller's name. */
  readonly name: string;
  /** How long to wait, in ms. */
  readonly timeoutMs: number;
  /** The clock of the timeout (default the real clock). */
  readonly clock?: Clock | undefined;
  /** Ends the wait early: it then resolves false. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Waits for informers to sync, as a controller-runtime controller waits for its sources
 * (each with its own `CacheSyncTimeout`) before it starts workers. Resolves true once every
 * one has listed; false when `signal` aborts or an informer is stopped first; and rejects with
 * a {@link CacheSyncTimeoutError} naming each resource still not synced, and why (a kind the
 * API server does not serve is named as such), once `timeoutMs` has passed.
 * @example
 * ```ts
 * if (!(await waitForSyncWithin([cache.informerFor(Greeting)], { name: "greeting", timeoutMs: 120_000, signal }))) return;
 * ```
 */
export async function waitForSyncWithin(informers: readonly ResourceInformer[], options: WaitForSyncOptions): Promise<boolean> {
  const unique = [...new Set(informers)];
  const { signal, timeoutMs } = options;
  if (signal?.aborted) return false;
  const wait = new AbortController();
  const onAbort = (): void => wait.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  try {
    const synced = await Promise.race([
      Promise.all(unique.map((i) => i.waitForSync(wait.signal))).then((results) => results.every(Boolean)),
      sleep(options.clock ?? realClock, timeoutMs, wait.signal).then(() => {
        timedOut = !wait.signal.aborted;
        return false;
      }),
    ]);
    if (synced || !timedOut) return synced;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    wait.abort();
  }
  const pending = unique.filter((i) => !i.hasSynced());
  throw new CacheSyncTimeoutError(
    options.name,
    pending.map((i) => i.resource),
    timeoutMs,
    pending.map((i) => describeUnsynced(i.resource, i.lastError)),
    { cause: pending.find((i) => i.lastError)?.lastError },
  );
}
