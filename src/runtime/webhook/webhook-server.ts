import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { connect, type TlsOptions } from "node:tls";
import { pino, type Logger } from "pino";
import type { Registry } from "prom-client";
import { realClock, setBackgroundTimeout, type Clock } from "../clock/index.js";
import { WebhookMetrics } from "../metrics/webhook-metrics.js";
import { answerAdmissionReview } from "./admission-review.js";
import { CertWatcher, type ServingCertificate } from "./cert-watcher.js";
import { answerConversionReview, ConversionRegistry } from "./conversion-review.js";
import type { Conversion } from "./conversion.js";
import { httpError, readBody, sendAnswer, type HttpAnswer } from "./http-io.js";
import { CONVERSION_PATH } from "./paths.js";
import type { AdmissionHandler } from "./types.js";

/** Where controller-runtime (and kubebuilder's cert-manager kustomization) put the serving certificate. */
export const DEFAULT_CERT_DIR = "/tmp/k8s-webhook-server/serving-certs";
/** The webhook port kubebuilder projects use. */
export const DEFAULT_WEBHOOK_PORT = 9443;
/** The largest request body read (7 MiB, as controller-runtime: an object and its old version). */
export const DEFAULT_MAX_REQUEST_BYTES = 7 * 1024 * 1024;
/** Time for the TLS handshake and a request's headers: 32 s, controller-runtime's `ReadHeaderTimeout`. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 32_000;
/**
 * Time for a whole request, headers and body: 60 s. (controller-runtime sets none; the API
 * server gives up on a webhook after its `timeoutSeconds`, at most 30 s, anyway.)
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** How long a kept-alive connection waits for its next request: 90 s, controller-runtime's `IdleTimeout` (and Go clients' idle timeout). */
export const DEFAULT_IDLE_TIMEOUT_MS = 90_000;
/** The most connections open at once (Go's server has no limit; this one keeps file descriptors in bounds). */
export const DEFAULT_MAX_CONNECTIONS = 4096;

/** What {@link WebhookServer} takes; everything has a default. */
export interface WebhookServerOptions {
  /** Interface to listen on; all interfaces when omitted. */
  readonly host?: string;
  /** Default 9443; 0 lets the OS choose (see {@link WebhookServer.address}). */
  readonly port?: number;
  /** Default `/tmp/k8s-webhook-server/serving-certs`. */
  readonly certDir?: string;
  /** Default `tls.crt`. */
  readonly certName?: string;
  /** Default `tls.key`. */
  readonly keyName?: string;
  /** Default: a silent pino logger. */
  readonly log?: Logger;
  /** Bodies larger than this are answered 413. Default 7 MiB. */
  readonly maxRequestBytes?: number;
  /** Re-read the certificate this often (ms) besides watching the directory; 0: never. Default 10 s. */
  readonly certPollInterval?: number;
  /** Wait after a certificate file event before reloading (ms). Default 100. */
  readonly certDebounce?: number;
  /** Watch the certificate directory with fs.watch. Default true. */
  readonly watchCertDir?: boolean;
  /** How long {@link WebhookServer.stop} waits for in-flight requests before closing connections (ms). Default 10 s. */
  readonly shutdownTimeout?: number;
  /** Extra TLS settings (ciphers, ...); `minVersion` defaults to TLSv1.2. */
  readonly tls?: Omit<TlsOptions, "cert" | "key">;
  /**
   * Time allowed for the TLS handshake, then for the request's headers, in ms; a client that
   * stops before the end of its headers is disconnected then (with a 408 once TLS is up).
   * Default 32 s (controller-runtime's `ReadHeaderTimeout`).
   */
  readonly headersTimeout?: number;
  /**
   * Time allowed for a whole request, headers and body, in ms; a client that stops sending its
   * body is disconnected then. At least `headersTimeout`; 0 for no limit. Default 60 s.
   */
  readonly requestTimeout?: number;
  /** How long a kept-alive connection may wait for its next request before it is closed, in ms. Default 90 s (controller-runtime's `IdleTimeout`). */
  readonly idleTimeout?: number;
  /**
   * The most connections open at once (TLS handshakes included). A connection beyond it is
   * closed as soon as it is accepted, not queued (logged at warn); the API server then fails
   * the call as its `failurePolicy` says. Default 4096; `Infinity` for no limit.
   */
  readonly maxConnections?: number;
  /**
   * Time for certificate polling and the shutdown timeout (default the real clock). The
   * connection timeouts above run on Node's own timers.
   */
  readonly clock?: Clock;
  /**
   * Where the request metrics (`controller_runtime_webhook_requests_total`, ...) are
   * registered. Unset, a Manager given this server registers them on its own registry.
   */
  readonly registry?: Registry;
}

/**
 * The HTTPS server for admission and conversion webhooks, as controller-runtime's
 * `webhook.Server`: serves registered admission handlers on their paths and CRD conversion
 * on `/convert`, with the certificate reloaded whenever cert-manager rotates it. Each served
 * path gets controller-runtime's request metrics (see {@link WebhookMetrics}).
 * @example
 * ```ts
 * const server = new WebhookServer({ log });
 * server.register(defaultingPath(CronJobResource), defaulter(CronJobResource, setDefaults));
 * server.register(validatingPath(CronJobResource), validator(CronJobResource, { validateCreate }));
 * server.registerConversion(conversion<CronJob>({ hub: CronJobResource, spokes: { v1beta1 } }));
 * await server.start(signal); // listening on :9443 until stop() or the signal aborts
 * ```
 */
export class WebhookServer {
  readonly #options: WebhookServerOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #handlers = new Map<string, AdmissionHandler>();
  readonly #conversions = new ConversionRegistry();
  readonly #abort = new AbortController();
  #server: Server | undefined;
  #certs: CertWatcher | undefined;
  #started = false;
  #starting = false;
  #stopping: Promise<void> | undefined;
  #metrics: WebhookMetrics | undefined;
  readonly #limits: ConnectionLimits;

  constructor(options: WebhookServerOptions = {}) {
    this.#options = options;
    this.#log = options.log ?? pino({ level: "silent" });
    this.#clock = options.clock ?? realClock;
    this.#limits = connectionLimits(options);
    if (options.registry) this.registerMetrics(options.registry);
  }

  /**
   * Registers the request metrics on `registry`, unless they are registered already (by the
   * `registry` option or an earlier call): a Manager calls this with its own registry.
   */
  registerMetrics(registry: Registry): void {
    if (this.#metrics) return;
    this.#metrics = new WebhookMetrics(registry);
    for (const path of this.paths()) this.#metrics.initWebhook(path);
  }

  /**
   * Serves `handler` on `path` (see `defaultingPath`/`validatingPath`). Paths are matched
   * exactly, without the query the API server adds (`?timeout=10s`).
   */
  register(path: string, handler: AdmissionHandler): void {
    if (!path.startsWith("/")) throw new TypeError(`webhook path "${path}" must start with "/"`);
    if (path === CONVERSION_PATH) throw new TypeError(`webhook path ${CONVERSION_PATH} is the conversion webhook's: use registerConversion`);
    if (this.#handlers.has(path)) throw new TypeError(`a webhook handler is already registered on ${path}`);
    this.#handlers.set(path, handler);
    this.#metrics?.initWebhook(path);
  }

  /** Serves the conversions of one group-kind on `/convert`. */
  registerConversion(conversion: Conversion): void {
    this.#conversions.add(conversion);
  }

  /** The registered admission paths, then `/convert`. */
  paths(): string[] {
    return [...this.#handlers.keys(), CONVERSION_PATH];
  }

  /**
   * Loads the certificate, listens, and starts watching the certificate directory. Resolves
   * once listening; rejects (naming the files) when the certificate cannot be loaded, or when
   * the port cannot be bound. The server runs until {@link stop} or `signal` aborts.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#stopping) throw new Error("WebhookServer.start: the server was stopped; make a new one");
    if (this.#server || this.#starting) throw new Error("WebhookServer.start: already started");
    this.#starting = true;
    try {
      await this.#start();
    } finally {
      this.#starting = false;
    }
    if (signal) {
      if (signal.aborted) await this.stop();
      else signal.addEventListener("abort", () => void this.stop(), { once: true });
    }
  }

  async #start(): Promise<void> {
    const dir = this.#options.certDir ?? DEFAULT_CERT_DIR;
    const tlsOptions = { minVersion: "TLSv1.2" as const, ...this.#options.tls };
    let server: Server | undefined;
    const certs = new CertWatcher({
      certPath: join(dir, this.#options.certName ?? "tls.crt"),
      keyPath: join(dir, this.#options.keyName ?? "tls.key"),
      log: this.#log,
      clock: this.#clock,
      ...(this.#options.certPollInterval !== undefined ? { pollInterval: this.#options.certPollInterval } : {}),
      ...(this.#options.certDebounce !== undefined ? { debounce: this.#options.certDebounce } : {}),
      ...(this.#options.watchCertDir !== undefined ? { watch: this.#options.watchCertDir } : {}),
      onChange: (pair) => server?.setSecureContext({ ...tlsOptions, cert: pair.cert, key: pair.key }),
    });
    const pair = await certs.load();
    const limits = this.#limits;
    server = createServer(
      {
        ...tlsOptions,
        cert: pair.cert,
        key: pair.key,
        handshakeTimeout: limits.headersTimeout,
        headersTimeout: limits.headersTimeout,
        requestTimeout: limits.requestTimeout,
        keepAliveTimeout: limits.idleTimeout,
        // Node checks the header and request timeouts every this often (its default, 30 s, would let a stalled client stay twice as long).
        connectionsCheckingInterval: checkingInterval(limits),
      },
      (req, res) => void this.#serve(req, res),
    );
    if (Number.isFinite(limits.maxConnections)) server.maxConnections = limits.maxConnections;
    server.on("drop", (data?: { remoteAddress?: string }) =>
      this.#log.warn({ remoteAddress: data?.remoteAddress, maxConnections: limits.maxConnections }, "connection refused: the webhook server has maxConnections open"),
    );
    server.on("tlsClientError", (err) => this.#log.debug({ err }, "TLS handshake failed"));
    this.#server = server;
    this.#certs = certs;
    try {
      await listen(server, this.#options.port ?? DEFAULT_WEBHOOK_PORT, this.#options.host);
    } catch (err) {
      this.#server = this.#certs = undefined;
      throw err;
    }
    server.on("error", (err) => this.#log.error({ err }, "webhook server error"));
    if (this.#stopping) {
      // stop() was called while the server was starting: it found nothing to close.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw new Error("WebhookServer.start: stopped while starting");
    }
    certs.start();
    this.#started = true;
    this.#log.info({ address: this.address(), paths: this.paths(), fingerprint256: pair.fingerprint256 }, "webhook server started");
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (closing connections after
   * `shutdownTimeout`), aborts handlers' signals and stops the certificate watcher.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    const server = this.#server;
    this.#started = false;
    this.#certs?.stop();
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setBackgroundTimeout(this.#clock, () => {
      this.#abort.abort(new Error("webhook server stopped"));
      server.closeAllConnections();
    }, this.#options.shutdownTimeout ?? 10_000);
    await closed;
    force.cancel();
    this.#abort.abort(new Error("webhook server stopped"));
    this.#log.info("webhook server stopped");
  }

  /** Whether the server is listening (for a readiness check). */
  started(): boolean {
    return this.#started;
  }

  /**
   * A readiness check for `/readyz`, as controller-runtime's `StartedChecker`: fails until the
   * server has started, then completes a TLS handshake with it.
   */
  startedChecker(timeoutMs = 10_000): () => Promise<void> {
    return async () => {
      const address = this.address();
      if (!this.#started || !address) throw new Error("webhook server has not started");
      await tlsHandshake(address, timeoutMs);
    };
  }

  /** Where the server listens, once started. */
  address(): AddressInfo | undefined {
    const address = this.#server?.address();
    return address && typeof address === "object" ? address : undefined;
  }

  /**
   * Re-reads the certificate files now (as a file event or a poll does); resolves whether a new
   * valid pair is in use. An invalid pair is logged and the old one kept.
   */
  reloadCertificate(): Promise<boolean> {
    if (!this.#certs) return Promise.reject(new Error("WebhookServer.reloadCertificate: the server has not started"));
    return this.#certs.reload();
  }

  /** The certificate in use, once started. */
  certificate(): ServingCertificate | undefined {
    return this.#certs?.current();
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    if (this.#metrics && (this.#handlers.has(path) || path === CONVERSION_PATH)) {
      const timer = this.#metrics.begin(path);
      const done = (): void => timer.done(res.statusCode);
      res.once("finish", done); // the answer is written
      res.once("close", done); // or the connection went first
    }
    try {
      const answer = await this.#answer(req);
      // While stopping, close each connection after its answer so stop() need not wait for keep-alive timeouts.
      sendAnswer(res, answer.answer, answer.close === true || this.#stopping !== undefined);
    } catch (err) {
      this.#log.error({ err, path: req.url }, "webhook request failed");
      sendAnswer(res, httpError(500, "InternalError", "internal error in the webhook server"), true);
    }
  }

  async #answer(req: IncomingMessage): Promise<{ answer: HttpAnswer; close?: boolean }> {
    const path = pathOf(req);
    const handler = this.#handlers.get(path);
    if (!handler && path !== CONVERSION_PATH) {
      return { answer: httpError(404, "NotFound", `no webhook is served on ${path}; served: ${this.paths().join(", ")}`) };
    }
    if (req.method !== "POST") {
      return { answer: httpError(405, "MethodNotAllowed", `${req.method ?? "?"} is not allowed on ${path}: expected POST`, { allow: "POST" }) };
    }
    const contentType = (req.headers["content-type"] ?? "").split(";", 1)[0]?.trim().toLowerCase();
    if (contentType !== "application/json") {
      return { answer: httpError(400, "BadRequest", `contentType=${req.headers["content-type"] ?? ""}, expected application/json`) };
    }
    const limit = this.#options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    const read = await readBody(req, limit);
    if (!read.ok) {
      switch (read.error.kind) {
        case "too-large":
          return { answer: httpError(413, "RequestEntityTooLarge", `request body is larger than ${read.error.limit} bytes`), close: true };
        case "aborted":
          return { answer: httpError(400, "BadRequest", read.error.message), close: true };
        default:
          return assertNever(read.error);
      }
    }
    if (read.body.length === 0) return { answer: httpError(400, "BadRequest", "request body is empty") };
    let doc: unknown;
    try {
      doc = JSON.parse(read.body.toString("utf8"));
    } catch (err) {
      return { answer: httpError(400, "BadRequest", `request body is not JSON: ${(err as Error).message}`) };
    }
    const log = this.#log.child({ webhook: path });
    if (handler) return { answer: await answerAdmissionReview(doc, handler, log, this.#abort.signal) };
    return { answer: await answerConversionReview(doc, this.#conversions, log) };
  }
}

/** The connection timeouts and limit in force, in ms. */
interface ConnectionLimits {
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly idleTimeout: number;
  readonly maxConnections: number;
}

function connectionLimits(options: WebhookServerOptions): ConnectionLimits {
  const positive = (name: string, value: number | undefined, fallback: number, zeroAllowed = false): number => {
    const v = value ?? fallback;
    if (!(v > 0 || (zeroAllowed && v === 0)) || Number.isNaN(v)) {
      throw new RangeError(`WebhookServer: ${name} must be ${zeroAllowed ? "0 or " : ""}a positive number of ms, got ${value}`);
    }
    return v;
  };
  const headersTimeout = positive("headersTimeout", options.headersTimeout, DEFAULT_HEADERS_TIMEOUT_MS);
  const requestTimeout = positive("requestTimeout", options.requestTimeout, Math.max(DEFAULT_REQUEST_TIMEOUT_MS, headersTimeout), true);
  if (requestTimeout !== 0 && requestTimeout < headersTimeout) {
    throw new RangeError(`WebhookServer: requestTimeout (${requestTimeout} ms) must be at least headersTimeout (${headersTimeout} ms), or 0`);
  }
  const idleTimeout = positive("idleTimeout", options.idleTimeout, DEFAULT_IDLE_TIMEOUT_MS);
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (!(maxConnections >= 1) || (Number.isFinite(maxConnections) && !Number.isInteger(maxConnections))) {
    throw new RangeError(`WebhookServer: maxConnections must be a positive integer or Infinity, got ${options.maxConnections}`);
  }
  return { headersTimeout, requestTimeout, idleTimeout, maxConnections };
}

/** A quarter of the shortest request timeout, between 10 ms and 1 s. */
function checkingInterval(limits: ConnectionLimits): number {
  const shortest = limits.requestTimeout === 0 ? limits.headersTimeout : Math.min(limits.headersTimeout, limits.requestTimeout);
  return Math.min(1_000, Math.max(10, Math.floor(shortest / 4)));
}

/** The request's path, without the query the API server adds (`?timeout=10s`). */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? "/").split("?", 1)[0] ?? "/";
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`webhook server cannot listen on ${host ?? "*"}:${port}: ${err.message}`, { cause: err }));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function tlsHandshake(address: AddressInfo, timeoutMs: number): Promise<void> {
  const unspecified = address.address === "::" || address.address === "0.0.0.0";
  const host = unspecified ? (address.family === "IPv6" ? "::1" : "127.0.0.1") : address.address;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: address.port, rejectUnauthorized: false }, () => {
      socket.end();
      resolve();
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`webhook server did not complete a TLS handshake within ${timeoutMs} ms`));
    });
    socket.once("error", (err) => reject(new Error(`webhook server is not serving TLS: ${err.message}`, { cause: err })));
  });
}
