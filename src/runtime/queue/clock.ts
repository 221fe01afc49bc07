/**
 * Time, passed in: the queue, its rate limiters and its metrics read the time and schedule
 * callbacks only through a {@link Clock}, so tests drive them with a {@link FakeClock}
 * instead of sleeping.
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
 * `now()` must never go backwards; only differences between its values matter (it need
 * not be wall-clock time).
 */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number;
  /** Runs `callback` once, `delayMs` from now (a negative delay means as soon as possible). */
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
}

const timeOrigin = performance.timeOrigin;

/**
 * The real clock: monotonic milliseconds (`performance.timeOrigin + performance.now()`,
 * so a wall-clock step by NTP cannot stall or rush delayed work) and Node's timers.
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
