import type { JsonStream, StreamRequest, Transport, TransportRequest } from "../client/transport.js";
import { abortError, TransportError } from "../client/transport-error.js";

/**
 * The manager's way to the API server: a {@link Transport} that keeps track of every request
 * and stream the manager and its clients have in flight, so that stopping the manager ends
 * them whoever owns the transport underneath, and refuses those that come later (a
 * reconciler still running after the graceful shutdown timeout, an event recorded late).
 * Nothing the manager opened outlives it.
 *
 * A stopped request fails at once with an `AbortError` ("the manager stopped"), even when the
 * transport underneath ignores its signal; a later one with a `connection` {@link TransportError}.
 * @example
 * ```ts
 * const transport = new ManagerTransport(new HttpTransport({ kubeConfig }), { owned: true });
 * const client = new ApiClient(transport);
 * // ... on shutdown:
 * transport.close(); // ends what is in flight, then closes the HTTP transport's connections
 * ```
 */
export class ManagerTransport implements Transport {
  readonly #inner: Transport;
  readonly #owned: boolean;
  readonly #inFlight = new Set<AbortController>();
  #closed = false;

  constructor(
    inner: Transport,
    options: {
      /** Whether {@link close} also closes `inner` (the manager made it). */
      readonly owned: boolean;
    },
  ) {
    this.#inner = inner;
    this.#owned = options.owned;
  }

  /** How many requests and streams are open now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  async request<T = unknown>(req: TransportRequest): Promise<T> {
    const op = this.#begin(req.method, req.path, req.signal);
    try {
      return await untilAborted(this.#inner.request<T>({ ...req, signal: op.signal }), op.signal);
    } finally {
      op.end();
    }
  }

  async stream(req: StreamRequest): Promise<JsonStream> {
    const op = this.#begin("GET", req.path, req.signal);
    let inner: JsonStream;
    try {
      inner = await untilAborted(this.#inner.stream({ ...req, signal: op.signal }), op.signal, (late) => late.close());
    } catch (error) {
      op.end();
      throw error;
    }
    // A stream whose transport ignored the abort still ends.
    op.signal.addEventListener("abort", () => inner.close(), { once: true });
    let started = false;
    async function* iterate(): AsyncGenerator<unknown> {
      try {
        yield* inner;
      } finally {
        op.end();
      }
    }
    return {
      [Symbol.asyncIterator]() {
        if (started) throw new Error("a JsonStream can be iterated only once");
        started = true;
        return iterate();
      },
      close() {
        inner.close();
        op.end();
      },
    };
  }

  /**
   * Ends every request and stream in flight, refuses those that come later, and closes the
   * transport underneath when the manager made it (its kept-alive connections). Idempotent.
   */
  close(): void {
    if (!this.#closed) {
      this.#closed = true;
      const reason = new Error("the manager stopped");
      reason.name = "AbortError";
      for (const op of [...this.#inFlight]) op.abort(reason);
      this.#inFlight.clear();
    }
    if (this.#owned) this.#inner.close();
  }

  /** Registers one request: its own signal, aborted by the caller's or by {@link close}. */
  #begin(method: string, path: string, signal: AbortSignal | undefined): { signal: AbortSignal; end(): void } {
    if (this.#closed) {
      throw new TransportError("connection", method, path, "the manager stopped: its clients no longer reach the API server");
    }
    if (signal?.aborted) throw abortError(signal);
    const op = new AbortController();
    const onAbort = (): void => op.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#inFlight.add(op);
    return {
      signal: op.signal,
      end: () => {
        signal?.removeEventListener("abort", onAbort);
        this.#inFlight.delete(op);
      },
    };
  }
}

/**
 * `promise`, or the abort error as soon as `signal` aborts (a transport that ignores its
 * signal cannot hold up a shutdown); a value that arrives after that goes to `late`.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, late?: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    promise.then(late, () => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      settled = true;
      reject(abortError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (settled) late?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (!settled) reject(error);
      },
    );
  });
}
