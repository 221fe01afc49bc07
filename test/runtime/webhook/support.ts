// Test helpers for the webhook server: self-signed certificates made with the openssl CLI,
// and an HTTPS client that reports the certificate the server presented.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Why certificates cannot be made here, or undefined when openssl works. */
export function opensslUnavailable(): string | undefined {
  const probe = spawnSync("openssl", ["version"], { encoding: "utf8" });
  if (probe.error) return `openssl CLI not found (${probe.error.message}); the HTTPS webhook tests need it to make a self-signed certificate`;
  if (probe.status !== 0) return `openssl version exited ${probe.status}: ${probe.stderr}`;
  return undefined;
}

/** A PEM certificate and key. */
export interface CertPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Makes a self-signed P-256 certificate for 127.0.0.1 and localhost, valid one day. */
export function makeCert(commonName = "webhook-test"): CertPair {
  const dir = mkdtempSync(join(tmpdir(), "kb-webhook-cert-"));
  try {
    const keyPath = join(dir, "tls.key");
    const certPath = join(dir, "tls.crt");
    const run = spawnSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", keyPath, "-out", certPath, "-days", "1", "-subj", `/CN=${commonName}`,
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      ],
      { encoding: "utf8", timeout: 10_000 },
    );
    if (run.status !== 0) throw new Error(`openssl req failed: ${run.stderr}`);
    return { cert: readFileSync(certPath), key: readFileSync(keyPath) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What {@link post} got back. */
export interface HttpsReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The parsed body (undefined when it is not JSON). */
  readonly json: any;
  /** SHA-256 fingerprint of the certificate the server presented. */
  readonly fingerprint256: string;
}

/** One HTTPS request on a fresh connection to 127.0.0.1:`port`, trusting `ca`. */
export function post(
  port: number,
  path: string,
  body: unknown,
  options: { ca?: Buffer | Buffer[]; method?: string; contentType?: string | null; raw?: Buffer | string } = {},
): Promise<HttpsReply> {
  const payload = options.raw ?? (body === undefined ? "" : JSON.stringify(body));
  const headers: Record<string, string | number> = { "content-length": Buffer.byteLength(payload) };
  if (options.contentType !== null) headers["content-type"] = options.contentType ?? "application/json";
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "POST",
        headers,
        agent: false,
        ...(options.ca ? { ca: options.ca } : { rejectUnauthorized: false }),
        timeout: 10_000,
      },
      (res) => {
        const fingerprint256 = (res.socket as import("node:tls").TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, fingerprint256 });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(payload);
  });
}

/** Polls `check` every few ms until it returns true or `timeoutMs` passes (bounded count and time). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000, stepMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / stepMs) + 1 && Date.now() <= deadline; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}
