// The webhook server's connection timeouts and limit: a client that stops mid-request, or
// holds a connection idle, is disconnected; connections beyond the limit are refused.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as tcpConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { pino } from "pino";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  WebhookServer,
  type WebhookServerOptions,
} from "../../../src/runtime/webhook/webhook-server.js";
import { makeCert, opensslUnavailable, post } from "./support.js";

const skipReason = opensslUnavailable();

let certDir: string;
beforeAll(() => {
  if (skipReason) return;
  const pair = makeCert();
  certDir = mkdtempSync(join(tmpdir(), "kb-webhook-limits-"));
  writeFileSync(join(certDir, "tls.crt"), pair.cert);
  writeFileSync(join(certDir, "tls.key"), pair.key);
  return () => rmSync(certDir, { recursive: true, force: true });
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startServer(options: WebhookServerOptions): Promise<{ server: WebhookServer; port: number }> {
  const server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir, certPollInterval: 0, watchCertDir: false, ...options });
  server.register("/validate", async () => ({ allowed: true }));
  await server.start();
  cleanups.push(() => server.stop());
  return { server, port: server.address()!.port };
}

/** A TLS connection, once its handshake is done; destroyed after the test. */
function openTls(port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => resolve(socket));
    socket.once("error", reject);
    socket.once("close", () => reject(new Error("closed before the TLS handshake completed")));
    cleanups.push(() => socket.destroy());
  });
}

/** Resolves once `socket` is closed (by the server), with what it received and how long it took from `since`; fails after `boundMs`. */
function closedBy(socket: Socket, since: number, boundMs = 15_000): Promise<{ received: string; afterMs: number }> {
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
  socket.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server kept the connection open for ${boundMs} ms`)), boundMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ received, afterMs: performance.now() - since });
    });
  });
}

const REVIEW = JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: {
    uid: "u1",
    kind: { group: "batch", version: "v1", kind: "Job" },
    resource: { group: "batch", version: "v1", resource: "jobs" },
    operation: "CREATE",
    userInfo: { username: "alice" },
    object: {},
  },
});

describe.skipIf(skipReason !== undefined)("WebhookServer connection timeouts and limit", () => {
  it("disconnects a client that stops in the middle of its headers after headersTimeout, with a 408, and keeps serving", async () => {
    const { port } = await startServer({ headersTimeout: 400, requestTimeout: 5_000 });
    const socket = await openTls(port);
    const since = performance.now();
    socket.write("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: applic");
    const { received, afterMs } = await closedBy(socket, since);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(350);
    const reply = await post(port, "/validate", JSON.parse(REVIEW));
    expect(reply.json).toMatchObject({ response: { uid: "u1", allowed: true } });
  });

  it("disconnects a client that stops in the middle of its body after requestTimeout", async () => {
    const { port } = await startServer({ headersTimeout: 300, requestTimeout: 700 });
    const socket = await openTls(port);
    const since = performance.now();
    socket.write(`POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${REVIEW.length}\r\n\r\n${REVIEW.slice(0, 20)}`);
    const { received, afterMs } = await closedBy(socket, since);
    expect(received).not.toMatch(/^HTTP\/1\.1 200 /);
    expect(afterMs).toBeGreaterThanOrEqual(600);
  });

  it("disconnects a client that never completes the TLS handshake after headersTimeout", async () => {
    const { port } = await startServer({ headersTimeout: 400 });
    const socket = tcpConnect({ host: "127.0.0.1", port });
    cleanups.push(() => socket.destroy());
    const since = performance.now();
    const { afterMs } = await closedBy(socket, since);
    expect(afterMs).toBeGreaterThanOrEqual(350);
  });

  it("closes a kept-alive connection left idle for idleTimeout", async () => {
    const { port } = await startServer({ idleTimeout: 500 });
    const socket = await openTls(port);
    let answered!: () => void;
    const answer = new Promise<void>((r) => (answered = r));
    socket.once("data", () => answered());
    const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now())));
    socket.write(`POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${REVIEW.length}\r\n\r\n${REVIEW}`);
    await answer;
    const since = performance.now();
    const bound = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the idle connection stayed open")), 15_000).unref());
    const at = await Promise.race([closed, bound]);
    expect(at - since).toBeGreaterThanOrEqual(400);
  });

  it("refuses connections beyond maxConnections at once, logs it, and accepts again once one closes", async () => {
    const warnings: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line).msg as string) });
    const { port } = await startServer({ maxConnections: 2, log });
    const first = await openTls(port);
    await openTls(port);
    await expect(openTls(port)).rejects.toThrow(/closed before the TLS handshake|ECONNRESET|socket disconnected/);
    expect(warnings).toContain("connection refused: the webhook server has maxConnections open");

    first.destroy();
    // The server counts the closed connection out as soon as it sees it close.
    const deadline = performance.now() + 15_000;
    for (;;) {
      const next = await openTls(port).catch(() => undefined);
      if (next) break;
      if (performance.now() > deadline) throw new Error("no connection accepted after one closed");
    }
  });

  it("defaults to controller-runtime's header (32 s) and idle (90 s) timeouts", () => {
    expect(DEFAULT_HEADERS_TIMEOUT_MS).toBe(32_000);
    expect(DEFAULT_IDLE_TIMEOUT_MS).toBe(90_000);
  });

  it.each([
    [{ headersTimeout: 0 }, "WebhookServer: headersTimeout must be a positive number of ms, got 0"],
    [{ idleTimeout: -1 }, "WebhookServer: idleTimeout must be a positive number of ms, got -1"],
    [{ headersTimeout: 1_000, requestTimeout: 500 }, "WebhookServer: requestTimeout (500 ms) must be at least headersTimeout (1000 ms), or 0"],
    [{ maxConnections: 0 }, "WebhookServer: maxConnections must be a positive integer or Infinity, got 0"],
    [{ maxConnections: 1.5 }, "WebhookServer: maxConnections must be a positive integer or Infinity, got 1.5"],
  ])("rejects %j", (options, message) => {
    expect(() => new WebhookServer(options)).toThrow(message);
  });

  it("takes requestTimeout 0 (no limit) and maxConnections Infinity", () => {
    expect(() => new WebhookServer({ requestTimeout: 0, maxConnections: Infinity })).not.toThrow();
  });
});
