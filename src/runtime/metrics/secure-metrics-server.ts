import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { TlsOptions } from "node:tls";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { silentLogger } from "../log/logger.js";
import { CertWatcher, type ServingCertificate } from "../webhook/cert-watcher.js";
import type { MetricsAuthorizer } from "./metrics-auth.js";
import { generateSelfSignedCertificate } from "./self-signed-cert.js";

/** What {@link SecureMetricsServer} takes. */
export interface SecureMetricsServerOptions {
  /** The metrics served on `/metrics`. */
  readonly registry: Registry;
  /** Who may read them; the manager uses an {@link ApiServerAuthorizer}. */
  readonly authorizer: MetricsAuthorizer;
  /**
   * The directory holding the serving certificate and key (cert-manager's secret, mounted).
   * They are reloaded when they change. Without it a self-signed certificate is generated at
   * start, which encrypts the traffic but proves nothing to clients.
   */
  readonly certDir?: string | undefined;
  /** Default `tls.crt`. */
  readonly certName?: string | undefined;
  /** Default `tls.key`. */
  readonly keyName?: string | undefined;
  /** The names the self-signed certificate is for (see `generateSelfSignedCertificate`). */
  readonly selfSignedHosts?: readonly string[] | undefined;
  readonly log?: Logger | undefined;
  /** Re-read the certificate this often (ms) besides watching the directory; 0: never. Default 10 s. */
  readonly certPollInterval?: number | undefined;
  /** Watch the certificate directory with fs.watch. Default true. */
  readonly watchCertDir?: boolean | undefined;
  /** Extra TLS settings (ciphers, ...); `minVersion` defaults to TLSv1.2. */
  readonly tls?: Omit<TlsOptions, "cert" | "key"> | undefined;
}

const METRICS_PATH = "/metrics";

/**
 * Serves `/metrics` over HTTPS to authenticated and authorised clients only, as
 * controller-runtime's metrics server with `SecureServing` and
 * `filters.WithAuthenticationAndAuthorization` (kubebuilder's `--metrics-secure`): each
 * request's bearer token and its access to `get /metrics` are checked by the
 * {@link MetricsAuthorizer} before the registry is read. The certificate comes from `certDir`
 * (reloaded when cert-manager rotates it) or is self-signed.
 * @example
 * ```ts
 * const server = new SecureMetricsServer({ registry, authorizer: new ApiServerAuthorizer({ transport }) });
 * await server.listen({ host: "0.0.0.0", port: 8443 });
 * ```
 */
export class SecureMetricsServer {
  readonly #options: SecureMetricsServerOptions;
  readonly #log: Logger;
  #server: Server | undefined;
  #certs: CertWatcher | undefined;
  #certificate: ServingCertificate | undefined;

  constructor(options: SecureMetricsServerOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLogger();
  }

  /**
   * Loads (or generates) the certificate and listens; resolves with the bound address. Rejects
   * naming the files when `certDir`'s pair cannot be loaded, or when the port cannot be bound.
   */
  async listen(address: { host: string; port: number }): Promise<AddressInfo> {
    if (this.#server) throw new Error("SecureMetricsServer.listen: already listening");
    const tlsOptions: TlsOptions = { minVersion: "TLSv1.2", ...this.#options.tls };
    let server: Server | undefined;
    let certs: CertWatcher | undefined;
    let pair: ServingCertificate;
    const dir = this.#options.certDir;
    if (dir) {
      certs = new CertWatcher({
        certPath: join(dir, this.#options.certName || "tls.crt"),
        keyPath: join(dir, this.#options.keyName || "tls.key"),
        log: this.#log,
        ...(this.#options.certPollInterval !== undefined ? { pollInterval: this.#options.certPollInterval } : {}),
        ...(this.#options.watchCertDir !== undefined ? { watch: this.#options.watchCertDir } : {}),
        onChange: (next) => {
          this.#certificate = next;
          server?.setSecureContext({ ...tlsOptions, cert: next.cert, key: next.key });
        },
      });
      pair = await certs.load();
    } else {
      pair = await generateSelfSignedCertificate({ hosts: this.#options.selfSignedHosts });
      this.#log.info({ fingerprint256: pair.fingerprint256 }, "no metrics certificate directory: serving a self-signed certificate");
    }
    server = createServer({ ...tlsOptions, cert: pair.cert, key: pair.key }, (req, res) => void this.#serve(req, res));
    server.on("tlsClientError", (err) => this.#log.debug({ err }, "metrics TLS handshake failed"));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new Error(`metrics server cannot listen on ${address.host}:${address.port}: ${err.message}`, { cause: err }));
      server.once("error", onError);
      server.listen(address.port, address.host, () => {
        server.off("error", onError);
        resolve();
      });
    });
    server.on("error", (err) => this.#log.error({ err }, "metrics server error"));
    this.#server = server;
    this.#certificate = pair;
    this.#certs = certs;
    certs?.start();
    return server.address() as AddressInfo;
  }

  /** Stops listening, closes open connections and stops watching the certificate. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#certs?.stop();
    this.#certs = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Where the server listens, once listening. */
  address(): AddressInfo | undefined {
    const address = this.#server?.address();
    return address && typeof address === "object" ? address : undefined;
  }

  /** The certificate in use, once listening. */
  certificate(): ServingCertificate | undefined {
    return this.#certificate;
  }

  /**
   * Re-reads `certDir`'s files now (as a file event or a poll does); resolves whether a new
   * valid pair is in use. Rejects when the server is not listening or has no `certDir`.
   */
  reloadCertificate(): Promise<boolean> {
    if (!this.#certs) return Promise.reject(new Error("SecureMetricsServer.reloadCertificate: not listening with a certDir"));
    return this.#certs.reload();
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
      if (path !== METRICS_PATH) return send(res, 404, "not found");
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("Allow", "GET, HEAD");
        return send(res, 405, `${req.method ?? "?"} is not allowed on ${METRICS_PATH}`);
      }
      const decision = await this.#options.authorizer.authorize({ authorization: req.headers.authorization, method: req.method, path });
      if (!decision.allowed) return send(res, decision.status, decision.message);
      const body = await this.#options.registry.metrics();
      res.statusCode = 200;
      res.setHeader("Content-Type", this.#options.registry.contentType);
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (err) {
      this.#log.error({ err, path: req.url }, "metrics request failed");
      if (!res.headersSent) send(res, 500, "internal error in the metrics server");
      else res.destroy();
    }
  }
}

function send(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.end(`${message}\n`);
}
