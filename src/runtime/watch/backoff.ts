import type { Clock } from "../clock/index.js";

/** How a {@link Backoff} grows. All durations in milliseconds. */
export interface BackoffOptions {
  /** The first delay (default 800). */
  readonly initialMs?: number;
  /** The cap (default 30,000). */
  readonly maxMs?: number;
  /** Growth per failure (default 2). */
  readonly factor?: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter], then capped (default 0.2). */
  readonly jitter?: number;
  /** A failure this long after the previous one starts again from `initialMs` (default 120,000). */
  readonly resetAfterMs?: number;
  /** Random numbers in [0, 1); injectable for tests (default Math.random). */
  readonly random?: () => number;
}

/** Delays between retries: capped exponential, jittered, forgotten after a healthy period. */
export interface Backoff {
  /** The delay before the next retry; call once per failure. */
  next(): number;
  /** Starts over from the initial delay. */
  reset(): void;
}

/**
 * The watcher's default backoff, as kube-rs's: 800 ms doubling to 30 s with jitter, reset
 * when no failure happened for 2 minutes.
 * @example
 * ```ts
 * const backoff = exponentialBackoff(realClock);
 * await sleep(realClock, backoff.next());
 * ```
 */
export function exponentialBackoff(clock: Clock, options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 800;
  const maxMs = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const resetAfterMs = options.resetAfterMs ?? 120_000;
  const random = options.random ?? Math.random;
  let attempt = 0;
  let lastFailureAt: number | undefined;
  return {
    next() {
      const now = clock.now();
      if (lastFailureAt !== undefined && now - lastFailureAt >= resetAfterMs) attempt = 0;
      lastFailureAt = now;
      const base = Math.min(maxMs, initialMs * factor ** attempt);
      if (base < maxMs) attempt++;
      const scaled = base * (1 + jitter * (random() * 2 - 1));
      return Math.round(Math.min(maxMs, Math.max(0, scaled)));
    },
    reset() {
      attempt = 0;
      lastFailureAt = undefined;
    },
  };
}
