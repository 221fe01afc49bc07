import type { Registry } from "prom-client";
import type { JsonStream, StreamRequest, Transport, TransportRequest } from "../client/transport.js";
import { ApiError } from "../errors.js";
import { RestClientMetrics } from "./rest-client-metrics.js";

/** What {@link MeteredTransport} takes. */
export interface MeteredTransportOptions {
  /** Where the metrics are registered (shared with other metered transports on it). */
  readonly registry: Registry;
  /**
   * The `host` label: the API server's `host:port`, as client-go labels it. See
   * {@link apiServerHost}. Default "none" (client-go's value when it has no base URL).
   */
  readonly host?: string;
}

/**
 * A {@link Transport} that counts and times every request it passes on, as client-go's REST
 * client does (see {@link RestClientMetrics}): a request counts once with its final status
 * code, whatever retries the wrapped transport made; a watch counts when its answer's
 * headers arrive (or it fails), and is not timed, as client-go does not time watches.
 * `close()` closes the wrapped transport.
 * @example
 * ```ts
 * const transport = new MeteredTransport(new HttpTransport({ kubeConfig }), { registry, host: apiServerHost(kubeConfig) });
 * const client = new ApiClient(transport);
 * ```
 */
export class MeteredTransport implements Transport {
  readonly #inner: Transport;
  readonly #metrics: RestClientMetrics;
  readonly #host: string;

  constructor(inner: Transport, options: MeteredTransportOptions) {
    this.#inner = inner;
    this.#metrics = new RestClientMetrics(options.registry);
    this.#host = options.host ?? "none";
  }

  async request<T = unknown>(req: TransportRequest): Promise<T> {
    const started = performance.now();
    let code = "<error>";
    try {
      const answer = await this.#inner.request<T>(req);
      // A 2xx answer: the transports do not tell which; a 201 or 202 counts as 200.
      code = "200";
      return answer;
    } catch (error) {
      code = codeOf(error);
      throw error;
    } finally {
      const host = this.#host;
      this.#metrics.requestsTotal.inc({ code, method: req.method, host });
      this.#metrics.requestDuration.observe({ verb: req.method, host }, (performance.now() - started) / 1000);
    }
  }

  async stream(req: StreamRequest): Promise<JsonStream> {
    let code = "<error>";
    try {
      const stream = await this.#inner.stream(req);
      code = "200";
      return stream;
    } catch (error) {
      code = codeOf(error);
      throw error;
    } finally {
      this.#metrics.requestsTotal.inc({ code, method: "GET", host: this.#host });
    }
  }

  close(): void {
    this.#inner.close();
  }
}

/** The status code of an API server's error answer, or client-go's `"<error>"` when none came. */
function codeOf(error: unknown): string {
  return error instanceof ApiError ? String(error.statusCode) : "<error>";
}

/**
 * The API server's host, as written in a cluster's `server` URL (`host:port` when it names a
 * port, even the scheme's default), as client-go's `host` label; `"none"` when there is none.
 */
export function apiServerHost(server: string | undefined): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(server ?? "")?.[1];
  const host = authority?.slice(authority.lastIndexOf("@") + 1);
  return host || "none";
}
