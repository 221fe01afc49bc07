/**
 * Time, passed in: the work queue and its rate limiters, the watcher's backoff, the
 * informers' resync, leader election, the webhook server's certificate polling and the test
 * API server read the time and schedule callbacks only through a {@link Clock}, so tests
 * drive them with a `FakeClock` instead of sleeping.
 */

/** A scheduled callback that can be cancelled before it runs. */
export interface ClockTimer {
  /** Stops the callback from running; a no-op once it has run or was cancelled. */
  cancel(): void;
  /**
   * Lets the process exit while this timer is pending (Node's `timer.unref()`). Optional:
   * fake clocks have no process to keep alive.
   */
  unref?(): void;
}

/**
 * A source of time and of delayed callbacks, in milliseconds.
 *
 * `now()` must never go backwards; the runtime only uses differences between its values,
 * and the test server turns it into timestamps.
 */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number;
  /** Runs `callback` once, `delayMs` from now (a negative delay means as soon as possible). */
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
}

const timeOrigin = performance.timeOrigin;

/**
 * The real clock: monotonic milliseconds since the Unix epoch (`performance.timeOrigin +
 * performance.now()`, so a wall-clock step by NTP cannot stall or rush delayed work) and
 * Node's timers. Its timers keep the process alive unless `unref()`'d, as Node's do.
 */
export const realClock: Clock = {
  now: () => timeOrigin + performance.now(),
  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    // Rounded up: Node's timers count whole milliseconds, and firing early would only mean re-arming.
    const handle = setTimeout(callback, Math.max(0, Math.ceil(delayMs)));
    return {
      cancel: () => clearTimeout(handle),
      unref: () => {
        handle.unref();
      },
    };
  },
};

/**
 * Schedules `callback` on `clock` with a timer that never keeps the process alive: for
 * background work (polls, bookmarks, backoff) that something else keeps running.
 */
export function setBackgroundTimeout(clock: Clock, callback: () => void, delayMs: number): ClockTimer {
  const timer = clock.setTimeout(callback, delayMs);
  timer.unref?.();
  return timer;
}

/**
 * Waits `ms` on `clock`. Resolves early (never rejects) when `signal` aborts, so loops just
 * test `signal.aborted` afterwards. The wait does not keep the process alive.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      timer.cancel();
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setBackgroundTimeout(clock, done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}
