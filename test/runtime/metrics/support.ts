// Test helpers for the secure metrics server: a tiny API server stub that answers TokenReview
// and SubjectAccessReview (the testing kit's server does not serve them), and an HTTPS GET
// that reports the certificate the server presented.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { KubeConfig } from "@kubernetes/client-node";
import type { UserInfo } from "../../../src/runtime/metrics/metrics-auth.js";

/** The `nonResourceAttributes` and subject of a SubjectAccessReview the stub received. */
export interface AccessCheck {
  readonly user: string;
  readonly groups: readonly string[];
  readonly path: string;
  readonly verb: string;
}

/** What {@link startReviewStub} takes. */
export interface ReviewStubOptions {
  /** token → user; any other token is not authenticated. */
  readonly tokens: Readonly<Record<string, UserInfo>>;
  /** Whether a subject may do this (default: nobody may). */
  readonly allow?: (check: AccessCheck) => boolean;
}

/** A running stub: its URL, a kubeconfig for it, and what it was asked. */
export interface ReviewStub {
  readonly url: string;
  /** Authenticates as the manager, with the bearer token "manager-token". */
  readonly kubeConfig: KubeConfig;
  /** Every review POSTed, in order ("token" or "access"). */
  readonly requests: ("token" | "access")[];
  /** The `Authorization` headers the reviews came with. */
  readonly callerAuth: (string | undefined)[];
  /** Answer the next `n` reviews with this status code instead. */
  failNext(n: number, status: number): void;
  stop(): Promise<void>;
}

const MANAGER_TOKEN = "manager-token";

interface ReviewBody {
  readonly spec?: {
    readonly token?: string;
    readonly user?: string;
    readonly groups?: string[];
    readonly nonResourceAttributes?: { readonly path?: string; readonly verb?: string };
  };
}

/** Starts the stub on 127.0.0.1 (plain HTTP). */
export async function startReviewStub(options: ReviewStubOptions): Promise<ReviewStub> {
  const requests: ("token" | "access")[] = [];
  const callerAuth: (string | undefined)[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 0 };
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? "").split("?")[0];
    const kind = path === "/apis/authentication.k8s.io/v1/tokenreviews" ? "token" : path === "/apis/authorization.k8s.io/v1/subjectaccessreviews" ? "access" : undefined;
    if (req.method !== "POST" || !kind) return reply(res, 404, { kind: "Status", status: "Failure", reason: "NotFound", code: 404 });
    requests.push(kind);
    callerAuth.push(req.headers.authorization);
    if (failures.left > 0) {
      failures = { ...failures, left: failures.left - 1 };
      return reply(res, failures.status, { kind: "Status", status: "Failure", code: failures.status, message: "stub failure" });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReviewBody;
    if (kind === "token") {
      const user = options.tokens[body.spec?.token ?? ""];
      const status = user ? { authenticated: true, user } : { authenticated: false, error: "invalid bearer token" };
      return reply(res, 201, { ...body, status });
    }
    const spec = body.spec ?? {};
    const check: AccessCheck = {
      user: spec.user ?? "",
      groups: spec.groups ?? [],
      path: spec.nonResourceAttributes?.path ?? "",
      verb: spec.nonResourceAttributes?.verb ?? "",
    };
    const allowed = options.allow?.(check) ?? false;
    return reply(res, 201, { ...body, status: allowed ? { allowed: true, reason: "stub allows" } : { allowed: false, reason: "stub denies" } });
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "stub", server: url, skipTLSVerify: true }],
    users: [{ name: "manager", token: MANAGER_TOKEN }],
    contexts: [{ name: "stub", cluster: "stub", user: "manager" }],
    currentContext: "stub",
  });
  return {
    url,
    kubeConfig,
    requests,
    callerAuth,
    failNext(n, status) {
      failures = { left: n, status };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What {@link httpsGet} got back. */
export interface HttpsReply {
  readonly status: number;
  readonly text: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  readonly fingerprint256: string;
}

/**
 * One HTTPS request on a fresh connection to 127.0.0.1:`port`. With `ca`, the server's
 * certificate must verify against it for `servername` (default "localhost"); otherwise any
 * certificate is accepted.
 */
export function httpsGet(port: number, path: string, options: { token?: string; ca?: Buffer; servername?: string; method?: string } = {}): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        agent: false,
        ...(options.ca ? { ca: options.ca, servername: options.servername ?? "localhost" } : { rejectUnauthorized: false }),
        timeout: 10_000,
      },
      (res) => {
        const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), fingerprint256 }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end();
  });
}
