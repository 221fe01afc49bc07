import type { Logger } from "pino";
import type { Clock } from "./clock/clock.js";
import type { Recorder } from "./events/event-recorder.js";

/** What a reconciler is asked to reconcile: an object's key. It never sees the event. */
export interface Request {
  readonly namespace?: string;
  readonly name: string;
}

/**
 * What a reconcile asks for next. Return nothing (or `{}`) when done; `requeueAfter` (ms)
 * to look again later. Throwing an error requeues with per-item exponential backoff.
 */
export interface Result {
  readonly requeueAfter?: number;
  /** Requeue now, rate-limited, without counting an error. */
  readonly requeue?: boolean;
}

/** The key of a request: "namespace/name", or "name" for cluster-scoped objects. */
export function requestKey(req: Request): string {
  return req.namespace ? `${req.namespace}/${req.name}` : req.name;
}

/** Parses {@link requestKey}'s output back into a request. */
export function parseRequestKey(key: string): Request {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** What a reconcile gets besides the request. `client` is typed by the runtime's client module. */
export interface ReconcileContext<Client = unknown> {
  readonly client: Client;
  /** A pino logger with the reconcile key on every line. */
  readonly log: Logger;
  /** Aborted when the manager shuts down; long work should stop. */
  readonly signal: AbortSignal;
  /**
   * Records Kubernetes Events, reporting as the controller's name (`source.component`), as
   * controller-runtime's `mgr.GetEventRecorderFor(name)`. In a unit test,
   * `reconcileContext(client)` of `kubebuilder-ts/testing` gives one writing through `client`.
   * @example
   * ```ts
   * await ctx.recorder.event(cronJob, CronJobResource, "Normal", "Created", `created job ${job.metadata!.name}`);
   * ```
   */
  readonly recorder: Recorder;
  /**
   * The manager's clock (its `clock` option; the real clock by default): read the time and
   * schedule through it, and a test drives the reconciler with a `FakeClock`.
   * @example
   * ```ts
   * const now = new Date(ctx.clock.now());
   * ```
   */
  readonly clock: Clock;
}

/** A level-triggered reconciler, as controller-runtime's. */
export interface Reconciler<Client = unknown> {
  reconcile(req: Request, ctx: ReconcileContext<Client>): Promise<Result | void>;
}
