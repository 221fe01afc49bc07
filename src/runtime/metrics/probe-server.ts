import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/** A named health or readiness check: resolve to pass, throw to fail. */
export type Checker = () => void | Promise<void>;

/** `host:port`, `:port`, or "0" to disable, as controller-runtime's bind addresses. */
export function parseBindAddress(address: string): { host: string; port: number } | undefined {
  if (address === "0" || address === "") return undefined;
  const colon = address.lastIndexOf(":");
  const host = colon <= 0 ? "0.0.0.0" : address.slice(0, colon).replace(/^\[|\]$/g, "");
  const port = Number(colon < 0 ? address : address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid bind address "${address}": expected host:port or :port`);
  return { host, port };
}

/** An HTTP server with a few routes; `listen` resolves with the bound address. */
abstract class SmallServer {
  private server: Server | undefined;

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  async listen(address: { host: string; port: number }): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(`internal error: ${(e as Error).message}\n`);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(address.port, address.host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Serves `/metrics` from a prom-client registry. */
export class MetricsServer extends SmallServer {
  constructor(private readonly registry: Registry) {
    super();
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.statusCode = 404;
      res.end("not found\n");
      return;
    }
    const body = await this.registry.metrics();
    res.setHeader("Content-Type", this.registry.contentType);
    res.end(req.method === "HEAD" ? undefined : body);
  }
}

/**
 * Serves `/healthz` and `/readyz` (and `/healthz/<check>`, `/readyz/<check>`), running the
 * registered checks; `?verbose` lists each check's result, as Kubernetes components do.
 */
export class HealthProbeServer extends SmallServer {
  private readonly checks = { healthz: new Map<string, Checker>(), readyz: new Map<string, Checker>() };

  addHealthzCheck(name: string, check: Checker): void {
    this.checks.healthz.set(name, check);
  }

  addReadyzCheck(name: string, check: Checker): void {
    this.checks.readyz.set(name, check);
  }

  /** Runs the checks of one endpoint; exposed for tests and for the manager. */
  async run(kind: "healthz" | "readyz", only?: string): Promise<{ ok: boolean; lines: string[] }> {
    const lines: string[] = [];
    let ok = true;
    const entries = [...this.checks[kind].entries()].filter(([name]) => only === undefined || name === only);
    if (only !== undefined && entries.length === 0) return { ok: false, lines: [`[-]${only} failed: no such check`] };
    for (const [name, check] of entries.sort(([a], [b]) => (a < b ? -1 : 1))) {
      try {
        await check();
        lines.push(`[+]${name} ok`);
      } catch (e) {
        ok = false;
        lines.push(`[-]${name} failed: ${(e as Error).message ?? String(e)}`);
      }
    }
    return { ok, lines };
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const m = /^\/(healthz|readyz)(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (!m) {
      res.statusCode = 404;
      res.end("not found\n");
      return;
    }
    const { ok, lines } = await this.run(m[1] as "healthz" | "readyz", m[2]);
    res.statusCode = ok ? 200 : 500;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    const verbose = url.searchParams.has("verbose") || !ok;
    res.end(verbose ? `${lines.join("\n")}\n${m[1]} check ${ok ? "passed" : "failed"}\n` : "ok");
  }
}
