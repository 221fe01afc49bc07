import http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

/** A request the scripted server saw. */
export interface SeenRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export type Script = (req: SeenRequest, res: http.ServerResponse) => void | Promise<void>;

/** A local HTTP server on 127.0.0.1:<OS port> whose answers each test scripts. */
export interface ScriptedServer {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** Sets what the server does with the next requests. */
  script(fn: Script): void;
  /** A kubeconfig pointing at the server, optionally with a bearer token. */
  kubeConfig(options?: { token?: string; basic?: { username: string; password: string } }): KubeConfig;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  let current: Script = (_req, res) => {
    res.statusCode = 500;
    res.end("no script");
  };
  const seen: SeenRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: SeenRequest = {
        method: req.method ?? "",
        url: new URL(req.url ?? "/", "http://127.0.0.1"),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(entry);
      void Promise.resolve(current(entry, res)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    seen,
    script(fn) {
      current = fn;
    },
    kubeConfig(options = {}) {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: "test", server: url, skipTLSVerify: false }],
        users: [
          {
            name: "test",
            ...(options.token ? { token: options.token } : {}),
            ...(options.basic ? { username: options.basic.username, password: options.basic.password } : {}),
          },
        ],
        contexts: [{ name: "test", cluster: "test", user: "test" }],
        currentContext: "test",
      });
      return kc;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends JSON with a status code. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** A Status body as the API server sends it. */
export function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}
