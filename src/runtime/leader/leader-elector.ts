import type { Client } from "../client/types.js";
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
  readonly clock?: Clock;
  readonly log: Logger;
}

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's: a candidate takes
 * the lease when it is free or its holder has not renewed it for a lease duration (measured
 * on this process's clock from when it last saw the record change, so clock skew between
 * nodes does not matter), renews it every retry period, and gives up leadership when it
 * cannot renew within the renew deadline. On release it empties the holder so the next
 * candidate takes over at once.
 */
export class LeaderElector {
  private readonly timings: LeaderElectionTimings;
  private readonly clock: Clock;
  private observed: { record: string; at: number } | undefined;
  private leading = false;

  constructor(private readonly options: LeaderElectorOptions) {
    this.timings = { ...DEFAULT_LEADER_ELECTION, ...options.timings };
    this.clock = options.clock ?? realClock;
    if (!(this.timings.leaseDurationMs > this.timings.renewDeadlineMs && this.timings.renewDeadlineMs > this.timings.retryPeriodMs)) {
      throw new RangeError("leader election needs leaseDuration > renewDeadline > retryPeriod");
    }
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Campaigns until this candidate leads (resolves true) or `signal` aborts (false).
   */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) {
        this.leading = true;
        this.options.log.info({ lease: `${this.options.namespace}/${this.options.name}`, identity: this.options.identity }, "became leader");
        return true;
      }
      await this.sleep(this.jittered(this.timings.retryPeriodMs), signal);
    }
    return false;
  }

  /**
   * Renews the lease every retry period while `signal` is not aborted. Resolves when
   * leadership is lost (no successful renewal within the renew deadline) or on abort.
   * Returns "lost" or "stopped".
   */
  async keepRenewing(signal: AbortSignal): Promise<"lost" | "stopped"> {
    let lastRenew = this.clock.now();
    while (!signal.aborted) {
      await this.sleep(this.timings.retryPeriodMs, signal);
      if (signal.aborted) break;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = this.clock.now();
      } else if (this.clock.now() - lastRenew >= this.timings.renewDeadlineMs) {
        this.leading = false;
        this.options.log.error({ lease: `${this.options.namespace}/${this.options.name}` }, "leader election lost");
        return "lost";
      }
    }
    return "stopped";
  }

  /** Gives the lease up (holder emptied, 1 s duration), if this candidate holds it. */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.options.client.get(Lease, { namespace: this.options.namespace, name: this.options.name });
      if (lease.spec?.holderIdentity !== this.options.identity) return;
      lease.spec = { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: this.microTime() };
      await this.options.client.update(Lease, lease);
      this.options.log.info({ lease: `${this.options.namespace}/${this.options.name}` }, "released leadership");
    } catch (e) {
      this.options.log.warn({ err: e }, "could not release the leader lease");
    }
  }

  /** One attempt; true when this candidate holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { client, name, namespace, identity } = this.options;
    const now = this.microTime();
    const durationSeconds = Math.ceil(this.timings.leaseDurationMs / 1000);
    let lease: Lease;
    try {
      lease = await client.get(Lease, { namespace, name });
    } catch (e) {
      if (!isNotFound(e)) {
        this.options.log.warn({ err: e }, "cannot read the leader lease");
        return false;
      }
      try {
        await client.create(Lease, {
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
        });
        this.observe({ holderIdentity: identity, renewTime: now });
        return true;
      } catch (err) {
        if (!isAlreadyExists(err)) this.options.log.warn({ err }, "cannot create the leader lease");
        return false;
      }
    }
    const spec = lease.spec ?? {};
    this.observe(spec as unknown as Record<string, unknown>);
    const holder = spec.holderIdentity ?? "";
    const heldByOther = holder !== "" && holder !== identity;
    const observedDuration = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (heldByOther && this.observed && this.clock.now() < this.observed.at + observedDuration) return false;
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
      await client.update(Lease, next);
      this.observe(next.spec as unknown as Record<string, unknown>);
      return true;
    } catch (e) {
      if (!isConflict(e)) this.options.log.warn({ err: e }, "cannot update the leader lease");
      return false;
    }
  }

  /** Remembers when the lease record last changed, on our clock. */
  private observe(spec: Record<string, unknown>): void {
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.acquireTime, spec.leaseTransitions]);
    if (this.observed?.record !== record) this.observed = { record, at: this.clock.now() };
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
