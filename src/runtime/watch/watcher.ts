import type { KubernetesObject } from "../resource.js";
import { exponentialBackoff, type Backoff } from "./backoff.js";
import { realClock, sleep, type Clock } from "../clock/index.js";
import type { ListWatchSource } from "./list-watch-source.js";
import { WatcherError, type WatcherEvent } from "./watcher-event.js";
import { emptyState, stepWatcher, type StepResult, type WatcherState, type WatcherStateKind } from "./watcher-step.js";

/** What {@link watch} takes. Durations in milliseconds unless named otherwise. */
export interface WatcherOptions {
  /** Stops the watcher: iteration ends, the open watch closes. */
  readonly signal?: AbortSignal | undefined;
  /** Time for backoff sleeps and watch durations (default the real clock). */
  readonly clock?: Clock | undefined;
  /** Delay after each failure (default {@link exponentialBackoff} on `clock`: 800 ms → 30 s, jittered, reset after 2 min without failures). */
  readonly backoff?: Backoff | undefined;
  /** Objects per list page, `limit` (default 500; 0 lists in one request). */
  readonly pageSize?: number | undefined;
  /** The server closes each watch after this many seconds (default 290); the watcher then resumes it. */
  readonly timeoutSeconds?: number | undefined;
  /**
   * A watch connection silent longer than this is dead and is reopened. Default
   * `timeoutSeconds` + 30 s: the server ends a healthy watch by then.
   */
  readonly readTimeoutMs?: number | undefined;
  /** A watch closed sooner than this with no event is a failure, backed off (default 1,000), so a server that hangs up at once is not hammered. */
  readonly minWatchDurationMs?: number | undefined;
  /** Every failure the watcher recovered from. */
  readonly onError?: ((error: WatcherError) => void) | undefined;
  /** Every state change, e.g. for debug logs. */
  readonly onTransition?: ((from: WatcherStateKind, to: WatcherStateKind) => void) | undefined;
}

/**
 * List then watch, for ever: an async iterable of {@link WatcherEvent}s that recovers from
 * every failure. It lists (paged), then watches from the list's resourceVersion with
 * bookmarks; when a watch ends or breaks it resumes from the last resourceVersion seen
 * (objects and bookmarks advance it) without relisting; when the server says that version
 * is gone (410, as an HTTP status or an ERROR event) it relists, and the `init` …
 * `initDone` events let a store find the objects deleted meanwhile. Every failure goes to
 * `onError` and is followed by a backoff sleep. Silent connections are timed out.
 *
 * Unlike `@kubernetes/client-node`'s informer it never stops on an error; it ends only
 * when `signal` aborts (or the consumer stops iterating).
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * for await (const event of watch(listWatchSource(client, ConfigMap), { signal: controller.signal, onError: (e) => log.warn(e) })) {
 *   switch (event.type) { case "apply": ...; case "delete": ...; default: ... }
 * }
 * ```
 */
export async function* watch<T extends KubernetesObject>(
  source: ListWatchSource<T>,
  options: WatcherOptions = {},
): AsyncGenerator<WatcherEvent<T>> {
  const clock = options.clock ?? realClock;
  const backoff = options.backoff ?? exponentialBackoff(clock);
  const internal = new AbortController();
  const outer = options.signal;
  const onOuterAbort = (): void => internal.abort(outer?.reason);
  if (outer?.aborted) return;
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  const timeoutSeconds = options.timeoutSeconds ?? 290;
  const ctx = {
    source,
    clock,
    signal: internal.signal,
    pageSize: options.pageSize ?? 500,
    timeoutSeconds,
    readTimeoutMs: options.readTimeoutMs ?? (timeoutSeconds + 30) * 1000,
    minWatchDurationMs: options.minWatchDurationMs ?? 1000,
  };
  let state: WatcherState<T> = emptyState();
  try {
    while (!internal.signal.aborted) {
      let result: StepResult<T>;
      try {
        result = await stepWatcher(state, ctx);
      } catch (error) {
        // A bug in a step, not a failure of the server: start over rather than stop.
        if (state.kind === "watching") state.stream.close();
        result = { state: emptyState(), error: new WatcherError("watch", true, `watcher step failed: ${String(error)}`, { cause: error }) };
      }
      if (result.state.kind !== state.kind) options.onTransition?.(state.kind, result.state.kind);
      state = result.state;
      if (internal.signal.aborted) break;
      if (result.error) {
        try {
          options.onError?.(result.error);
        } catch {
          // A failing error callback must not stop the watcher.
        }
        await sleep(clock, backoff.next(), internal.signal);
        continue;
      }
      if (result.event) yield result.event;
    }
  } finally {
    outer?.removeEventListener("abort", onOuterAbort);
    internal.abort();
    if (state.kind === "watching") state.stream.close();
  }
}
