import { setBackgroundTimeout, type Clock, type ClockTimer } from "../clock.js";
import type { JsonObject } from "../store/json.js";
import type { ResolvedResource } from "../store/kind-info.js";
import { present } from "../store/present.js";
import { parseSelection, type SelectionRequest } from "../store/selection.js";
import { parseResourceVersion } from "../store/list.js";
import { expired, invalid, type FieldCause } from "../store/status-error.js";
import { namespaceOf, nameOf, type StoreCore } from "../store/store-core.js";
import { eventFor, type Watcher, type WatchSink } from "./watch-hub.js";

/** A watch request, as the query parameters of `?watch=true` say it. */
export interface WatchRequest extends SelectionRequest {
  /** Events after this version; unset or "0" starts with ADDED events for the current objects. */
  readonly resourceVersion?: string | undefined;
  readonly allowWatchBookmarks?: boolean | undefined;
  /** Start with the current objects whatever `resourceVersion` says, then a bookmark marking their end. */
  readonly sendInitialEvents?: boolean | undefined;
  /** Only with `sendInitialEvents`, and then required: `NotOlderThan`. */
  readonly resourceVersionMatch?: string | undefined;
  readonly timeoutSeconds?: number | undefined;
}

/** A started watch. */
export interface WatchHandle {
  /** Ends the watch (the sink's `end` runs once). */
  stop(): void;
  /** Sends a BOOKMARK now, if the watch asked for bookmarks. */
  bookmark(): void;
  readonly stopped: boolean;
}

/** What starting a watch needs from the store. */
export interface WatchContext {
  readonly clock: Clock;
  /** How often a watch that allows bookmarks gets one (the API server: about a minute). */
  readonly bookmarkIntervalMs: number;
}

/** The annotation of the bookmark that ends the initial events of a `sendInitialEvents` watch. */
export const INITIAL_EVENTS_END = "k8s.io/initial-events-end";

function bookmarkObject(res: ResolvedResource, rv: number, initialEnd: boolean): JsonObject {
  return {
    kind: res.info.kind,
    apiVersion: res.apiVersion,
    metadata: { resourceVersion: String(rv), ...(initialEnd ? { annotations: { [INITIAL_EVENTS_END]: "true" } } : {}) },
  };
}

/**
 * Starts a watch on the store: replays history after `resourceVersion` (or lists the current
 * objects as ADDED), then streams committed events. A resourceVersion older than the history
 * gets one ERROR event carrying a 410 Expired Status and the watch ends, as on the API
 * server. Bookmarks come every `bookmarkIntervalMs` when allowed, and once more just before
 * `timeoutSeconds` ends the watch.
 */
/** The checks the API server makes of a watch's options (422 ListOptions). */
function validateWatchOptions(request: WatchRequest): void {
  const causes: FieldCause[] = [];
  const match = request.resourceVersionMatch ?? "";
  if (request.sendInitialEvents !== undefined && match !== "NotOlderThan") {
    causes.push({ reason: "FieldValueForbidden", message: "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan", field: "resourceVersionMatch" });
  }
  if (match !== "") {
    if (request.sendInitialEvents === undefined) {
      causes.push({ reason: "FieldValueForbidden", message: "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided", field: "resourceVersionMatch" });
    }
    if (match !== "NotOlderThan") {
      causes.push({ reason: "FieldValueNotSupported", message: `Unsupported value: ${JSON.stringify(match)}: supported values: "NotOlderThan"`, field: "resourceVersionMatch" });
    }
  }
  if (causes.length > 0) throw invalid({ group: "meta.k8s.io", kind: "ListOptions" }, "", causes);
}

export function startWatch(core: StoreCore, res: ResolvedResource, request: WatchRequest, sink: WatchSink, context: WatchContext): WatchHandle {
  validateWatchOptions(request);
  const selection = parseSelection(res, request);
  const rvText = request.resourceVersion ?? "";
  const initial = request.sendInitialEvents === true || rvText === "" || rvText === "0";
  let replay: ReturnType<typeof core.hub.history.since> = [];
  if (!initial) {
    const rv = parseResourceVersion(rvText, true);
    replay = core.hub.history.since(rv);
    if (replay === undefined) {
      sink.event({ type: "ERROR", object: expired(`too old resource version: ${rv} (${core.hub.history.compactedThrough + 1})`).status as unknown as JsonObject });
      sink.end();
      return { stop: () => {}, bookmark: () => {}, stopped: true };
    }
  }
  const bookmarks = request.allowWatchBookmarks === true;
  const timers = new Set<ClockTimer>();
  const schedule = (fn: () => void, ms: number): void => {
    const t = setBackgroundTimeout(context.clock, () => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  let watcher: Watcher | undefined;
  const sendBookmark = (initialEnd = false): void => {
    if (bookmarks && watcher && !watcher.stopped) watcher.send({ type: "BOOKMARK", object: bookmarkObject(res, core.rv, initialEnd) });
  };
  watcher = core.hub.subscribe(
    {
      storageKey: res.storageKey,
      namespace: selection.namespace,
      matches: (o) => selection.matches(o),
      present: (o, rv) => {
        const out = present(res, o);
        (out["metadata"] as JsonObject)["resourceVersion"] = String(rv);
        return out;
      },
    },
    {
      event: (e) => sink.event(e),
      end: () => {
        for (const t of timers) t.cancel();
        timers.clear();
        sink.end();
      },
    },
  );
  if (initial) {
    const current = core
      .all(res.storageKey)
      .filter((o) => selection.matches(o))
      .sort((a, b) => {
        const ka = `${namespaceOf(a)}/${nameOf(a)}`;
        const kb = `${namespaceOf(b)}/${nameOf(b)}`;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
    for (const o of current) watcher.send({ type: "ADDED", object: present(res, o) });
    if (request.sendInitialEvents === true) sendBookmark(true);
  } else {
    for (const e of replay) {
      const out = eventFor(watcher.filter, e);
      if (out) watcher.send(out);
    }
  }
  const w = watcher;
  if (bookmarks && context.bookmarkIntervalMs > 0) {
    const tick = (): void => {
      if (w.stopped) return;
      sendBookmark();
      schedule(tick, context.bookmarkIntervalMs);
    };
    schedule(tick, context.bookmarkIntervalMs);
  }
  if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) {
    schedule(() => {
      sendBookmark();
      w.stop();
    }, request.timeoutSeconds * 1000);
  }
  return {
    stop: () => w.stop(),
    bookmark: () => sendBookmark(),
    get stopped() {
      return w.stopped;
    },
  };
}
