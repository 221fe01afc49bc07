import { realClock, type Clock } from "../clock/index.js";

/**
 * Decides how long a key waits before it is retried, as client-go's `workqueue.RateLimiter`.
 * {@link WorkQueue.addRateLimited} asks `when`; a reconcile that succeeds calls `forget`.
 */
export interface RateLimiter<K = string> {
  /** How long (ms) `key` should wait before its next attempt; counts one more failure. */
  when(key: K): number;
  /** Stops tracking `key`: its next failure starts the backoff from the beginning. */
  forget(key: K): void;
  /** How many failures `key` has had since it was last forgotten. */
  numRequeues(key: K): number;
}

/** controller-runtime's per-item base delay: 5 ms. */
export const DEFAULT_BASE_DELAY_MS = 5;
/** controller-runtime's per-item maximum delay: 1000 s. */
export const DEFAULT_MAX_DELAY_MS = 1_000_000;
/** controller-runtime's overall retry rate: 10 per second. */
export const DEFAULT_QPS = 10;
/** controller-runtime's overall burst: 100 retries. */
export const DEFAULT_BURST = 100;

function requireDelay(what: string, ms: number): void {
  if (!(ms >= 0) || !Number.isFinite(ms)) {
    throw new RangeError(`${what}: expected a finite number of milliseconds ≥ 0, got ${ms}`);
  }
}

/**
 * Per-key exponential backoff: the n-th failure in a row (counting from 0) waits
 * `baseDelayMs · 2ⁿ`, capped at `maxDelayMs`. With the defaults: 5 ms, 10 ms, 20 ms, …,
 * reaching the 1000 s cap at the 18th failure.
 *
 * @example
 * ```ts
 * const limiter = new ItemExponentialFailureRateLimiter();
 * limiter.when("a"); // 5
 * limiter.when("a"); // 10
 * limiter.forget("a");
 * limiter.when("a"); // 5
 * ```
 */
export class ItemExponentialFailureRateLimiter<K = string> implements RateLimiter<K> {
  readonly #failures = new Map<K, number>();
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;

  constructor(baseDelayMs = DEFAULT_BASE_DELAY_MS, maxDelayMs = DEFAULT_MAX_DELAY_MS) {
    requireDelay("ItemExponentialFailureRateLimiter baseDelayMs", baseDelayMs);
    requireDelay("ItemExponentialFailureRateLimiter maxDelayMs", maxDelayMs);
    this.#baseDelayMs = baseDelayMs;
    this.#maxDelayMs = maxDelayMs;
  }

  when(key: K): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const backoff = this.#baseDelayMs * 2 ** failures;
    // 2 ** failures overflows to Infinity after ~1024 failures; the cap covers it.
    return backoff > this.#maxDelayMs || !Number.isFinite(backoff) ? this.#maxDelayMs : backoff;
  }

  forget(key: K): void {
    this.#failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.#failures.get(key) ?? 0;
  }
}

/** What {@link BucketRateLimiter} takes. */
export interface BucketRateLimiterOptions {
  /** Tokens added per second (default 10). `Infinity` disables the limit. */
  readonly qps?: number;
  /** The bucket's size, and how full it starts (default 100). */
  readonly burst?: number;
  /** Default: the real clock. */
  readonly clock?: Clock;
}

/**
 * One token bucket for all keys together (golang.org/x/time/rate's `Limiter.Reserve`, as
 * client-go's `BucketRateLimiter` uses it): the bucket starts full with `burst` tokens and
 * refills at `qps` per second; each `when` takes a token, and when none is left it
 * reserves a future one and returns the wait for it. So with the defaults, 100 retries go
 * at once, the 101st waits 100 ms, the 102nd 200 ms, and so on.
 *
 * It does not track keys: `forget` is a no-op and `numRequeues` is always 0.
 */
export class BucketRateLimiter<K = string> implements RateLimiter<K> {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(options: BucketRateLimiterOptions = {}) {
    const { qps = DEFAULT_QPS, burst = DEFAULT_BURST, clock = realClock } = options;
    if (!(qps > 0)) throw new RangeError(`BucketRateLimiter: expected qps > 0 (or Infinity), got ${qps}`);
    if (!Number.isInteger(burst) || burst < 1) {
      throw new RangeError(`BucketRateLimiter: expected an integer burst ≥ 1, got ${burst}`);
    }
    this.#qps = qps;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  when(_key: K): number {
    if (this.#qps === Infinity) return 0;
    const now = this.#clock.now();
    // Refill for the time elapsed since the last reservation, never above the burst.
    const elapsedMs = Math.max(0, now - this.#last);
    const tokens = Math.min(this.#burst, this.#tokens + (elapsedMs * this.#qps) / 1000) - 1;
    this.#tokens = tokens;
    this.#last = Math.max(this.#last, now);
    return tokens >= 0 ? 0 : (-tokens * 1000) / this.#qps;
  }

  forget(_key: K): void {}

  numRequeues(_key: K): number {
    return 0;
  }

  /** Tokens in the bucket now (negative when future tokens are already reserved). */
  tokens(): number {
    const elapsedMs = Math.max(0, this.#clock.now() - this.#last);
    return Math.min(this.#burst, this.#tokens + (elapsedMs * this.#qps) / 1000);
  }
}

/**
 * Asks every limiter and waits for the longest answer; `forget` forgets in all of them and
 * `numRequeues` is the largest count. With a token bucket inside, a key delayed longer by
 * another limiter still takes its token, so the bucket can look exceeded.
 */
export class MaxOfRateLimiter<K = string> implements RateLimiter<K> {
  readonly #limiters: readonly RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    if (limiters.length === 0) throw new RangeError("MaxOfRateLimiter: expected at least one rate limiter");
    this.#limiters = limiters;
  }

  when(key: K): number {
    let delay = 0;
    for (const limiter of this.#limiters) delay = Math.max(delay, limiter.when(key));
    return delay;
  }

  forget(key: K): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  numRequeues(key: K): number {
    let n = 0;
    for (const limiter of this.#limiters) n = Math.max(n, limiter.numRequeues(key));
    return n;
  }
}

/**
 * controller-runtime's default: per-key exponential backoff from 5 ms to 1000 s, under an
 * overall token bucket of 10 retries per second with a burst of 100.
 *
 * @example
 * ```ts
 * const queue = new WorkQueue({ rateLimiter: defaultControllerRateLimiter() });
 * ```
 */
export function defaultControllerRateLimiter<K = string>(clock: Clock = realClock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS),
    new BucketRateLimiter<K>({ qps: DEFAULT_QPS, burst: DEFAULT_BURST, clock }),
  );
}
