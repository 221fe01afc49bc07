import type { JsonStream, StreamRequest, Transport, TransportRequest } from "../../runtime/client/transport.js";
import { encodeQuery } from "../../runtime/client/transport.js";
import { abortError, apiErrorFromResponse, TransportError } from "../../runtime/client/transport-error.js";
import { clone } from "../store/json.js";
import type { ApiAnswer, ApiRequest, WatchConnection } from "./api-handler.js";
import type { RequestBody } from "./resource-handler.js";
import type { TestApiServer } from "./test-api-server.js";
import { ValueStream } from "./value-stream.js";

/** What {@link InMemoryTransport} takes; the same defaults as `HttpTransport`. */
export interface InMemoryTransportOptions {
  /** The `User-Agent` (up to its first "/", the field manager of writes that name none). Default `kubebuilder-ts`. */
  readonly userAgent?: string | undefined;
  /** Time allowed for a whole request/response exchange (default 60,000 ms). */
  readonly requestTimeoutMs?: number | undefined;
  /** Default silence allowed on a stream (default 300,000 ms). */
  readonly readTimeoutMs?: number | undefined;
}

const BASE = "http://127.0.0.1";

/**
 * The runtime's `Transport` served straight by a {@link TestApiServer}: no socket, no JSON
 * text. Every request is answered by the same handler as over HTTP (faults, discovery,
 * the store, watches), and what crosses is copied exactly as a JSON round trip would copy
 * it, so the same requests get the same answers, errors and events; a dropped watch ends,
 * an abrupt drop breaks the stream, timeouts and aborts fail as `HttpTransport`'s do.
 *
 * It is for tests and benchmarks that want the API server's semantics without the cost of
 * HTTP on loopback; tests of the HTTP path itself (TLS, headers, proxies) need HTTP.
 * @example
 * ```ts
 * const env = await startTestEnv({ crdDirectoryPaths: ["config/crd/bases"] });
 * const mgr = new Manager({ kubeConfig: env.kubeConfig, transport: new InMemoryTransport(env.server) });
 * ```
 */
export class InMemoryTransport implements Transport {
  readonly #server: TestApiServer;
  readonly #userAgent: string;
  readonly #requestTimeoutMs: number;
  readonly #readTimeoutMs: number;
  readonly #streams = new Set<ValueStream>();

  constructor(server: TestApiServer, options: InMemoryTransportOptions = {}) {
    this.#server = server;
    this.#userAgent = options.userAgent ?? "kubebuilder-ts";
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#readTimeoutMs = options.readTimeoutMs ?? 300_000;
  }

  async request<T = unknown>(req: TransportRequest): Promise<T> {
    const { method, path, signal } = req;
    if (signal?.aborted) throw abortError(signal);
    const timeoutMs = req.timeoutMs ?? this.#requestTimeoutMs;
    const request = this.#apiRequest(method, path, req.query, req.contentType, method === "GET" ? "" : bodyOf(req.body));
    const answer = await settleWithin(
      this.#serve(request, method, () => {
        throw new Error("a watch needs Transport.stream, not Transport.request");
      }),
      timeoutMs,
      () => new TransportError("timeout", method, path, `no complete answer within ${timeoutMs} ms`),
      signal,
      (late) => stopWatch(late),
    );
    // Answer in a later turn of the event loop, as a socket would: the watch events this
    // request caused reach their streams' consumers first, as they do over HTTP.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return valueOf(answer, method, path) as T;
  }

  async stream(req: StreamRequest): Promise<JsonStream> {
    const { path, signal } = req;
    if (signal?.aborted) throw abortError(signal);
    const readTimeoutMs = req.readTimeoutMs ?? this.#readTimeoutMs;
    let stream: ValueStream | undefined;
    let stopped = false;
    const open = (): ValueStream => {
      const s = new ValueStream({
        path,
        readTimeoutMs,
        signal,
        onClose: () => {
          this.#streams.delete(s);
          stopped = true;
          stopHandle?.();
        },
      });
      this.#streams.add(s);
      return s;
    };
    let stopHandle: (() => void) | undefined;
    const connection: WatchConnection = {
      event: (e) => stream!.push(clone({ type: e.type, object: e.object })),
      end: () => stream!.end(),
      break: () => stream!.end(new TransportError("connection", "GET", path, "the connection was closed (connection reset)")),
    };
    const answer = await settleWithin(
      this.#serve(this.#apiRequest("GET", path, req.query, undefined, ""), "GET", () => {
        stream = open();
        return connection;
      }),
      readTimeoutMs,
      () => new TransportError("read-timeout", "GET", path, `no answer for ${readTimeoutMs} ms`),
      signal,
      (late) => stopWatch(late),
    ).catch((error: unknown) => {
      stream?.close();
      throw error;
    });
    if (answer.kind === "watch") {
      stopHandle = () => answer.handle.stop();
      if (stopped) answer.handle.stop();
      return stream!;
    }
    // Not a watch: the single answer, as a stream of one value (or its error).
    const value = valueOf(answer, "GET", path);
    const single = open();
    if (value !== undefined) single.push(value);
    single.end();
    return single;
  }

  /** Breaks every open stream, as closing the HTTP transport's connections does. */
  close(): void {
    for (const s of [...this.#streams]) s.fail(new TransportError("connection", "GET", "", "the transport was closed"));
  }

  /** The server's answer; a stopped server fails as a refused connection does. */
  #serve(request: ApiRequest, method: string, connect: () => WatchConnection): Promise<ApiAnswer> {
    return this.#server.serve(request, connect).catch((error: unknown) => {
      throw new TransportError("connection", method, request.pathname, error instanceof Error ? error.message : String(error), { cause: error });
    });
  }

  #apiRequest(method: string, path: string, query: TransportRequest["query"], contentType: string | undefined, body: RequestBody): ApiRequest {
    const qs = encodeQuery(query);
    const url = new URL(`${path}${qs ? `?${qs}` : ""}`, BASE);
    return { method, pathname: url.pathname, query: url.searchParams, contentType: contentType ?? "application/json", userAgent: this.#userAgent, body };
  }
}

/** The body as the server would decode it: text as is, a value as a copy of its JSON. */
function bodyOf(body: unknown): RequestBody {
  if (body === undefined) return "";
  if (typeof body === "string") return body;
  return { value: clone(body) };
}

/** What `HttpTransport` makes of the same answer: a copy of the JSON, or the error it would throw. */
function valueOf(answer: ApiAnswer, method: string, path: string): unknown {
  switch (answer.kind) {
    case "json":
      if (answer.status < 200 || answer.status >= 300) throw apiErrorFromResponse(answer.status, JSON.stringify(answer.body), method, path);
      return clone(answer.body);
    case "text":
      if (answer.status < 200 || answer.status >= 300) throw apiErrorFromResponse(answer.status, answer.text, method, path);
      if (answer.text.trim().length === 0) return undefined;
      try {
        return JSON.parse(answer.text) as unknown;
      } catch (error) {
        throw new TransportError("invalid-response", method, path, `answer is not JSON: ${answer.text.slice(0, 200)}`, { cause: error });
      }
    case "raw": {
      const text = typeof answer.body === "string" ? answer.body : Buffer.from(answer.body).toString("utf8");
      if (answer.status < 200 || answer.status >= 300) throw apiErrorFromResponse(answer.status, text, method, path);
      if (answer.contentType !== "application/json") throw new TransportError("invalid-response", method, path, `answer is not JSON but ${answer.contentType}`);
      return JSON.parse(text) as unknown;
    }
    case "watch":
      answer.handle.stop();
      throw new TransportError("invalid-response", method, path, "a watch answered a plain request");
    default: {
      const never: never = answer;
      throw new Error(`unknown answer ${JSON.stringify(never)}`);
    }
  }
}

function stopWatch(answer: ApiAnswer): void {
  if (answer.kind === "watch") answer.handle.stop();
}

/**
 * Waits for `answer`, failing after `timeoutMs` or when `signal` aborts; an answer that
 * arrives after that goes to `late` (a watch started too late is stopped there).
 */
function settleWithin(
  answer: Promise<ApiAnswer>,
  timeoutMs: number,
  onTimeout: () => Error,
  signal: AbortSignal | undefined,
  late: (answer: ApiAnswer) => void,
): Promise<ApiAnswer> {
  return new Promise<ApiAnswer>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs);
    timer.unref();
    const onAbort = (): void => void finish(() => reject(abortError(signal!)));
    signal?.addEventListener("abort", onAbort, { once: true });
    function finish(settle: () => void): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
      return true;
    }
    answer.then(
      (a) => {
        if (!finish(() => resolve(a))) late(a);
      },
      (error: unknown) => finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}
