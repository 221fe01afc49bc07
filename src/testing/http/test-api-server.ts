import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Clock } from "../clock.js";
import type { ObjectStore } from "../store/object-store.js";
import { internalError } from "../store/status-error.js";
import type { WatchHandle } from "../watch/start-watch.js";
import type { WatchEvent } from "../watch/watch-hub.js";
import { ServingStore } from "../webhooks/serving-store.js";
import { answerApiRequest, type ApiAnswer, type ApiContext, type ApiRequest, type WatchConnection } from "./api-handler.js";
import { ServerFaults } from "./faults.js";

/** What {@link TestApiServer.start} takes. */
export interface TestApiServerOptions {
  /** The store to serve. */
  readonly store: ObjectStore;
  /** Port on 127.0.0.1 (default 0: one the OS picks). */
  readonly port?: number | undefined;
}

/** A watch being served: the connection its events go to, and the store's handle. */
interface OpenWatch {
  readonly connection: WatchConnection;
  handle: WatchHandle | undefined;
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string | readonly string[]>> = {}): void {
  const text = JSON.stringify(body);
  const extra: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) extra[k] = typeof v === "string" ? v : [...v];
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private", ...extra });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
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
  readonly #context: ApiContext;
  #port = 0;
  #stopped = false;

  private constructor(readonly store: ObjectStore) {
    this.faults = new ServerFaults({
      store,
      clock: store.clock,
      dropWatchConnections: (abrupt) => this.#dropWatches(abrupt),
    });
    this.#context = { store, serving: new ServingStore(store), faults: this.faults, serverAddress: () => `127.0.0.1:${this.#port}` };
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

  /** The number of open client connections (HTTP only; the in-memory transport opens none). */
  get openConnections(): number {
    return this.#sockets.size;
  }

  /**
   * Ends every watch and connection, and stops listening. Requests still being answered (held
   * by a delay fault) are let go and refused, and a watch one of them would start is ended:
   * nothing the server opened outlives it.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.faults.releaseDelayed();
    this.#dropWatches(false);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Resolves once every connection is closed, not merely destroyed.
    const sockets = [...this.#sockets].map((s) => new Promise<void>((resolve) => (s.closed ? resolve() : s.once("close", () => resolve()))));
    for (const s of this.#sockets) s.destroy();
    await Promise.all([closed, ...sockets]);
  }

  /**
   * Answers one request that did not come over HTTP, exactly as an HTTP request would be
   * answered (faults included): what {@link InMemoryTransport} uses. A watch it starts sends
   * its events to `connect()`'s connection and counts as an open watch, which
   * `faults.dropWatches` ends (or, abrupt, breaks). Rejects once the server was stopped, as
   * a connection to it would be refused.
   */
  async serve(request: ApiRequest, connect: () => WatchConnection): Promise<ApiAnswer> {
    const refused = (): Error => new Error(`connect ECONNREFUSED 127.0.0.1:${this.#port} (the test API server was stopped)`);
    if (this.#stopped) throw refused();
    let open: OpenWatch | undefined;
    const answer = await answerApiRequest(this.#context, request, () => {
      const entry: OpenWatch = { connection: connect(), handle: undefined };
      open = entry;
      return {
        event: (e) => entry.connection.event(e),
        end: () => {
          this.#watches.delete(entry);
          entry.connection.end();
        },
      };
    });
    if (this.#stopped) {
      // Stopped while this request was held (a delay fault): no watch may outlive the server.
      if (answer.kind === "watch") {
        answer.handle.stop();
        open?.connection.break();
      }
      throw refused();
    }
    if (answer.kind === "watch" && open && !answer.handle.stopped) {
      open.handle = answer.handle;
      this.#watches.add(open);
    }
    return answer;
  }

  #dropWatches(abrupt: boolean): number {
    const open = [...this.#watches];
    for (const w of open) {
      if (abrupt) {
        this.#watches.delete(w);
        w.connection.break();
      }
      w.handle?.stop();
    }
    return open.length;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const method = (req.method ?? "GET").toUpperCase();
      const body = method === "GET" ? "" : await readBody(req);
      const stream = new ChunkedJsonStream(res);
      const answer = await this.serve(
        {
          method,
          pathname: url.pathname,
          query: url.searchParams,
          contentType: req.headers["content-type"],
          userAgent: req.headers["user-agent"],
          accept: req.headers.accept,
          body,
        },
        () => stream,
      );
      switch (answer.kind) {
        case "json":
          return writeJson(res, answer.status, answer.body, answer.headers);
        case "text":
          res.writeHead(answer.status, { "Content-Type": "text/plain" });
          res.end(answer.text);
          return;
        case "raw":
          res.writeHead(answer.status, { "Content-Type": answer.contentType, "Content-Length": Buffer.byteLength(answer.body), ...answer.headers });
          res.end(answer.body);
          return;
        case "watch": {
          stream.sendHeaders();
          const handle = answer.handle;
          if (!handle.stopped) res.on("close", () => handle.stop());
          return;
        }
        default: {
          const never: never = answer;
          throw new Error(`unknown answer ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      writeJson(res, 500, internalError(e instanceof Error ? e.message : String(e)).status);
    }
  }
}

/** A watch over HTTP: chunked JSON lines, headers sent with the first event or once the watch has started. */
class ChunkedJsonStream implements WatchConnection {
  #headersSent = false;

  constructor(private readonly res: ServerResponse) {}

  sendHeaders(): void {
    if (this.#headersSent) return;
    this.#headersSent = true;
    this.res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache, private" });
    this.res.flushHeaders();
  }

  event(e: WatchEvent): void {
    this.sendHeaders();
    if (!this.res.destroyed) this.res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
  }

  end(): void {
    this.sendHeaders();
    if (!this.res.destroyed) this.res.end();
  }

  break(): void {
    this.res.destroy();
  }
}
