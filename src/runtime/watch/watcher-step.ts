import type { WatchStream } from "../client/api-client.js";
import type { RawWatchEvent } from "../client/watch-event.js";
import { ApiError, isGone } from "../errors.js";
import type { KubernetesObject } from "../resource.js";
import type { Clock } from "../clock/index.js";
import type { ListWatchSource } from "./list-watch-source.js";
import { WatcherError, type WatcherEvent } from "./watcher-event.js";

/**
 * The watcher's state, one explicit value (after kube-rs's watcher):
 * - `empty`: nothing known; the next step starts a list (`init`).
 * - `listing`: paging through the list; `page[next..]` are not yet delivered, `continue` asks
 *   for the next page, `resourceVersion` is the list's once known.
 * - `listed`: the list (or a watch) ended at `resourceVersion`; the next step (re)starts a
 *   watch from there, without relisting.
 * - `watching`: a watch is open; `resourceVersion` is the last seen (objects and bookmarks).
 */
export type WatcherState<T extends KubernetesObject> =
  | { readonly kind: "empty" }
  | {
      readonly kind: "listing";
      readonly page: readonly T[];
      readonly next: number;
      readonly continue: string | undefined;
      readonly resourceVersion: string | undefined;
    }
  | { readonly kind: "listed"; readonly resourceVersion: string }
  | {
      readonly kind: "watching";
      readonly resourceVersion: string;
      readonly stream: WatchStream<T>;
      readonly events: AsyncIterator<RawWatchEvent<T>>;
      readonly startedAt: number;
      readonly received: number;
    };

/** The state kinds, for logs and tests. */
export type WatcherStateKind = WatcherState<KubernetesObject>["kind"];

/** What a step needs besides the state. */
export interface StepContext<T extends KubernetesObject> {
  readonly source: ListWatchSource<T>;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** List page size; 0 lists in one request. */
  readonly pageSize: number;
  readonly timeoutSeconds: number;
  readonly readTimeoutMs: number;
  /** A watch that ends sooner than this with no event counts as a failure (so it is backed off). */
  readonly minWatchDurationMs: number;
}

/** One step: at most one event or one error, and the next state. */
export interface StepResult<T extends KubernetesObject> {
  readonly state: WatcherState<T>;
  readonly event?: WatcherEvent<T>;
  readonly error?: WatcherError;
}

const EMPTY = Object.freeze({ kind: "empty" as const });

/** The initial state. */
export function emptyState<T extends KubernetesObject>(): WatcherState<T> {
  return EMPTY;
}

/**
 * Advances the watcher by one step, doing at most one request or reading at most one watch
 * event. It may return neither event nor error (a bookkeeping step): call it again.
 */
export async function stepWatcher<T extends KubernetesObject>(state: WatcherState<T>, ctx: StepContext<T>): Promise<StepResult<T>> {
  switch (state.kind) {
    case "empty":
      return { event: { type: "init" }, state: { kind: "listing", page: [], next: 0, continue: undefined, resourceVersion: undefined } };
    case "listing":
      return await stepListing(state, ctx);
    case "listed":
      return await stepListed(state, ctx);
    case "watching":
      return await stepWatching(state, ctx);
    default: {
      const never: never = state;
      throw new Error(`unknown watcher state ${JSON.stringify(never)}`);
    }
  }
}

async function stepListing<T extends KubernetesObject>(
  state: Extract<WatcherState<T>, { kind: "listing" }>,
  ctx: StepContext<T>,
): Promise<StepResult<T>> {
  const object = state.page[state.next];
  if (object !== undefined) {
    return { event: { type: "initApply", object }, state: { ...state, next: state.next + 1 } };
  }
  if (state.continue === undefined && state.resourceVersion !== undefined) {
    return {
      event: { type: "initDone", resourceVersion: state.resourceVersion },
      state: { kind: "listed", resourceVersion: state.resourceVersion },
    };
  }
  try {
    const page = await raceAbort(ctx.source.list({ limit: ctx.pageSize, continue: state.continue, signal: ctx.signal }), ctx.signal);
    if (!page.resourceVersion && !page.continue) {
      return { error: new WatcherError("list", true, `list of ${ctx.source.description} returned no resourceVersion`), state: EMPTY };
    }
    return {
      state: {
        kind: "listing",
        page: page.items,
        next: 0,
        continue: page.continue,
        resourceVersion: page.resourceVersion || state.resourceVersion,
      },
    };
  } catch (error) {
    return {
      error: new WatcherError("list", true, `list of ${ctx.source.description} failed: ${message(error)}`, { cause: error }),
      state: EMPTY,
    };
  }
}

async function stepListed<T extends KubernetesObject>(
  state: Extract<WatcherState<T>, { kind: "listed" }>,
  ctx: StepContext<T>,
): Promise<StepResult<T>> {
  const { resourceVersion } = state;
  try {
    const stream = await raceAbort(
      ctx.source.watch({ resourceVersion, timeoutSeconds: ctx.timeoutSeconds, readTimeoutMs: ctx.readTimeoutMs, signal: ctx.signal }),
      ctx.signal,
    );
    const events = stream[Symbol.asyncIterator]();
    return { state: { kind: "watching", resourceVersion, stream, events, startedAt: ctx.clock.now(), received: 0 } };
  } catch (error) {
    const gone = isGone(error);
    const what = `watch of ${ctx.source.description} from resourceVersion ${resourceVersion}`;
    return {
      error: new WatcherError("watch-start", gone, gone ? `${what}: expired (410), relisting` : `${what} failed: ${message(error)}`, {
        cause: error,
      }),
      state: gone ? EMPTY : state,
    };
  }
}

async function stepWatching<T extends KubernetesObject>(
  state: Extract<WatcherState<T>, { kind: "watching" }>,
  ctx: StepContext<T>,
): Promise<StepResult<T>> {
  const { resourceVersion } = state;
  const what = `watch of ${ctx.source.description}`;
  const close = (): void => state.stream.close();
  let next: IteratorResult<RawWatchEvent<T>>;
  try {
    next = await raceAbort(state.events.next(), ctx.signal);
  } catch (error) {
    close();
    return {
      error: new WatcherError("watch", false, `${what} broke: ${message(error)}`, { cause: error }),
      state: { kind: "listed", resourceVersion },
    };
  }
  if (next.done) {
    close();
    const listed = { kind: "listed" as const, resourceVersion };
    if (state.received === 0 && ctx.clock.now() - state.startedAt < ctx.minWatchDurationMs) {
      return { error: new WatcherError("watch", false, `${what} was closed by the server at once, with no event`), state: listed };
    }
    return { state: listed };
  }
  const raw = next.value;
  const received = state.received + 1;
  switch (raw.type) {
    case "ADDED":
    case "MODIFIED":
    case "DELETED": {
      const rv = raw.object.metadata?.resourceVersion;
      if (!rv) {
        close();
        return { error: new WatcherError("watch", true, `${what}: a ${raw.type} event had no resourceVersion, relisting`), state: EMPTY };
      }
      const event: WatcherEvent<T> =
        raw.type === "DELETED" ? { type: "delete", object: raw.object } : { type: "apply", object: raw.object };
      return { event, state: { ...state, resourceVersion: rv, received } };
    }
    case "BOOKMARK": {
      const rv = raw.object.metadata?.resourceVersion || resourceVersion;
      return { event: { type: "bookmark", resourceVersion: rv }, state: { ...state, resourceVersion: rv, received } };
    }
    case "ERROR": {
      close();
      const status = raw.object;
      const gone = status.code === 410;
      const cause = new ApiError(status.code ?? 500, status, "GET", what);
      const text = `${what}: the server sent an error event: ${status.code ?? "?"} ${status.reason ?? ""} ${status.message ?? ""}`.trim();
      return {
        error: new WatcherError("watch", gone, gone ? `${text} (relisting)` : text, { cause }),
        state: gone ? EMPTY : { kind: "listed", resourceVersion },
      };
    }
    default: {
      const never: never = raw;
      close();
      return {
        error: new WatcherError("watch", false, `${what}: unknown event ${JSON.stringify(never)}`),
        state: { kind: "listed", resourceVersion },
      };
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rejects with an AbortError as soon as `signal` aborts, even when `promise` ignores it. */
function raceAbort<V>(promise: Promise<V>, signal: AbortSignal): Promise<V> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortErr());
  }
  return new Promise<V>((resolve, reject) => {
    const onAbort = (): void => reject(abortErr());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function abortErr(): Error {
  const error = new Error("aborted");
  error.name = "AbortError";
  return error;
}
