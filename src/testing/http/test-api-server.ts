import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Clock } from "../clock.js";
import type { ResolvedResource } from "../store/kind-info.js";
import type { ObjectStore } from "../store/object-store.js";
import type { WatchHandle, WatchRequest } from "../watch/start-watch.js";
import { internalError, resourceNotFound, StatusError, type ApiStatus } from "../store/status-error.js";
import { coreVersions, groupInfo, groupList, resourceList, SERVER_VERSION } from "./discovery.js";
import { ServerFaults, type FaultRequest } from "./faults.js";
import { handleResource, watchRequestOf } from "./resource-handler.js";
import { parseRoute, type Route } from "./route.js";

/** What {@link TestApiServer.start} takes. */
export interface TestApiServerOptions {
  /** The store to serve. */
  readonly store: ObjectStore;
  /** Port on 127.0.0.1 (default 0: one the OS picks). */
  readonly port?: number | undefined;
}

interface OpenWatch {
  readonly res: ServerResponse;
  stop(): void;
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private", ...headers });
  res.end(text);
}

function writeStatus(res: ServerResponse, status: ApiStatus): void {
  const retry = status.details?.retryAfterSeconds;
  writeJson(res, status.code, status, retry !== undefined ? { "Retry-After": String(retry) } : {});
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The field manager of a request without `fieldManager`: the User-Agent up to its first "/". */
function managerFrom(req: IncomingMessage): string {
  const ua = req.headers["user-agent"] ?? "";
  return ua.split("/")[0] || "unknown";
}

/**
 * An in-process Kubernetes API server on 127.0.0.1, speaking the REST and watch protocol
 * over plain HTTP so `@kubernetes/client-node`'s clients (and the runtime's) work against it
 * unchanged. All semantics live in the {@link ObjectStore}; this class is routing,
 * discovery, encoding, watch streaming and {@link ServerFaults}.
 * @example
 * ```ts
 * const server = await TestApiServer.start({ store: new ObjectStore() });
 * console.log(server.url); // http://127.0.0.1:40123
 * await server.stop();
 * ```
 */
export class TestApiServer {
  readonly faults: ServerFaults;
  readonly #server: Server;
  readonly #watches = new Set<OpenWatch>();
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor(readonly store: ObjectStore) {
    this.faults = new ServerFaults({
      store,
      clock: store.clock,
      dropWatchConnections: (abrupt) => this.#dropWatches(abrupt),
    });
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on("connection", (s) => {
      s.setNoDelay(true);
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
  }

  /** Starts a server on 127.0.0.1. */
  static async start(options: TestApiServerOptions): Promise<TestApiServer> {
    const server = new TestApiServer(options.store);
    await new Promise<void>((resolve, reject) => {
      server.#server.once("error", reject);
      server.#server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    server.#port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  /** The port the server listens on. */
  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The clock the server (and its store) runs on. */
  get clock(): Clock {
    return this.store.clock;
  }

  /** The number of open watch connections. */
  get openWatches(): number {
    return this.#watches.size;
  }

  /** Ends every watch and connection, and stops listening. */
  async stop(): Promise<void> {
    this.#dropWatches(false);
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
  }

  #dropWatches(abrupt: boolean): number {
    const open = [...this.#watches];
    for (const w of open) {
      if (abrupt) {
        this.#watches.delete(w);
        w.res.destroy();
      }
      w.stop();
    }
    return open.length;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const route = parseRoute(url.pathname);
      const method = (req.method ?? "GET").toUpperCase();
      const watch =
        (route.kind === "collection" || route.kind === "object") &&
        (route.legacyWatch || url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1");
      const fault: FaultRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        watch,
        ...(route.kind === "collection" || route.kind === "object"
          ? { resource: route.plural, namespace: route.namespace, name: route.kind === "object" ? route.name : undefined, subresource: route.kind === "object" ? route.subresource : undefined }
          : {}),
      };
      const failure = await this.faults.before(fault);
      if (failure) return writeStatus(res, failure.status);
      const body = method === "GET" ? "" : await readBody(req);
      this.#dispatch(req, res, route, method, url, watch, body);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof StatusError) return writeStatus(res, e.status);
      writeStatus(res, internalError(e instanceof Error ? e.message : String(e)).status);
    }
  }

  #dispatch(req: IncomingMessage, res: ServerResponse, route: Route, method: string, url: URL, watch: boolean, body: string): void {
    const registry = this.store.registry;
    switch (route.kind) {
      case "version":
        return writeJson(res, 200, SERVER_VERSION);
      case "health":
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end("ok");
        return;
      case "core-versions":
        return writeJson(res, 200, coreVersions(`127.0.0.1:${this.#port}`));
      case "groups":
        return writeJson(res, 200, groupList(registry));
      case "group": {
        const doc = groupInfo(registry, route.group);
        if (!doc) throw resourceNotFound();
        return writeJson(res, 200, doc);
      }
      case "resources": {
        const doc = resourceList(registry, route.group, route.version);
        if (!doc) throw resourceNotFound();
        return writeJson(res, 200, doc);
      }
      case "collection":
      case "object": {
        const resolved = this.store.resolve(route.group, route.version, route.plural);
        if (watch) {
          if (method !== "GET") throw resourceNotFound();
          if (!resolved.info.namespaced && route.namespace !== undefined) throw resourceNotFound();
          const request = watchRequestOf(url.searchParams, route.namespace);
          const byName = route.kind === "object" ? `metadata.name=${route.name}` : undefined;
          const fieldSelector = [request.fieldSelector, byName].filter((s) => s).join(",") || undefined;
          return this.#startWatch(res, resolved, { ...request, fieldSelector });
        }
        const reply = handleResource(this.store, {
          method,
          res: resolved,
          namespace: route.namespace,
          name: route.kind === "object" ? route.name : undefined,
          subresource: route.kind === "object" ? route.subresource : undefined,
          query: url.searchParams,
          contentType: req.headers["content-type"] ?? "application/json",
          body,
          manager: url.searchParams.get("fieldManager") || managerFrom(req),
        });
        return writeJson(res, reply.status, reply.body);
      }
      case "unknown":
        throw resourceNotFound();
      default: {
        const never: never = route;
        throw new Error(`unknown route ${JSON.stringify(never)}`);
      }
    }
  }

  /** Streams a watch as chunked JSON lines: headers at once, then one line per event. */
  #startWatch(res: ServerResponse, resolved: ResolvedResource, request: WatchRequest): void {
    let started = false;
    const open: OpenWatch = {
      res,
      stop: () => handle?.stop(),
    };
    const start = (): void => {
      if (started) return;
      started = true;
      res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
      res.flushHeaders();
    };
    let handle: WatchHandle | undefined;
    handle = this.store.watch(resolved, request, {
      event: (e) => {
        start();
        if (!res.destroyed) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
      },
      end: () => {
        this.#watches.delete(open);
        start();
        if (!res.destroyed) res.end();
      },
    });
    start();
    if (handle.stopped) return;
    this.#watches.add(open);
    res.on("close", () => handle?.stop());
  }
}
