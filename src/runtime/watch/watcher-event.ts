import type { KubernetesObject } from "../resource.js";

/**
 * What a watcher reports, a closed set (switch on `type`; a new variant breaks the build
 * where it must be handled):
 *
 * - `init`: a (re)list starts. Objects follow as `initApply`; keep serving the previous state
 *   until `initDone`.
 * - `initApply`: an object of the list. Delivered page by page, never buffered whole.
 * - `initDone`: the list is complete. Objects known before `init` but not listed since were
 *   deleted while the watcher was not looking (their delete events were missed): this is when
 *   a store drops them.
 * - `apply`: an object was added or modified.
 * - `delete`: an object was deleted. A delete can be missed (it happens during a relist, see
 *   `initDone`), so cleanup that must happen belongs behind a finalizer.
 * - `bookmark`: the server's progress marker; nothing changed, the resume point advanced.
 */
export type WatcherEvent<T extends KubernetesObject = KubernetesObject> =
  | { readonly type: "init" }
  | { readonly type: "initApply"; readonly object: T }
  | { readonly type: "initDone"; readonly resourceVersion: string }
  | { readonly type: "apply"; readonly object: T }
  | { readonly type: "delete"; readonly object: T }
  | { readonly type: "bookmark"; readonly resourceVersion: string };

/** Where the watcher failed; the step after the failure decides whether it relists. */
export type WatcherPhase = "list" | "watch-start" | "watch";

/**
 * A failure the watcher recovered from (after a backoff). It never stops on one; they go to
 * the `onError` callback for logging and readiness checks.
 */
export class WatcherError extends Error {
  constructor(
    /** What was being done. */
    readonly phase: WatcherPhase,
    /** True when the watcher starts over with a full list (410 Gone, a failed list). */
    readonly relist: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "WatcherError";
  }
}
