import type { Client, RequestOptions } from "../client/types.js";
import { isAlreadyExists, isConflict, isNotFound } from "../errors.js";
import type { Logger } from "../log/logger.js";
import { realClock, type Clock } from "../clock/index.js";
import { Lease } from "../resource.js";
import { formatMicroTime } from "../wire.js";

/** Timings of leader election, in ms; controller-runtime's defaults are 15 s / 10 s / 2 s. */
export interface LeaderElectionTimings {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export const DEFAULT_LEADER_ELECTION: LeaderElectionTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectorOptions {
  readonly client: Client;
  /** The Lease's name (the manager's `leaderElectionId`). */
  readonly name: string;
  readonly namespace: string;
  /** This candidate's identity, unique per process (hostname + random suffix). */
  readonly identity: string;
  readonly timings?: Partial<LeaderElectionTimings>;
  /**
   * Time allowed for each request on the Lease, in ms. Default half the renew deadline, at
   * least 1 s (as controller-runtime's), and never past the attempt's renew deadline.
   */
  readonly requestTimeoutMs?: number;
  readonly clock?: Clock;
  readonly log: Logger;
}

/** How one attempt on the lease ended. */
type Attempt = "ok" | "failed" | "held-by-other";

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's: a candidate takes
 * the lease when it is free or its holder has not renewed it for a lease duration (measured
 * on this process's clock from when it last saw the record change, so clock skew between
 * nodes does not matter), renews it every retry period, and gives up leadership when it
 * cannot renew within the renew deadline. On release it empties the holder so the next
 * candidate takes over at once.
 *
 * No attempt can outlive the renew deadline, however the API server behaves: its requests
 * run under an `AbortSignal` that fires at the deadline (a renewal's deadline is the renew
 * deadline after the start of the last successful one) and each has a timeout no longer
 * than that. A renewal that sees another holder loses leadership at once.
 *
 * Leadership lasts at most until {@link leaseExpiresAt}: another candidate waits a full lease
 * duration after it saw this one's last write, which was sent after that write's attempt
 * began, the instant this elector counts from.
 */
export class LeaderElector {
  private readonly timings: LeaderElectionTimings;
  private readonly clock: Clock;
  private readonly requestTimeoutMs: number;
  private observed: { record: string; holder: string; at: number } | undefined;
  private leading = false;
  /** When the attempt that last wrote this candidate's record began, on {@link clock}. */
  private lastWriteAt: number | undefined;
  private lossReason: string | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.timings = { ...DEFAULT_LEADER_ELECTION, ...options.timings };
    this.clock = options.clock ?? realClock;
    if (!(this.timings.leaseDurationMs > this.timings.renewDeadlineMs && this.timings.renewDeadlineMs > this.timings.retryPeriodMs)) {
      throw new RangeError("leader election needs leaseDuration > renewDeadline > retryPeriod");
    }
    const requestTimeoutMs = options.requestTimeoutMs ?? Math.max(this.timings.renewDeadlineMs / 2, 1_000);
    if (!(requestTimeoutMs > 0)) throw new RangeError(`leader election's requestTimeoutMs must be > 0, got ${requestTimeoutMs}`);
    this.requestTimeoutMs = Math.min(requestTimeoutMs, this.timings.renewDeadlineMs);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Why leadership was lost, once {@link keepRenewing} resolved "lost". */
  get lostBecause(): string | undefined {
    return this.lossReason;
  }

  /**
   * When another candidate may take the lease this one last wrote, in ms on the elector's
   * clock: a lease duration after the start of the attempt that wrote it. Undefined before
   * this candidate first held the lease.
   */
  get leaseExpiresAt(): number | undefined {
    return this.lastWriteAt === undefined ? undefined : this.lastWriteAt + this.timings.leaseDurationMs;
  }

  /**
   * Until when, on the elector's clock, this process can count on no other candidate
   * leading: {@link leaseExpiresAt} less a safety margin for clocks that run at slightly
   * different rates and for the time it takes to stop (the retry period, or half the gap
   * between lease duration and renew deadline if that is less). Undefined before this
   * candidate first held the lease.
   */
  get safeUntil(): number | undefined {
    const expires = this.leaseExpiresAt;
    if (expires === undefined) return undefined;
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = this.timings;
    return expires - Math.min(retryPeriodMs, (leaseDurationMs - renewDeadlineMs) / 2);
  }

  /**
   * Campaigns until this candidate leads (resolves true) or `signal` aborts (false). Each
   * attempt is abandoned after the renew deadline.
   */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const began = this.clock.now();
      if ((await this.attempt(signal, began + this.timings.renewDeadlineMs)) === "ok") {
        this.lastWriteAt = began;
        this.leading = true;
        this.options.log.info({ lease: this.leaseName, identity: this.options.identity }, "became leader");
        return true;
      }
      await this.sleep(this.jittered(this.timings.retryPeriodMs), signal);
    }
    return false;
  }

  /**
   * Renews the lease every retry period while `signal` is not aborted, after
   * {@link acquire} succeeded. Resolves "lost" as soon as no renewal succeeded within the
   * renew deadline (a renewal still in flight then is aborted) or another holder took the
   * lease, and "stopped" when `signal` aborts.
   */
  async keepRenewing(signal: AbortSignal): Promise<"lost" | "stopped"> {
    if (!this.leading || this.lastWriteAt === undefined) throw new Error("keepRenewing: this candidate does not hold the lease (call acquire first)");
    const { renewDeadlineMs, retryPeriodMs } = this.timings;
    while (!signal.aborted) {
      const deadline = this.lastWriteAt + renewDeadlineMs;
      await this.sleep(Math.min(retryPeriodMs, deadline - this.clock.now()), signal);
      if (signal.aborted) break;
      if (this.clock.now() >= deadline) return this.lose(`the lease was not renewed within the renew deadline (${renewDeadlineMs} ms)`);
      const began = this.clock.now();
      const outcome = await this.attempt(signal, deadline);
      if (outcome === "ok") {
        this.lastWriteAt = began;
      } else if (signal.aborted) {
        break;
      } else if (outcome === "held-by-other") {
        return this.lose(`another candidate holds the lease: ${this.observed?.holder ?? "unknown"}`);
      } else if (this.clock.now() >= deadline) {
        return this.lose(`the lease was not renewed within the renew deadline (${renewDeadlineMs} ms)`);
      }
    }
    return "stopped";
  }

  /**
   * Gives the lease up (holder emptied, 1 s duration), if this candidate holds it; never
   * after leadership was lost. Bounded by the renew deadline, as client-go's.
   */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    const deadline = this.deadlineSignal(new AbortController().signal, this.clock.now() + this.timings.renewDeadlineMs);
    const request = { signal: deadline.signal, timeoutMs: this.requestTimeoutMs };
    const releasing = async (): Promise<void> => {
      const lease = await this.options.client.get(Lease, { namespace: this.options.namespace, name: this.options.name }, request);
      if (lease.spec?.holderIdentity !== this.options.identity) return;
      lease.spec = { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: this.microTime() };
      await this.options.client.update(Lease, lease, request);
      this.options.log.info({ lease: this.leaseName }, "released leadership");
    };
    const abandoned = new Promise<never>((_resolve, reject) => {
      deadline.signal.addEventListener("abort", () => reject(deadline.signal.reason), { once: true });
    });
    try {
      await Promise.race([releasing(), abandoned]);
    } catch (e) {
      this.options.log.warn({ err: e }, "could not release the leader lease");
    } finally {
      deadline.cancel();
    }
  }

  /**
   * One attempt; true when this candidate holds the lease afterwards. `options` cancel its
   * requests (the elector's own attempts pass a signal that fires at the renew deadline).
   */
  async tryAcquireOrRenew(options: RequestOptions = {}): Promise<boolean> {
    return (await this.tryOnce(options)) === "ok";
  }

  private get leaseName(): string {
    return `${this.options.namespace}/${this.options.name}`;
  }

  private lose(reason: string): "lost" {
    this.leading = false;
    this.lossReason = reason;
    this.options.log.error({ lease: this.leaseName, reason }, "leader election lost");
    return "lost";
  }

  /**
   * One attempt, abandoned at `deadline` (on the elector's clock) or when `signal` aborts:
   * its requests are aborted then, and it counts as failed even if the client ignores the
   * abort (a late answer changes nothing).
   */
  private async attempt(signal: AbortSignal, deadline: number): Promise<Attempt> {
    const bounded = this.deadlineSignal(signal, deadline);
    try {
      const timeoutMs = Math.max(1, Math.min(this.requestTimeoutMs, deadline - this.clock.now()));
      const abandoned = new Promise<Attempt>((resolve) => {
        if (bounded.signal.aborted) resolve("failed");
        bounded.signal.addEventListener("abort", () => resolve("failed"), { once: true });
      });
      return await Promise.race([this.tryOnce({ signal: bounded.signal, timeoutMs }), abandoned]);
    } finally {
      bounded.cancel();
    }
  }

  /** A signal that aborts with `parent`, or with a TimeoutError at `deadline` on the elector's clock. */
  private deadlineSignal(parent: AbortSignal, deadline: number): { signal: AbortSignal; cancel(): void } {
    const controller = new AbortController();
    const onParent = (): void => controller.abort(parent.reason);
    if (parent.aborted) onParent();
    parent.addEventListener("abort", onParent, { once: true });
    const timer = this.clock.setTimeout(() => {
      controller.abort(new DOMException(`leader lease ${this.leaseName}: no answer within the renew deadline (${this.timings.renewDeadlineMs} ms)`, "TimeoutError"));
    }, deadline - this.clock.now());
    return {
      signal: controller.signal,
      cancel: () => {
        timer.cancel();
        parent.removeEventListener("abort", onParent);
      },
    };
  }

  private async tryOnce(request: RequestOptions): Promise<Attempt> {
    const { client, name, namespace, identity } = this.options;
    const warn = (err: unknown, msg: string): void => {
      if (!request.signal?.aborted) this.options.log.warn({ err }, msg);
    };
    const now = this.microTime();
    const durationSeconds = Math.ceil(this.timings.leaseDurationMs / 1000);
    let lease: Lease;
    try {
      lease = await client.get(Lease, { namespace, name }, request);
    } catch (e) {
      if (!isNotFound(e)) {
        warn(e, "cannot read the leader lease");
        return "failed";
      }
      try {
        await client.create(
          Lease,
          {
            apiVersion: "coordination.k8s.io/v1",
            kind: "Lease",
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: durationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
          request,
        );
        this.observe({ holderIdentity: identity, renewTime: now });
        return "ok";
      } catch (err) {
        if (!isAlreadyExists(err)) warn(err, "cannot create the leader lease");
        return "failed";
      }
    }
    const spec = lease.spec ?? {};
    this.observe(spec as unknown as Record<string, unknown>);
    const holder = spec.holderIdentity ?? "";
    const heldByOther = holder !== "" && holder !== identity;
    if (heldByOther && this.leading) return "held-by-other";
    const observedDuration = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (heldByOther && this.observed && this.clock.now() < this.observed.at + observedDuration) return "held-by-other";
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: now,
        ...(holder !== identity
          ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }
          : {}),
      },
    };
    try {
      await client.update(Lease, next, request);
      this.observe(next.spec as unknown as Record<string, unknown>);
      return "ok";
    } catch (e) {
      if (!isConflict(e)) warn(e, "cannot update the leader lease");
      return "failed";
    }
  }

  /** Remembers when the lease record last changed, on our clock. */
  private observe(spec: Record<string, unknown>): void {
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.acquireTime, spec.leaseTransitions]);
    if (this.observed?.record !== record) this.observed = { record, holder: String(spec.holderIdentity ?? ""), at: this.clock.now() };
  }

  private microTime(): string {
    return formatMicroTime(new Date());
  }

  private jittered(ms: number): number {
    return ms * (1 + Math.random() * 0.2);
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        timer.cancel();
        resolve();
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
