import { realClock, type Clock } from "../clock/index.js";
import { loggingRecorder, type Recorder } from "../events/event-recorder.js";
import type { Logger } from "../log/logger.js";
import type { ControllerMetrics, ReconcileOutcome } from "../metrics/controller-metrics.js";
import { WorkQueue } from "../queue/index.js";
import { parseRequestKey, requestKey, type Reconciler, type Request } from "../reconcile.js";
import { describePanic, isPanic, ReconcilePanicError } from "./reconcile-panic.js";
import { TerminalError } from "./terminal-error.js";

export interface ControllerOptions<Client> {
  readonly name: string;
  readonly reconciler: Reconciler<Client>;
  readonly client: Client;
  readonly queue: WorkQueue<string>;
  readonly log: Logger;
  readonly metrics?: ControllerMetrics | undefined;
  /** How many keys are reconciled at once (each key is only ever reconciled by one). Default 1. */
  readonly maxConcurrentReconciles?: number | undefined;
  /**
   * Whether the controller runs only on the elected leader (a manager with leader election
   * starts it once it leads) or on every replica (`false`). Default true, as
   * controller-runtime's `NeedLeaderElection`.
   */
  readonly needLeaderElection?: boolean | undefined;
  /**
   * Whether a panic in reconcile (see {@link isPanic}: a thrown non-`Error`, or a `TypeError`,
   * `ReferenceError`, … of a bug) is recovered: counted in
   * `controller_runtime_reconcile_panics_total`, logged with its stack, and handled as a
   * reconcile error (`panic: … [recovered]`, requeued with backoff). With `false`, a panic is
   * counted and logged, then stops the controller: it takes no more keys, lets the other
   * reconciles in flight finish, and `start()` rejects with the thrown value, as Go's
   * unrecovered panic ends the process. Default true, as controller-runtime's `RecoverPanic`.
   */
  readonly recoverPanic?: boolean | undefined;
  /**
   * Handed to each reconcile as `ctx.recorder` (the builder gives one reporting as the
   * controller's name). Default: one that only logs the events.
   */
  readonly recorder?: Recorder | undefined;
  /** Handed to each reconcile as `ctx.clock` (the manager's clock). Default the real clock. */
  readonly clock?: Clock | undefined;
  /**
   * Binds `client` to the signal of the controller's run before reconciles get it as
   * `ctx.client` (the builder passes `withSignal`, so their requests end when the manager
   * stops or loses leadership). Default: the client as it is.
   */
  readonly bindClient?: ((client: Client, signal: AbortSignal) => Client) | undefined;
}

/**
 * Runs a reconciler over a work queue with N workers, as controller-runtime's controller:
 * one function (`handle`) decides what follows a reconcile, and every outcome bumps one
 * metric label:
 * - an error requeues the key with per-item exponential backoff (a {@link TerminalError}
 *   does not);
 * - `requeueAfter` forgets the backoff and requeues after the delay;
 * - `requeue` requeues rate-limited;
 * - success forgets the backoff;
 * - a panic (see {@link ControllerOptions.recoverPanic}) is an error when recovered, and
 *   stops the controller when not.
 *
 * It is a manager `Runnable`: `needLeaderElection` says whether it waits for leadership.
 */
export class Controller<Client = unknown> {
  readonly name: string;
  /** Whether the controller runs only on the leader (default true). */
  readonly needLeaderElection: boolean;
  private readonly workers: number;
  private readonly recoverPanic: boolean;
  private bound: { signal: AbortSignal; client: Client } | undefined;
  private readonly recorder: Recorder;
  private readonly clock: Clock;
  /** The first panic not recovered (`recoverPanic: false`): it stops the controller. */
  private unrecovered: { readonly value: unknown } | undefined;

  constructor(private readonly options: ControllerOptions<Client>) {
    this.name = options.name;
    this.workers = Math.max(1, options.maxConcurrentReconciles ?? 1);
    this.needLeaderElection = options.needLeaderElection ?? true;
    this.recoverPanic = options.recoverPanic ?? true;
    this.clock = options.clock ?? realClock;
    this.recorder = options.recorder ?? loggingRecorder(options.log);
  }

  /** Queues a request (de-duplicated by the queue). */
  enqueue(req: Request): void {
    this.options.queue.add(requestKey(req));
  }

  /**
   * Runs the workers until `signal` aborts; then stops taking new keys and resolves once
   * the reconciles in flight have finished. Rejects, likewise once they have finished, with
   * the value of a panic that was not recovered (`recoverPanic: false`).
   */
  async start(signal: AbortSignal): Promise<void> {
    const { queue, metrics, log } = this.options;
    metrics?.initController(this.name, this.workers);
    log.info({ workers: this.workers }, "starting workers");
    const onAbort = () => queue.shutDown({ discardQueued: true });
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();
    const workers = Array.from({ length: this.workers }, () => this.worker(signal));
    await Promise.all(workers);
    signal.removeEventListener("abort", onAbort);
    log.info("all workers finished");
    if (this.unrecovered) throw this.unrecovered.value;
  }

  /** The keys of the reconciles running now. */
  private readonly active = new Set<string>();

  /** The keys being reconciled now ("namespace/name", or "name" for cluster-scoped objects). */
  get reconciling(): string[] {
    return [...this.active];
  }

  private async worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const item = await this.options.queue.get();
      if (item === undefined) return;
      if (signal.aborted) {
        // Handed out just before the abort: no reconcile starts after it.
        item.done();
        return;
      }
      this.active.add(item.key);
      await this.handle(item.key, signal).finally(() => item.done());
      this.active.delete(item.key);
    }
  }

  /** The client reconciles get during a run with `signal`: bound to it once per run. */
  private clientFor(signal: AbortSignal): Client {
    const { client, bindClient } = this.options;
    if (!bindClient) return client;
    if (this.bound?.signal !== signal) this.bound = { signal, client: bindClient(client, signal) };
    return this.bound.client;
  }

  /** Reconciles one key and decides what follows. Never throws (an unrecovered panic shuts the queue down). */
  private async handle(key: string, signal: AbortSignal): Promise<void> {
    const { reconciler, queue, metrics } = this.options;
    const recorder = this.recorder;
    const client = this.clientFor(signal);
    const clock = this.clock;
    const req = parseRequestKey(key);
    const log = this.options.log.child(req.namespace ? { namespace: req.namespace, name: req.name } : { name: req.name });
    const started = performance.now();
    metrics?.activeWorkers.inc({ controller: this.name });
    let outcome: ReconcileOutcome;
    try {
      const result = (await reconciler.reconcile(req, { client, log, signal, recorder, clock })) ?? {};
      if (result.requeueAfter !== undefined && result.requeueAfter > 0) {
        queue.forget(key);
        queue.addAfter(key, result.requeueAfter);
        outcome = "requeue_after";
      } else if (result.requeue) {
        queue.addRateLimited(key);
        outcome = "requeue";
      } else {
        queue.forget(key);
        outcome = "success";
      }
    } catch (thrown) {
      let e = thrown;
      if (isPanic(thrown)) {
        metrics?.reconcilePanics.inc({ controller: this.name });
        if (!this.recoverPanic) {
          this.stopOnPanic(thrown, log);
          return;
        }
        e = new ReconcilePanicError(thrown);
      }
      outcome = "error";
      metrics?.reconcileErrors.inc({ controller: this.name });
      if (e instanceof TerminalError) {
        metrics?.terminalErrors.inc({ controller: this.name });
        queue.forget(key);
        log.error({ err: e }, "reconciler error (terminal, not requeued)");
      } else {
        queue.addRateLimited(key);
        const panic = e instanceof ReconcilePanicError;
        log.error({ err: e, requeues: queue.numRequeues(key), ...(panic ? { panic } : {}) }, panic ? "observed a panic in reconciler (recovered, requeued)" : "reconciler error");
      }
    } finally {
      metrics?.activeWorkers.dec({ controller: this.name });
    }
    metrics?.reconcileTotal.inc({ controller: this.name, result: outcome });
    metrics?.reconcileTime.observe({ controller: this.name }, (performance.now() - started) / 1000);
  }

  /** A panic with `recoverPanic: false`: no more keys are taken; `start()` rejects with it once the workers are done. */
  private stopOnPanic(value: unknown, log: Logger): void {
    const err = value instanceof Error ? value : undefined;
    log.error({ err, panic: describePanic(value) }, "observed a panic in reconciler (not recovered: recoverPanic is false); stopping the controller");
    this.unrecovered ??= { value };
    this.options.queue.shutDown({ discardQueued: true });
  }
}
