import http from "node:http";
import https from "node:https";
import { createHash } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";

/** The server, headers and agent of the current context, as the kubeconfig gave them. */
export interface Credentials {
  readonly module: typeof http | typeof https;
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
  /** The server URL's path (a proxy's prefix), without a trailing slash. */
  readonly basePath: string;
  readonly headers: http.OutgoingHttpHeaders;
  readonly agent: http.Agent;
  readonly expiresAt: number;
}

const HTTP_NOT_ALLOWED = /HTTP protocol is not allowed/;

/**
 * The current context's server and credentials, as `kc.applyToHTTPSOptions` gives them, kept
 * for `ttlMs` (client-node reads certificate and token files and may run exec plugins on
 * every call), with one kept-alive agent per distinct TLS identity.
 */
export class KubeConfigCredentials {
  readonly #kc: KubeConfig;
  readonly #userAgent: string;
  readonly #ttlMs: number;
  readonly #agents = new Map<string, http.Agent>();
  #credentials: Credentials | undefined;
  #pending: Promise<Credentials> | undefined;

  constructor(kc: KubeConfig, options: { readonly userAgent: string; readonly ttlMs: number }) {
    this.#kc = kc;
    this.#userAgent = options.userAgent;
    this.#ttlMs = options.ttlMs;
  }

  /** The credentials to use now; `cached` when they were not read for this call (a 401 then deserves a fresh read). */
  async current(): Promise<{ credentials: Credentials; cached: boolean }> {
    const kept = this.#credentials;
    if (kept !== undefined && performance.now() < kept.expiresAt) return { credentials: kept, cached: true };
    return { credentials: await this.#load(), cached: false };
  }

  /** Forgets what was read: the next call asks the kubeconfig again. */
  invalidate(): void {
    this.#credentials = undefined;
  }

  /** Closes every agent's connections and forgets what was read. */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
    this.#credentials = undefined;
  }

  /** Asks the kubeconfig for the current context's server and credentials (one call at a time). */
  #load(): Promise<Credentials> {
    this.#pending ??= this.#applyKubeConfig().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #applyKubeConfig(): Promise<Credentials> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) {
      throw new Error(`kubeconfig has no cluster for the current context "${this.#kc.getCurrentContext()}"`);
    }
    const server = new URL(cluster.server);
    const opts: https.RequestOptions = { headers: {} };
    try {
      await this.#kc.applyToHTTPSOptions(opts);
    } catch (error) {
      // client-node refuses plain http unless skipTLSVerify; credentials are applied before it
      // throws, and we bring our own agent, so the refusal is moot here.
      if (!(server.protocol === "http:" && error instanceof Error && HTTP_NOT_ALLOWED.test(error.message))) throw error;
    }
    const headers: http.OutgoingHttpHeaders = { "User-Agent": this.#userAgent, ...(opts.headers as http.OutgoingHttpHeaders) };
    if (opts.auth) headers["Authorization"] = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
    const credentials: Credentials = {
      module: server.protocol === "https:" ? https : http,
      protocol: server.protocol,
      hostname: server.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: server.port,
      basePath: server.pathname.replace(/\/+$/, ""),
      headers,
      agent: this.#agentFor(server.protocol, opts, cluster.proxyUrl),
      expiresAt: performance.now() + this.#ttlMs,
    };
    this.#credentials = credentials;
    return credentials;
  }

  #agentFor(protocol: string, opts: https.RequestOptions, proxyUrl: string | undefined): http.Agent {
    const hash = createHash("sha256");
    hash.update(`${protocol}|${proxyUrl ?? ""}|${String(opts.rejectUnauthorized)}|${opts.servername ?? ""}|${opts.passphrase ?? ""}`);
    for (const part of [opts.ca, opts.cert, opts.key, opts.pfx]) hash.update(`|${fingerprint(part)}`);
    const key = hash.digest("hex");
    const cached = this.#agents.get(key);
    if (cached) return cached;
    let agent: http.Agent;
    if (proxyUrl && opts.agent instanceof http.Agent) {
      agent = opts.agent; // client-node's proxy agent, built for these credentials
    } else if (protocol === "https:") {
      agent = new https.Agent({
        keepAlive: true,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        pfx: opts.pfx,
        passphrase: opts.passphrase,
        servername: opts.servername,
        ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
      });
    } else {
      agent = new http.Agent({ keepAlive: true });
    }
    this.#agents.set(key, agent);
    return agent;
  }
}

function fingerprint(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Buffer.isBuffer(value) || typeof value === "string") return createHash("sha256").update(value).digest("hex");
  if (Array.isArray(value)) return value.map(fingerprint).join(",");
  return createHash("sha256")
    .update(JSON.stringify(value) ?? "")
    .digest("hex");
}
