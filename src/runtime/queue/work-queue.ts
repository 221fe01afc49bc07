import { realClock, type Clock, type ClockTimer } from "../clock/index.js";
import { DelayHeap } from "./delay-heap.js";
import { NOOP_QUEUE_METRICS, type QueueMetrics } from "./queue-metrics.js";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate-limiter.js";
import { Item, newEntry, type Entry, type QueueItem } from "./queue-item.js";
import { RingBuffer } from "./ring-buffer.js";

/** What {@link WorkQueue} takes. Every option has a default. */
export interface WorkQueueOptions<K = string> {
  /** The queue's name, for logs (metrics carry theirs in {@link QueueMetrics}). Default "". */
  readonly name?: string;
  /** Time and timers (default: the real clock). Tests pass a {@link FakeClock}. */
  readonly clock?: Clock;
  /** Used by `addRateLimited`, `forget` and `numRequeues`. Default: {@link defaultControllerRateLimiter} on `clock`. */
  readonly rateLimiter?: RateLimiter<K>;
  /** Default: {@link NOOP_QUEUE_METRICS}, which records nothing and costs nothing. */
  readonly metrics?: QueueMetrics;
  /** How often the unfinished-work metrics are updated, in ms (default 500, as client-go). */
  readonly unfinishedWorkUpdatePeriodMs?: number;
}

/** What {@link WorkQueue.shutDown} and {@link WorkQueue.shutDownWithDrain} take. */
export interface ShutDownOptions {
  /**
   * Drop the keys still waiting (and forget that keys being processed were added again),
   * so that `get` resolves `undefined` at once and only in-flight work finishes. Default
   * false: as client-go, workers keep getting the keys already queued until none is left.
   */
  readonly discardQueued?: boolean;
}

const DEFAULT_UNFINISHED_WORK_UPDATE_PERIOD_MS = 500;

/**
 * client-go's rate-limited, delaying, de-duplicating work queue, for async workers:
 *
 * - a key is queued at most once however many times it is added;
 * - a key is never handed to two workers at once: added while it is being processed, it
 *   is queued once more when `done` is called;
 * - `addAfter` delays an add, keeping the earliest due time when a key is delayed twice;
 * - `addRateLimited` delays by the rate limiter's backoff, `forget` resets it.
 *
 * Keys are compared as `Map` keys (strings by value, objects by identity). Every operation
 * is O(1) but delayed adds, which are O(log n).
 *
 * @example
 * ```ts
 * const queue = new WorkQueue<string>({ name: "cronjob" });
 * async function worker(): Promise<void> {
 *   for (let item = await queue.get(); item !== undefined; item = await queue.get()) {
 *     try {
 *       const result = await reconcile(item.key);
 *       queue.forget(item.key);
 *       if (result.requeueAfter) queue.addAfter(item.key, result.requeueAfter);
 *     } catch {
 *       queue.addRateLimited(item.key);
 *     } finally {
 *       item.done();
 *     }
 *   }
 * }
 * ```
 */
export class WorkQueue<K = string> {
  /** The name given in the options. */
  readonly name: string;
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter<K>;
  readonly #metrics: QueueMetrics;
  /** Whether metrics are recorded; when not, the clock is never read for them. */
  readonly #metricsOn: boolean;
  readonly #unfinishedWorkUpdatePeriodMs: number;

  readonly #entries = new Map<K, Entry<K>>();
  /** Dirty keys not being processed, in the order they became dirty. */
  readonly #ready = new RingBuffer<Entry<K>>();
  readonly #delayed = new DelayHeap<Entry<K>>();
  /** Workers waiting in `get`; only ever non-empty while `#ready` is empty. */
  readonly #waiters = new RingBuffer<(item: QueueItem<K> | undefined) => void>();
  /** In-flight entries, kept only when metrics are on (for the unfinished-work metrics). */
  readonly #inFlight = new Set<Entry<K>>();
  #dirtyCount = 0;
  #processingCount = 0;
  #nextToken = 1;
  #shuttingDown = false;
  #drainResolvers: (() => void)[] = [];
  #timer: ClockTimer | undefined;
  #timerDueAt = Infinity;
  #metricsTimer: ClockTimer | undefined;

  /** What an item's `done()` calls: finishes the entry unless the item is stale. */
  readonly #finishItem = (entry: Entry<K>, token: number): void => {
    if (entry.processing && entry.token === token) this.#finish(entry);
  };

  constructor(options: WorkQueueOptions<K> = {}) {
    this.name = options.name ?? "";
    this.#clock = options.clock ?? realClock;
    this.#rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(this.#clock);
    this.#metrics = options.metrics ?? NOOP_QUEUE_METRICS;
    this.#metricsOn = this.#metrics !== NOOP_QUEUE_METRICS;
    const period = options.unfinishedWorkUpdatePeriodMs ?? DEFAULT_UNFINISHED_WORK_UPDATE_PERIOD_MS;
    if (!(period > 0) || !Number.isFinite(period)) {
      throw new RangeError(`WorkQueue: expected unfinishedWorkUpdatePeriodMs to be a finite number > 0, got ${period}`);
    }
    this.#unfinishedWorkUpdatePeriodMs = period;
    if (this.#metricsOn) this.#scheduleUnfinishedWorkUpdate();
  }

  /** How many keys are ready to be handed out now (not counting delayed or in-flight ones). */
  get len(): number {
    return this.#ready.length;
  }

  /** Whether `shutDown` or `shutDownWithDrain` was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** How many keys are being processed (handed out and not done). */
  get inFlight(): number {
    return this.#processingCount;
  }

  /**
   * Marks `key` as needing processing. A no-op when it is already waiting; when it is being
   * processed, it is queued again once `done` is called. Ignored after shutdown.
   */
  add(key: K): void {
    if (this.#shuttingDown) return;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = newEntry(key);
      this.#entries.set(key, entry);
    } else if (entry.dirty) {
      return;
    }
    this.#markDirty(entry);
  }

  /**
   * Adds `key` once `delayMs` have passed (at once when `delayMs` ≤ 0). When the key is
   * already delayed, the earlier due time wins. A delayed key is not pending: an `add`
   * meanwhile queues it at once, and the delayed add still happens later. Ignored after
   * shutdown; delayed keys are dropped at shutdown.
   */
  addAfter(key: K, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (Number.isNaN(delayMs) || delayMs === Infinity) {
      throw new RangeError(`WorkQueue.addAfter: expected a finite delay in milliseconds, got ${delayMs}`);
    }
    this.#metrics.incRetries();
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.#clock.now() + delayMs;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = newEntry(key);
      this.#entries.set(key, entry);
    }
    if (entry.heapIndex < 0) {
      entry.readyAt = readyAt;
      this.#delayed.push(entry);
    } else if (readyAt < entry.readyAt) {
      this.#delayed.decrease(entry, readyAt);
    } else {
      return;
    }
    this.#armTimer();
  }

  /** Adds `key` after the rate limiter's delay for it (which counts one more failure). Ignored after shutdown. */
  addRateLimited(key: K): void {
    if (this.#shuttingDown) return;
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  /** Resets `key`'s backoff in the rate limiter. Call it when the key was processed successfully. */
  forget(key: K): void {
    this.#rateLimiter.forget(key);
  }

  /** How many rate-limited adds `key` has had since it was last forgotten. */
  numRequeues(key: K): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * Resolves with the next key to process, waiting until one is ready; the key is then
   * in flight until its `done()`. Resolves `undefined` once the queue is shut down and no
   * key is left to hand out: the worker should stop. Waiting workers are served first come,
   * first served.
   */
  get(): Promise<QueueItem<K> | undefined> {
    const entry = this.#ready.shift();
    if (entry !== undefined) return Promise.resolve(this.#start(entry));
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * The synchronous `get`: the next ready key, or `undefined` when none is ready now (see
   * `shuttingDown` to tell whether one may come). For batch consumers and benchmarks.
   */
  tryGet(): QueueItem<K> | undefined {
    const entry = this.#ready.shift();
    return entry === undefined ? undefined : this.#start(entry);
  }

  /** Marks `key` as processed (see {@link QueueItem.done}). A no-op when `key` is not in flight. */
  done(key: K): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.processing) this.#finish(entry);
  }

  /**
   * Stops the queue: later adds are ignored and delayed keys are dropped. Keys already
   * queued are still handed out (unless `discardQueued`), after which `get` resolves
   * `undefined`. Also ends the wait of an earlier `shutDownWithDrain`. Idempotent.
   */
  shutDown(options: ShutDownOptions = {}): void {
    this.#beginShutDown(options);
    this.#resolveDrains();
  }

  /**
   * Shuts down as {@link shutDown}, then resolves once every key has been processed: none
   * in flight and none left to hand out. Workers must keep calling `get` and `done` for it
   * to resolve; a later `shutDown()` makes it resolve at once.
   */
  shutDownWithDrain(options: ShutDownOptions = {}): Promise<void> {
    this.#beginShutDown(options);
    if (this.#drained()) return Promise.resolve();
    return new Promise((resolve) => this.#drainResolvers.push(resolve));
  }

  #markDirty(entry: Entry<K>): void {
    entry.dirty = true;
    this.#dirtyCount++;
    if (this.#metricsOn) {
      entry.addedAt = this.#clock.now();
      this.#metrics.incAdds();
      this.#metrics.setDepth(this.#dirtyCount);
    }
    if (!entry.processing) this.#enqueue(entry);
  }

  #enqueue(entry: Entry<K>): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#ready.push(entry);
    else waiter(this.#start(entry));
  }

  #start(entry: Entry<K>): QueueItem<K> {
    entry.dirty = false;
    this.#dirtyCount--;
    entry.processing = true;
    this.#processingCount++;
    const token = this.#nextToken++;
    entry.token = token;
    if (this.#metricsOn) {
      const now = this.#clock.now();
      entry.startedAt = now;
      this.#inFlight.add(entry);
      this.#metrics.setDepth(this.#dirtyCount);
      this.#metrics.observeQueueDuration((now - entry.addedAt) / 1000);
    }
    return new Item(this.#finishItem, entry, token);
  }

  #finish(entry: Entry<K>): void {
    entry.processing = false;
    this.#processingCount--;
    if (this.#metricsOn) {
      this.#inFlight.delete(entry);
      this.#metrics.observeWorkDuration((this.#clock.now() - entry.startedAt) / 1000);
    }
    if (entry.dirty) this.#enqueue(entry);
    else if (entry.heapIndex < 0) this.#entries.delete(entry.key);
    if (this.#drainResolvers.length > 0 && this.#drained()) this.#resolveDrains();
  }

  /** (Re)arms the one timer so that it fires when the earliest delayed key falls due. */
  #armTimer(): void {
    const top = this.#delayed.peek();
    if (top === undefined || (this.#timer !== undefined && this.#timerDueAt <= top.readyAt)) return;
    this.#timer?.cancel();
    this.#timerDueAt = top.readyAt;
    this.#timer = this.#clock.setTimeout(this.#onTimer, top.readyAt - this.#clock.now());
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerDueAt = Infinity;
    if (this.#shuttingDown) return;
    const now = this.#clock.now();
    for (let top = this.#delayed.peek(); top !== undefined && top.readyAt <= now; top = this.#delayed.peek()) {
      this.#delayed.pop();
      if (!top.dirty) this.#markDirty(top);
    }
    this.#armTimer();
  };

  #scheduleUnfinishedWorkUpdate(): void {
    this.#metricsTimer = this.#clock.setTimeout(() => {
      if (this.#shuttingDown) return;
      this.#updateUnfinishedWork();
      this.#scheduleUnfinishedWorkUpdate();
    }, this.#unfinishedWorkUpdatePeriodMs);
    this.#metricsTimer.unref?.();
  }

  #updateUnfinishedWork(): void {
    const now = this.#clock.now();
    let total = 0;
    let longest = 0;
    for (const entry of this.#inFlight) {
      const age = (now - entry.startedAt) / 1000;
      total += age;
      if (age > longest) longest = age;
    }
    this.#metrics.setUnfinishedWorkSeconds(total);
    this.#metrics.setLongestRunningProcessorSeconds(longest);
  }

  #beginShutDown(options: ShutDownOptions): void {
    if (!this.#shuttingDown) {
      this.#shuttingDown = true;
      this.#timer?.cancel();
      this.#timer = undefined;
      this.#metricsTimer?.cancel();
      this.#metricsTimer = undefined;
      this.#delayed.clear((entry) => {
        if (!entry.dirty && !entry.processing) this.#entries.delete(entry.key);
      });
      // Waiters exist only while nothing is ready, so they all learn that nothing will come.
      this.#waiters.drain((waiter) => waiter(undefined));
    }
    if (options.discardQueued === true && this.#dirtyCount > 0) {
      this.#ready.drain(() => {});
      for (const entry of this.#entries.values()) {
        entry.dirty = false;
        if (!entry.processing) this.#entries.delete(entry.key);
      }
      this.#dirtyCount = 0;
      if (this.#metricsOn) this.#metrics.setDepth(0);
    }
  }

  #drained(): boolean {
    return this.#processingCount === 0 && this.#ready.length === 0;
  }

  #resolveDrains(): void {
    const resolvers = this.#drainResolvers;
    if (resolvers.length === 0) return;
    this.#drainResolvers = [];
    for (const resolve of resolvers) resolve();
  }
}
