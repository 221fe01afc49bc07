import type { Clock, ClockTimer } from "./clock.js";

interface FakeTimer {
  readonly dueAt: number;
  /** Creation order: timers due at the same time run in the order they were set. */
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** How many callbacks one {@link FakeClock.advance} may run before it decides it is looping. */
const MAX_FIRINGS_PER_ADVANCE = 1_000_000;

/**
 * Lets the code woken by a timer run up to its next wait: a few turns of the microtask
 * queue, then one turn of the event loop.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when told to, for tests: `advance(ms)` runs the callbacks that
 * fall due, in due order, each seeing `now()` equal to its due time.
 *
 * Callbacks run synchronously inside `advance`; code that reacts through promises needs a
 * turn of the microtask queue afterwards (`await Promise.resolve()`, or a few).
 * {@link advanceAsync} does that between callbacks, for async code that sleeps, wakes and
 * sleeps again (a watcher's backoff, an informer's resync).
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const queue = new WorkQueue({ clock });
 * queue.addAfter("default/a", 1_000);
 * clock.advance(999);  // queue.len === 0
 * clock.advance(1);    // queue.len === 1
 * await clock.advanceAsync(800); // timers fire one by one, woken code runs after each
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];

  /** @param startMs the initial `now()` (default 0). */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const timer: FakeTimer = {
      dueAt: this.#now + Math.max(0, Number.isFinite(delayMs) ? delayMs : 0),
      seq: this.#seq++,
      callback,
      cancelled: false,
    };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
        const i = this.#timers.indexOf(timer);
        if (i >= 0) this.#timers.splice(i, 1);
      },
    };
  }

  /** How many callbacks are scheduled and not yet run or cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** When the next callback falls due, or `undefined` when none is scheduled. */
  nextDueAt(): number | undefined {
    return this.#next()?.dueAt;
  }

  /** The time `ms` from now, after checking `ms` is a finite number ≥ 0. */
  #target(method: string, ms: number): number {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(`FakeClock.${method}: expected a finite number of milliseconds ≥ 0, got ${ms}`);
    }
    return this.#now + ms;
  }

  /** Runs the earliest callback due by `target`, if there is one; `fired` counts those run so far. */
  #fireNext(method: string, target: number, fired: number): boolean {
    const next = this.#next();
    if (next === undefined || next.dueAt > target) return false;
    if (fired >= MAX_FIRINGS_PER_ADVANCE) {
      throw new Error(
        `FakeClock.${method}: more than ${MAX_FIRINGS_PER_ADVANCE} callbacks fell due; a timer keeps rescheduling itself at no delay`,
      );
    }
    this.#timers.splice(this.#timers.indexOf(next), 1);
    this.#now = Math.max(this.#now, next.dueAt);
    next.callback();
    return true;
  }

  /**
   * Moves time forward by `ms` (≥ 0), running every callback that falls due on the way,
   * including ones scheduled by those callbacks. Returns how many ran.
   */
  advance(ms: number): number {
    const target = this.#target("advance", ms);
    let fired = 0;
    while (this.#fireNext("advance", target, fired)) fired++;
    this.#now = target;
    return fired;
  }

  /**
   * Like {@link advance}, but lets the code woken by each callback run (microtasks, then a
   * turn of the event loop) before the next falls due, and once more at the end; so timers
   * that the woken code sets on the way fire too when they fall due. Resolves how many ran.
   */
  async advanceAsync(ms: number): Promise<number> {
    const target = this.#target("advanceAsync", ms);
    let fired = 0;
    while (this.#fireNext("advanceAsync", target, fired)) {
      fired++;
      await settle();
    }
    this.#now = target;
    await settle();
    return fired;
  }

  #next(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers) {
      if (best === undefined || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
