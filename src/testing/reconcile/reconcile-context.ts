import type { Client } from "../../runtime/client/types.js";
import { realClock, type Clock } from "../../runtime/clock/index.js";
import { EventRecorder } from "../../runtime/events/event-recorder.js";
import { silentLogger, type Logger } from "../../runtime/log/logger.js";
import type { ReconcileContext } from "../../runtime/reconcile.js";

/** What {@link reconcileContext} takes besides the client; each has a default. */
export interface ReconcileContextOptions {
  /** Default a logger that discards everything. */
  readonly log?: Logger;
  /** Default a signal that never aborts. */
  readonly signal?: AbortSignal;
  /** Default the real clock; pass a `FakeClock` to drive time. */
  readonly clock?: Clock;
  /** The Events' `source.component`. Default "test". */
  readonly component?: string;
}

/**
 * The context a manager hands a reconcile, for calling a reconciler directly in a unit test:
 * `client`, a silent logger, a signal, an event recorder writing Events through `client`
 * (timestamped by `clock`), and the clock.
 * @example
 * ```ts
 * const client = fakeClient({ objects: [cronJob] });
 * await new CronJobReconciler().reconcile({ namespace: "default", name: "cj" }, reconcileContext(client));
 * ```
 */
export function reconcileContext(client: Client, options: ReconcileContextOptions = {}): ReconcileContext<Client> {
  const log = options.log ?? silentLogger();
  const clock = options.clock ?? realClock;
  return {
    client,
    log,
    signal: options.signal ?? new AbortController().signal,
    recorder: new EventRecorder(client, options.component ?? "test", log, () => new Date(clock.now())),
    clock,
  };
}
