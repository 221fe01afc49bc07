import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { CertificateAuthority, type CertificatePair } from "../pki/certificate-authority.js";
import { findControlPlaneBinaries, type ControlPlaneBinaries } from "./assets.js";
import { freePorts } from "./free-port.js";
import { SupervisedProcess } from "./supervised-process.js";

/** What {@link ControlPlane.start} takes. */
export interface ControlPlaneOptions {
  /** The folder holding kube-apiserver and etcd. */
  readonly assetsDirectory: string;
  /** Where the folder came from, for error messages (default "KUBEBUILDER_ASSETS"). */
  readonly assetsSource?: string;
  /** kube-apiserver flags added to or replacing the defaults, without the leading "--" (`{ "v": "4" }`). */
  readonly apiServerFlags?: Readonly<Record<string, string>>;
  /** How long to wait for the API server to be ready (default `KUBEBUILDER_CONTROLPLANE_START_TIMEOUT` or 60 s). */
  readonly startTimeoutMs?: number;
  /** How long a stop waits for a process to end after SIGTERM before SIGKILL (default `KUBEBUILDER_CONTROLPLANE_STOP_TIMEOUT` or 20 s). */
  readonly stopTimeoutMs?: number;
  /** Copy the binaries' output to this process's (default `KUBEBUILDER_ATTACH_CONTROL_PLANE_OUTPUT=true`). */
  readonly attachOutput?: boolean;
  /** Where the environment variables above are read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The name and groups of the credential a control plane hands out: the cluster's superuser. */
export const ADMIN_USER = { name: "kubebuilder-ts-admin", groups: ["system:masters"] } as const;

const START_ATTEMPTS = 3;

/**
 * A real Kubernetes control plane for tests, as envtest runs one: etcd and kube-apiserver as
 * child processes on free ports of 127.0.0.1, with temporary data, serving and client
 * certificates from a throw-away {@link CertificateAuthority}, and an admin credential (a
 * client certificate in `system:masters`). Neither process outlives the test process, even
 * one killed with SIGKILL (see {@link SupervisedProcess}).
 * @example
 * ```ts
 * const cp = await ControlPlane.start({ assetsDirectory: process.env.KUBEBUILDER_ASSETS! });
 * const kc = cp.kubeConfig();
 * await cp.stop();
 * ```
 */
export class ControlPlane {
  /** The API server's URL, `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** The certificate authority that signed the serving and client certificates (PEM). */
  readonly caCert: Buffer;
  /** The admin's client certificate and key (PEM). */
  readonly admin: CertificatePair;
  /** The running processes, for tests of their lifetime. */
  readonly processes: { readonly etcd: SupervisedProcess; readonly kubeApiServer: SupervisedProcess };
  readonly #directory: string;
  #stopping: Promise<void> | undefined;

  private constructor(fields: { url: string; caCert: Buffer; admin: CertificatePair; etcd: SupervisedProcess; kubeApiServer: SupervisedProcess; directory: string }) {
    this.url = fields.url;
    this.caCert = fields.caCert;
    this.admin = fields.admin;
    this.processes = { etcd: fields.etcd, kubeApiServer: fields.kubeApiServer };
    this.#directory = fields.directory;
  }

  /** Starts etcd and kube-apiserver and resolves once the API server answers `/readyz`. */
  static async start(options: ControlPlaneOptions): Promise<ControlPlane> {
    const env = options.env ?? process.env;
    const binaries = findControlPlaneBinaries(options.assetsDirectory, options.assetsSource);
    const settings = {
      startTimeoutMs: options.startTimeoutMs ?? durationFrom(env, "KUBEBUILDER_CONTROLPLANE_START_TIMEOUT") ?? 60_000,
      stopTimeoutMs: options.stopTimeoutMs ?? durationFrom(env, "KUBEBUILDER_CONTROLPLANE_STOP_TIMEOUT") ?? 20_000,
      attachOutput: options.attachOutput ?? (env["KUBEBUILDER_ATTACH_CONTROL_PLANE_OUTPUT"] ?? "").toLowerCase() === "true",
    };
    const ca = await CertificateAuthority.create("kubebuilder-ts-envtest-ca");
    const [serving, admin] = await Promise.all([
      ca.issueServing(["localhost", "127.0.0.1", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "10.0.0.1"], "kube-apiserver"),
      ca.issueClient(ADMIN_USER.name, ADMIN_USER.groups),
    ]);
    // A port can be taken between finding it free and the binary binding it; then start again on others.
    for (let attempt = 1; ; attempt++) {
      const directory = mkdtempSync(join(tmpdir(), "kubebuilder-ts-envtest-"));
      try {
        return await ControlPlane.#startOnce(binaries, directory, { ca: ca.cert, serving, admin }, options.apiServerFlags ?? {}, settings);
      } catch (error) {
        rmSync(directory, { recursive: true, force: true });
        if (!(error instanceof PortTakenError) || attempt >= START_ATTEMPTS) throw error instanceof PortTakenError ? error.cause : error;
      }
    }
  }

  static async #startOnce(
    binaries: ControlPlaneBinaries,
    directory: string,
    certs: { ca: Buffer; serving: CertificatePair; admin: CertificatePair },
    extraFlags: Readonly<Record<string, string>>,
    settings: { startTimeoutMs: number; stopTimeoutMs: number; attachOutput: boolean },
  ): Promise<ControlPlane> {
    const [etcdClientPort, etcdPeerPort, apiServerPort] = await freePorts(3);
    const file = (name: string, content: string | Buffer): string => {
      const path = join(directory, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const serviceAccount = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const paths = {
      ca: file("ca.crt", certs.ca),
      cert: file("apiserver.crt", certs.serving.cert),
      key: file("apiserver.key", certs.serving.key),
      saKey: file("service-account.key", serviceAccount.privateKey.export({ type: "pkcs8", format: "pem" })),
      saPub: file("service-account.pub", serviceAccount.publicKey.export({ type: "spki", format: "pem" })),
    };
    mkdirSync(join(directory, "etcd"), { mode: 0o700 });
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const common = { removeOnExit: [directory], killAfterMs: settings.stopTimeoutMs, attachOutput: settings.attachOutput };
    // etcd and the API server start together: the API server retries etcd until it answers.
    const etcd = SupervisedProcess.start({
      ...common,
      name: "etcd",
      command: binaries.etcd,
      args: [
        `--data-dir=${join(directory, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        "--unsafe-no-fsync=true", // the data is thrown away with the test
        "--log-level=warn",
      ],
    });
    const url = `https://127.0.0.1:${apiServerPort}`;
    const flags: Record<string, string> = {
      "advertise-address": "127.0.0.1",
      "bind-address": "127.0.0.1",
      "secure-port": String(apiServerPort),
      "cert-dir": directory,
      "tls-cert-file": paths.cert,
      "tls-private-key-file": paths.key,
      "client-ca-file": paths.ca,
      "etcd-servers": etcdUrl,
      "service-account-key-file": paths.saPub,
      "service-account-signing-key-file": paths.saKey,
      "service-account-issuer": url,
      "service-cluster-ip-range": "10.0.0.0/24",
      "authorization-mode": "RBAC",
      "allow-privileged": "true",
      // As envtest: no controller manager issues service account tokens, so Pods could not be created.
      "disable-admission-plugins": "ServiceAccount",
      ...extraFlags,
    };
    const kubeApiServer = SupervisedProcess.start({
      ...common,
      name: "kube-apiserver",
      command: binaries.kubeApiServer,
      args: Object.entries(flags).map(([k, v]) => `--${k}=${v}`),
    });
    const plane = new ControlPlane({ url, caCert: certs.ca, admin: certs.admin, etcd, kubeApiServer, directory });
    try {
      await waitUntilReady(plane, settings.startTimeoutMs);
    } catch (error) {
      await plane.stop({ kill: true });
      if (/address already in use/.test(kubeApiServer.output + etcd.output)) throw new PortTakenError(error);
      throw error;
    }
    return plane;
  }

  /** A kubeconfig for the admin, verifying the server with the authority's certificate. */
  kubeConfig(namespace = "default"): KubeConfig {
    const name = "kubebuilder-ts-envtest";
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name, server: this.url, caData: this.caCert.toString("base64"), skipTLSVerify: false }],
      users: [{ name: ADMIN_USER.name, certData: this.admin.cert.toString("base64"), keyData: this.admin.key.toString("base64") }],
      contexts: [{ name, cluster: name, user: ADMIN_USER.name, namespace }],
      currentContext: name,
    });
    return kc;
  }

  /**
   * Stops kube-apiserver, then etcd, and removes their data; resolves when both have ended.
   * `kill: true` skips the graceful shutdown (nothing is kept anyway). Safe to call twice.
   */
  stop(options: { readonly kill?: boolean } = {}): Promise<void> {
    this.#stopping ??= (async () => {
      await this.processes.kubeApiServer.stop(options);
      await this.processes.etcd.stop(options);
      rmSync(this.#directory, { recursive: true, force: true });
    })();
    return this.#stopping;
  }

  /** GET `path` as the admin: the status code and body, or undefined when nothing answers. */
  request(path: string, timeoutMs = 5_000): Promise<{ status: number; body: string } | undefined> {
    const target = new URL(path, this.url);
    return new Promise((resolve) => {
      const req = https.get(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, ca: this.caCert, cert: this.admin.cert, key: this.admin.key, timeout: timeoutMs, agent: false },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          res.on("error", () => resolve(undefined));
        },
      );
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(undefined));
    });
  }
}

class PortTakenError extends Error {
  constructor(override readonly cause: unknown) {
    super("a port was taken");
  }
}

/** Polls `/readyz` until it answers 200; fails early, with the output's end, when a process exits. */
async function waitUntilReady(plane: ControlPlane, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const { etcd, kubeApiServer } = plane.processes;
  let last = "no answer";
  for (let delay = 20; ; delay = Math.min(delay * 1.5, 200)) {
    for (const p of [kubeApiServer, etcd]) {
      if (p.exitCode !== undefined) throw new Error(`${p.name} exited with status ${p.exitCode} while the control plane started:\n${tail(p.output)}`);
    }
    const answer = await plane.request("/readyz", 2_000);
    if (answer?.status === 200) return;
    if (answer) last = `${answer.status}: ${answer.body.trim().split("\n").filter((l) => l.includes("failed")).join("; ") || answer.body.trim().slice(0, 300)}`;
    if (performance.now() > deadline) {
      throw new Error(`kube-apiserver was not ready within ${timeoutMs} ms (last /readyz: ${last}); its output ends:\n${tail(kubeApiServer.output)}`);
    }
    // Polling, not waiting for a fixed time: each round is as short as the API server allows.
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function tail(output: string, lines = 20): string {
  return output.trimEnd().split("\n").slice(-lines).join("\n");
}

/** A duration from the environment, as envtest reads it: Go's "20s", "1m30s", or plain seconds. */
function durationFrom(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|s|m|h)/g, (_, n: string, unit: string) => {
    total += Number(n) * (units[unit] ?? 0);
    return "";
  });
  if (rest !== "") throw new Error(`${name}=${text}: not a duration (examples: 20s, 1m30s, 90)`);
  return total;
}
