import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { JsonLineDecoder } from "./json-lines.js";
import { ApiError } from "../errors.js";
import { KubeConfigCredentials } from "./kube-credentials.js";
import { abortError, apiErrorFromResponse, TransportError } from "./transport-error.js";

/** Query parameters; `undefined` values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** One request/response exchange with the API server. */
export interface TransportRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The API path, e.g. `/api/v1/namespaces/default/configmaps`. */
  readonly path: string;
  readonly query?: Query | undefined;
  /** Sent as JSON (a string is sent as is). */
  readonly body?: unknown;
  /** The body's content type (default `application/json`). */
  readonly contentType?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Overrides the transport's request timeout. */
  readonly timeoutMs?: number | undefined;
}

/** A long-lived GET whose answer is newline-delimited JSON (a watch). */
export interface StreamRequest {
  readonly path: string;
  readonly query?: Query | undefined;
  /** Aborting closes the connection; iteration then throws the abort reason. */
  readonly signal?: AbortSignal | undefined;
  /** Silence longer than this (no header, no byte) is a dead connection. Overrides the transport's. */
  readonly readTimeoutMs?: number | undefined;
}

/** The values of a newline-delimited JSON answer, as they arrive. Iterate it once. */
export interface JsonStream extends AsyncIterable<unknown> {
  /** Closes the connection; a running iteration ends without error. */
  close(): void;
}

/**
 * How the runtime talks to the API server. {@link HttpTransport} is the real one; tests may
 * pass their own.
 */
export interface Transport {
  /** Resolves with the parsed JSON answer (`undefined` for an empty one); rejects with an `ApiError` or a {@link TransportError}. */
  request<T = unknown>(req: TransportRequest): Promise<T>;
  /**
   * Starts a stream. Resolves once the answer's headers arrived with a 2xx status; an error
   * status rejects with an `ApiError` (a watch started at an expired resourceVersion gives 410).
   */
  stream(req: StreamRequest): Promise<JsonStream>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

/** What {@link HttpTransport} takes. */
export interface HttpTransportOptions {
  /** Configuration and authentication: the current context's cluster and user. */
  readonly kubeConfig: KubeConfig;
  /** The `User-Agent` header (default `kubebuilder-ts`). */
  readonly userAgent?: string;
  /** Time allowed for a whole request/response exchange (default 60,000 ms). */
  readonly requestTimeoutMs?: number;
  /** Default silence allowed on a stream (default 300,000 ms). */
  readonly readTimeoutMs?: number;
  /**
   * How long credentials read from the kubeconfig (certificate and token files, exec and
   * OIDC plugins) are reused before it is asked again, in ms (default 10,000; 0 asks on
   * every request). A 401 answer drops them at once and the request is retried once.
   */
  readonly credentialsTtlMs?: number;
}

interface Prepared {
  readonly options: http.RequestOptions;
  readonly module: typeof http | typeof https;
  /** Whether the credentials came from the cache (a 401 is then worth one retry). */
  readonly cached: boolean;
}

/**
 * Requests to the API server over Node's `http`/`https`, configured and authenticated by a
 * `@kubernetes/client-node` `KubeConfig`: CA, client certificates, bearer tokens, exec and
 * OIDC plugins, impersonation and proxies all come from `kc.applyToHTTPSOptions`. What it
 * gives is reused for `credentialsTtlMs` (it reads certificate and token files on every
 * call), then asked again so rotated tokens are picked up; a 401 asks again at once.
 *
 * Connections are kept alive and reused: one agent per distinct TLS identity (client-node
 * makes a new agent per call, which would open a connection per request). Plain `http://`
 * servers (a local test server) are allowed, as kubectl allows them. A request on a reused
 * connection that the server had just closed is retried once.
 *
 * @example
 * ```ts
 * const kc = new KubeConfig();
 * kc.loadFromDefault();
 * const transport = new HttpTransport({ kubeConfig: kc });
 * const cm = await transport.request({ method: "GET", path: "/api/v1/namespaces/default/configmaps/x" });
 * ```
 */
export class HttpTransport implements Transport {
  readonly #credentials: KubeConfigCredentials;
  readonly #requestTimeoutMs: number;
  readonly #readTimeoutMs: number;

  constructor(options: HttpTransportOptions) {
    this.#credentials = new KubeConfigCredentials(options.kubeConfig, {
      userAgent: options.userAgent ?? "kubebuilder-ts",
      ttlMs: options.credentialsTtlMs ?? 10_000,
    });
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#readTimeoutMs = options.readTimeoutMs ?? 300_000;
  }

  async request<T = unknown>(req: TransportRequest): Promise<T> {
    let prepared = await this.#prepare(req.path, req.query, req.signal);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#requestOnce<T>(req, prepared);
      } catch (error) {
        if (attempt > 0) throw error;
        if (error instanceof StaleSocketError) continue;
        if (!(error instanceof ApiError && error.statusCode === 401 && prepared.cached)) throw error;
        this.#credentials.invalidate();
        prepared = await this.#prepare(req.path, req.query, req.signal);
      }
    }
  }

  async stream(req: StreamRequest): Promise<JsonStream> {
    const { signal } = req;
    const prepared = await this.#prepare(req.path, req.query, signal);
    const readTimeoutMs = req.readTimeoutMs ?? this.#readTimeoutMs;
    const fail = (code: "connection" | "read-timeout", message: string, cause?: unknown): TransportError =>
      new TransportError(code, "GET", req.path, message, { cause });
    return await new Promise<JsonStream>((resolve, reject) => {
      const { request, settle } = openRequest(prepared, "GET", { Accept: "application/json" }, readTimeoutMs, () => fail("read-timeout", `no answer for ${readTimeoutMs} ms`), signal);
      request.on("error", (error) => {
        settle();
        reject(error instanceof TransportError || error.name === "AbortError" ? error : fail("connection", error.message, error));
      });
      request.on("response", (res) => {
        settle();
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          if (status === 401 && prepared.cached) this.#credentials.invalidate();
          readBody(res).then(
            (text) => reject(apiErrorFromResponse(status, text, "GET", req.path)),
            (error: unknown) => reject(fail("connection", String(error), error)),
          );
          return;
        }
        // Errors now surface through the iteration.
        request.on("error", () => undefined);
        resolve(jsonStream(res, readTimeoutMs, signal, req.path));
      });
      request.end();
    });
  }

  close(): void {
    this.#credentials.close();
  }

  async #requestOnce<T>(req: TransportRequest, prepared: Prepared): Promise<T> {
    const { signal, method, path } = req;
    if (signal?.aborted) throw abortError(signal);
    const headers: http.OutgoingHttpHeaders = { Accept: "application/json" };
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = Buffer.byteLength(payload);
    }
    const timeoutMs = req.timeoutMs ?? this.#requestTimeoutMs;
    return await new Promise<T>((resolve, reject) => {
      const { request, settle } = openRequest(
        prepared,
        method,
        headers,
        timeoutMs,
        () => new TransportError("timeout", method, path, `no complete answer within ${timeoutMs} ms`),
        signal,
      );
      let gotResponse = false;
      request.on("error", (error: NodeJS.ErrnoException) => {
        settle();
        if (error instanceof TransportError || error.name === "AbortError") return reject(error);
        if (!gotResponse && request.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE")) {
          return reject(new StaleSocketError());
        }
        reject(new TransportError("connection", method, path, error.message, { cause: error }));
      });
      request.on("response", (res) => {
        gotResponse = true;
        readBody(res).then(
          (text) => {
            settle();
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(apiErrorFromResponse(status, text, method, path));
            if (text.trim().length === 0) return resolve(undefined as T);
            try {
              resolve(JSON.parse(text) as T);
            } catch (error) {
              reject(new TransportError("invalid-response", method, path, `answer is not JSON: ${text.slice(0, 200)}`, { cause: error }));
            }
          },
          (error: unknown) => {
            settle();
            if (error instanceof Error && (error instanceof TransportError || error.name === "AbortError")) return reject(error);
            reject(new TransportError("connection", method, path, String(error), { cause: error }));
          },
        );
      });
      request.end(payload);
    });
  }

  /** Where and how to send one request: the current credentials, the path and the query. */
  async #prepare(path: string, query: Query | undefined, signal: AbortSignal | undefined): Promise<Prepared> {
    if (signal?.aborted) throw abortError(signal);
    const { credentials: c, cached } = await this.#credentials.current();
    const qs = encodeQuery(query);
    return {
      module: c.module,
      cached,
      options: {
        protocol: c.protocol,
        hostname: c.hostname,
        port: c.port,
        path: `${c.basePath}${path}${qs ? `?${qs}` : ""}`,
        headers: c.headers,
        agent: c.agent,
      },
    };
  }
}

/** The request went out on a kept-alive connection the server had just closed: retry once. */
class StaleSocketError extends Error {}

/**
 * Starts a request that is destroyed with `onTimeout()` after `timeoutMs` or when `signal`
 * aborts; `settle` clears both once the request is answered or failed.
 */
function openRequest(
  prepared: Prepared,
  method: string,
  headers: http.OutgoingHttpHeaders,
  timeoutMs: number,
  onTimeout: () => Error,
  signal: AbortSignal | undefined,
): { request: http.ClientRequest; settle: () => void } {
  const options = prepared.options;
  const request = prepared.module.request({ ...options, method, headers: { ...options.headers, ...headers } });
  const timer = setTimeout(() => request.destroy(onTimeout()), timeoutMs);
  timer.unref();
  const onAbort = (): void => void request.destroy(abortError(signal!));
  signal?.addEventListener("abort", onAbort, { once: true });
  const settle = (): void => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  };
  return { request, settle };
}

/** Encodes query parameters, leaving out `undefined` values. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value));
  }
  return params.toString();
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
    res.on("aborted", () => reject(new Error("connection closed before the answer was complete")));
  });
}

function jsonStream(res: http.IncomingMessage, readTimeoutMs: number, signal: AbortSignal | undefined, path: string): JsonStream {
  res.setEncoding("utf8");
  let closed = false;
  let consumerBusy = false;
  let started = false;
  const timer = setTimeout(() => {
    if (consumerBusy) return void timer.refresh();
    res.destroy(new TransportError("read-timeout", "GET", path, `stream silent for ${readTimeoutMs} ms`));
  }, readTimeoutMs);
  timer.unref();
  const onAbort = (): void => void res.destroy(abortError(signal!));
  signal?.addEventListener("abort", onAbort, { once: true });
  const cleanup = (): void => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    res.destroy();
  };
  async function* iterate(): AsyncGenerator<unknown> {
    const decoder = new JsonLineDecoder();
    const parse = (f: () => unknown[]): unknown[] => {
      try {
        return f();
      } catch (error) {
        throw new TransportError("invalid-response", "GET", path, `invalid JSON in stream: ${String(error)}`, { cause: error });
      }
    };
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        timer.refresh();
        for (const value of parse(() => decoder.push(chunk))) {
          consumerBusy = true;
          try {
            yield value;
          } finally {
            consumerBusy = false;
            timer.refresh();
          }
        }
      }
      for (const value of parse(() => decoder.end())) yield value;
    } catch (error) {
      if (closed) return;
      if (error instanceof TransportError || (error instanceof Error && error.name === "AbortError")) throw error;
      throw new TransportError("connection", "GET", path, error instanceof Error ? error.message : String(error), { cause: error });
    } finally {
      cleanup();
    }
  }
  return {
    [Symbol.asyncIterator]() {
      if (started) throw new Error("a JsonStream can be iterated only once");
      started = true;
      return iterate();
    },
    close() {
      closed = true;
      cleanup();
    },
  };
}
