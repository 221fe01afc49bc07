// Runs a suite on both test API servers: kb's in-process one always, and a real kube-apiserver
// with etcd when KUBEBUILDER_ASSETS holds them (else the real run is skipped, and the run's
// summary says so). One environment per backend and file, started on first use and stopped
// after the file's tests; each test works in a namespace of its own.
import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, describe } from "vitest";
import { HttpTransport } from "../../src/runtime/client/transport.js";
import { startTestEnv, type TestEnv, type TestEnvOptions } from "../../src/testing/index.js";
import { skipReal } from "./real-kubernetes.js";

/** The servers a both-backend suite runs on. */
export type ServerBackend = "in-process" | "real";
export const SERVER_BACKENDS: readonly ServerBackend[] = ["in-process", "real"];

/**
 * Declares `body` once per backend, as `describe("<name> [<backend>]")`; the real one is
 * skipped (and noted) without the binaries.
 */
export function describeEachBackend(name: string, body: (backend: ServerBackend) => void): void {
  for (const backend of SERVER_BACKENDS) {
    describe.skipIf(backend === "real" && skipReal(name))(`${name} [${backend}]`, () => body(backend));
  }
}

/**
 * One test environment per backend for the calling file: `envFor(backend)` starts it on first
 * use (always pinned: `backend` is passed explicitly, so KUBEBUILDER_ASSETS does not turn an
 * in-process run into a real one), and it is stopped after the file's last test. Call at the
 * top level of a test file.
 */
export function testEnvPerFile(options: Omit<TestEnvOptions, "backend"> = {}): (backend: ServerBackend) => Promise<TestEnv> {
  const started = new Map<ServerBackend, Promise<TestEnv>>();
  afterAll(async () => {
    const envs = await Promise.allSettled(started.values());
    started.clear();
    await Promise.all(envs.map((e) => (e.status === "fulfilled" ? e.value.stop() : undefined)));
  });
  return (backend) => {
    let env = started.get(backend);
    if (env === undefined) {
      env = startTestEnv({ ...options, backend });
      started.set(backend, env);
    }
    return env;
  };
}

/** Creates a namespace with a fresh name starting with `prefix`, and returns its name. */
export async function freshNamespace(kubeConfig: KubeConfig, prefix = "test"): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  const transport = new HttpTransport({ kubeConfig });
  try {
    await transport.request({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
  } finally {
    transport.close();
  }
  return name;
}

/**
 * Polls `check` until it returns something other than `undefined` or `false`, and returns
 * that; no fixed sleeps, and a bound generous enough for a loaded machine and a real server.
 * A throwing check counts as "not yet"; its last error is in the timeout's message.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
