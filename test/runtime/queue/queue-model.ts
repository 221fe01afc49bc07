/**
 * A plain reference model of client-go's rate-limited delaying queue (dirty set,
 * processing set, FIFO, delayed keys with their earliest due time), for the property
 * test. Written for clarity, not speed. Not a test file.
 */
export class QueueModel {
  readonly dirty = new Set<string>();
  readonly processing = new Set<string>();
  readonly fifo: string[] = [];
  /** Due time, and the order in which due times were set (ties come out in that order). */
  readonly delayed = new Map<string, { at: number; seq: number }>();
  #seq = 0;
  readonly failures = new Map<string, number>();
  /** Keys handed to workers waiting in `get`, in order. */
  readonly handedToWaiters: (string | undefined)[] = [];
  waiters = 0;
  shut = false;

  /** @param backoff the rate limiter's delay for a key's n-th failure in a row (from 0). */
  constructor(private readonly backoff: (key: string, failures: number) => number) {}

  add(key: string): void {
    if (this.shut || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (!this.processing.has(key)) this.#enqueue(key);
  }

  addAfter(key: string, delayMs: number, now: number): void {
    if (this.shut) return;
    if (delayMs <= 0) return this.add(key);
    const readyAt = now + delayMs;
    const current = this.delayed.get(key);
    if (current === undefined || readyAt < current.at) this.delayed.set(key, { at: readyAt, seq: this.#seq++ });
  }

  addRateLimited(key: string, now: number): void {
    if (this.shut) return;
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, this.backoff(key, n), now);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  /** A synchronous get: the next key, or undefined. */
  tryGet(): string | undefined {
    const key = this.fifo.shift();
    if (key !== undefined) this.#start(key);
    return key;
  }

  /** An async get: the key handed at once, "wait" when it must wait, undefined after shutdown. */
  get(): string | undefined | "wait" {
    const key = this.tryGet();
    if (key !== undefined || this.shut) return key;
    this.waiters++;
    return "wait";
  }

  done(key: string): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) this.#enqueue(key);
  }

  /** Time moved to `now`: delayed keys due by then are added, earliest first. */
  advanceTo(now: number): void {
    if (this.shut) return;
    const due = [...this.delayed].filter(([, d]) => d.at <= now).sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq);
    for (const [key] of due) {
      this.delayed.delete(key);
      this.add(key);
    }
  }

  shutDown(discardQueued: boolean): void {
    if (!this.shut) {
      this.shut = true;
      this.delayed.clear();
      for (; this.waiters > 0; this.waiters--) this.handedToWaiters.push(undefined);
    }
    if (discardQueued) {
      this.fifo.length = 0;
      this.dirty.clear();
    }
  }

  #enqueue(key: string): void {
    if (this.waiters > 0) {
      this.waiters--;
      this.#start(key);
      this.handedToWaiters.push(key);
    } else {
      this.fifo.push(key);
    }
  }

  #start(key: string): void {
    this.dirty.delete(key);
    this.processing.add(key);
  }
}
