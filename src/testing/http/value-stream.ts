import type { JsonStream } from "../../runtime/client/transport.js";
import { abortError, TransportError } from "../../runtime/client/transport-error.js";

/** What {@link ValueStream} takes. */
export interface ValueStreamOptions {
  /** The stream's path, for error messages. */
  readonly path: string;
  /** Silence longer than this (while the consumer waits) fails the stream with a `read-timeout` TransportError. */
  readonly readTimeoutMs: number;
  /** Aborting fails the iteration with the abort reason. */
  readonly signal?: AbortSignal | undefined;
  /** Runs once when the stream is over, however it ended (the producer stops here). */
  readonly onClose: () => void;
}

/**
 * A {@link JsonStream} fed by pushes instead of a socket, with the HTTP stream's contract:
 * iterated once; `close()` ends a running iteration without error; an abort, a broken
 * producer or silence longer than the read timeout (not counting the consumer's own time)
 * fail it with the same errors the HTTP transport throws.
 */
export class ValueStream implements JsonStream {
  readonly #options: ValueStreamOptions;
  readonly #buffer: unknown[] = [];
  #ended = false;
  #endError: Error | undefined;
  #closed = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #started = false;
  #finished = false;
  #consumerBusy = false;
  readonly #timer: NodeJS.Timeout;
  readonly #onAbort: () => void;

  constructor(options: ValueStreamOptions) {
    this.#options = options;
    this.#timer = setTimeout(() => this.#silent(), options.readTimeoutMs);
    this.#timer.unref();
    this.#onAbort = () => this.fail(abortError(options.signal!));
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Adds a value for the consumer. */
  push(value: unknown): void {
    if (this.#ended || this.#error) return;
    this.#buffer.push(value);
    this.#timer.refresh();
    this.#notify();
  }

  /**
   * The producer is done: the iteration ends after the buffered values, with `error` when
   * given (a broken connection still delivers what it had received).
   */
  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endError = error;
    this.#notify();
  }

  /** Fails the iteration at once (buffered values are dropped), as an abort or a timeout does. */
  fail(error: Error): void {
    if (this.#error || this.#closed) return;
    this.#error = error;
    this.#buffer.length = 0;
    this.#notify();
    this.#finish();
  }

  close(): void {
    this.#closed = true;
    this.#notify();
    this.#finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    if (this.#started) throw new Error("a JsonStream can be iterated only once");
    this.#started = true;
    return this.#iterate();
  }

  async *#iterate(): AsyncGenerator<unknown> {
    try {
      for (;;) {
        if (this.#closed) return;
        if (this.#error) throw this.#error;
        if (this.#buffer.length > 0) {
          this.#consumerBusy = true;
          try {
            yield this.#buffer.shift();
          } finally {
            this.#consumerBusy = false;
            this.#timer.refresh();
          }
          continue;
        }
        if (this.#ended) {
          if (this.#endError) throw this.#endError;
          return;
        }
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      this.#finish();
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #silent(): void {
    if (this.#consumerBusy) return void this.#timer.refresh();
    const { path, readTimeoutMs } = this.#options;
    this.fail(new TransportError("read-timeout", "GET", path, `stream silent for ${readTimeoutMs} ms`));
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#options.onClose();
  }
}
