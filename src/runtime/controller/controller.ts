import type { Logger } from "../log/logger.js";
import type { ControllerMetrics, ReconcileOutcome } from "../metrics/controller-metrics.js";
import { WorkQueue } from "../queue/index.js";
import { parseRequestKey, requestKey, type Reconciler, type Request } from "../reconcile.js";
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
}

/**
 * Runs a reconciler over a work queue with N workers, as controller-runtime's controller:
 * one function (`handle`) decides what follows a reconcile, and every outcome bumps one
 * metric label:
 * - an error requeues the key with per-item exponential backoff (a {@link TerminalError}
 *   does not);
 * - `requeueAfter` forgets the backoff and requeues after the delay;
 * - `requeue` requeues rate-limited;
 * - success forgets the backoff.
 */
export class Controller<Client = unknown> {
  readonly name: string;
  private readonly workers: number;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: ControllerOptions<Client>) {
    this.name = options.name;
    this.workers = Math.max(1, options.maxConcurrentReconciles ?? 1);
  }

  /** Queues a request (de-duplicated by the queue). */
  enqueue(req: Request): void {
    this.options.queue.add(requestKey(req));
  }

  /**
   * Runs the workers until `signal` aborts; then stops taking new keys and resolves once
   * the reconciles in flight have finished.
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
      const run = this.handle(item.key, signal).finally(() => item.done());
      this.inFlight.add(run);
      this.active.add(item.key);
      await run;
      this.inFlight.delete(run);
      this.active.delete(item.key);
    }
  }

  /** Reconciles one key and decides what follows. Never throws. */
  private async handle(key: string, signal: AbortSignal): Promise<void> {
    const { reconciler, queue, metrics, client } = this.options;
    const req = parseRequestKey(key);
    const log = this.options.log.child(req.namespace ? { namespace: req.namespace, name: req.name } : { name: req.name });
    const started = performance.now();
    metrics?.activeWorkers.inc({ controller: this.name });
    let outcome: ReconcileOutcome;
    try {
      const result = (await reconciler.reconcile(req, { client, log, signal })) ?? {};
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
    } catch (e) {
      outcome = "error";
      metrics?.reconcileErrors.inc({ controller: this.name });
      if (e instanceof TerminalError) {
        metrics?.terminalErrors.inc({ controller: this.name });
        queue.forget(key);
        log.error({ err: e }, "reconciler error (terminal, not requeued)");
      } else {
        queue.addRateLimited(key);
        log.error({ err: e, requeues: queue.numRequeues(key) }, "reconciler error");
      }
    } finally {
      metrics?.activeWorkers.dec({ controller: this.name });
    }
    metrics?.reconcileTotal.inc({ controller: this.name, result: outcome });
    metrics?.reconcileTime.observe({ controller: this.name }, (performance.now() - started) / 1000);
  }
}
