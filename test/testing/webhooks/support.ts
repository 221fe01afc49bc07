// Helpers of the webhook tests: a test environment with webhooks installed and the runtime's
// WebhookServer serving them, a client, and waiting without fixed sleeps.
import { join } from "node:path";
import { Registry } from "prom-client";
import { ApiClient, HttpTransport } from "../../../src/runtime/client/index.js";
import { ApiError } from "../../../src/runtime/errors.js";
import { defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { WebhookServer } from "../../../src/runtime/webhook/webhook-server.js";
import { startTestEnv, type TestEnv, type TestEnvOptions } from "../../../src/testing/index.js";

export const FIXTURES = join(import.meta.dirname, "fixtures");
/** The widgets (example.com v1 stored, v2 served, schema defaults) and gadgets CRDs of the testing kit's fixtures. */
export const KIT_CRDS = join(import.meta.dirname, "..", "fixtures", "crds");

export interface Widget extends KubernetesObject {
  spec?: { size?: number; color?: string; tags?: string[] };
  status?: { phase?: string };
}
export const WidgetResource = defineResource<Widget>({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });
export const WidgetV2Resource = defineResource<Widget>({ group: "example.com", version: "v2", kind: "Widget", plural: "widgets", namespaced: true });

/** A test environment with webhooks, the WebhookServer serving them, and a client over HTTP. */
export interface WebhookEnv {
  readonly env: TestEnv;
  readonly server: WebhookServer;
  readonly registry: Registry;
  readonly client: ApiClient;
  readonly transport: HttpTransport;
  /** Stops the webhook server (to see the API server fail to call it). */
  stopWebhooks(): Promise<void>;
}

/**
 * Starts `startTestEnv(options)` and a WebhookServer on `env.webhook`'s host, port and
 * certificate, with what `register` registers; `cleanups` gets what stops them.
 */
export async function startWebhookEnv(
  options: TestEnvOptions,
  register: (server: WebhookServer) => void,
  cleanups: (() => Promise<void> | void)[],
): Promise<WebhookEnv> {
  // In-process unless the test names a backend: these tests read the store and count requests.
  const env = await startTestEnv({ backend: "in-process", ...options });
  cleanups.push(() => env.stop());
  const serving = env.webhook!;
  const registry = new Registry();
  const server = new WebhookServer({ host: serving.host, port: serving.port, certDir: serving.certDir, certPollInterval: 0, watchCertDir: false, shutdownTimeout: 5_000, registry });
  register(server);
  await server.start();
  cleanups.push(() => server.stop());
  const transport = new HttpTransport({ kubeConfig: env.kubeConfig });
  cleanups.push(() => transport.close());
  return { env, server, registry, client: new ApiClient(transport), transport, stopWebhooks: () => server.stop() };
}

/** The ApiError a call fails with (fails the test when it succeeds or fails otherwise). */
export async function apiError(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected the call to fail with an ApiError, but it succeeded");
}

/** How many requests the webhook server answered on `path` (its controller_runtime_webhook_requests_total). */
export async function requestsServed(registry: Registry, path: string): Promise<number> {
  const metric = await registry.getSingleMetric("controller_runtime_webhook_requests_total")?.get();
  return (metric?.values ?? []).filter((v) => v.labels["webhook"] === path).reduce((n, v) => n + v.value, 0);
}

/** Resolves once `check` holds, polling every 10 ms; fails after `timeoutMs` (generous: loaded machines). */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A promise and its resolver. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
