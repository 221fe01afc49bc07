import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, HttpTransport } from "../../../src/runtime/client/index.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager } from "../../../src/runtime/manager/manager.js";
import { ConfigMap } from "../../../src/runtime/resource.js";
import { defaulter } from "../../../src/runtime/webhook/defaulter.js";
import { defaultingPath, validatingPath } from "../../../src/runtime/webhook/paths.js";
import { ValidationError } from "../../../src/runtime/webhook/validation-error.js";
import { validator } from "../../../src/runtime/webhook/validator.js";
import { WebhookServer } from "../../../src/runtime/webhook/webhook-server.js";
import { startTestEnv } from "../../../src/testing/index.js";
import { makeCert, opensslUnavailable, post } from "../webhook/support.js";
import { GreetingReconciler, GreetingResource, type Greeting } from "./sample-operator.js";

const skipReason = opensslUnavailable();
if (skipReason) console.warn(`skipping the manager + webhook server test: ${skipReason}`);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(check).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const review = (uid: string, object: Greeting) => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: {
    uid,
    kind: { group: "example.com", version: "v1", kind: "Greeting" },
    resource: { group: "example.com", version: "v1", resource: "greetings" },
    name: object.metadata?.name,
    namespace: "default",
    operation: "CREATE",
    userInfo: { username: "alice" },
    object,
  },
});

const greeting = (name: string, message: string): Greeting => ({
  apiVersion: "example.com/v1",
  kind: "Greeting",
  metadata: { name, namespace: "default" },
  spec: { message },
});

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe.skipIf(skipReason !== undefined)("Manager with a webhook server and a controller", () => {
  it("serves admission reviews over HTTPS while reconciling, counts them on the manager's registry, and stops both cleanly", async () => {
    const env = await startTestEnv({ crdDirectoryPaths: [join(import.meta.dirname, "fixtures")], backend: "in-process" }); // uses the in-process store
    cleanups.push(() => env.stop());
    const pair = makeCert("manager-webhook");
    const certDir = mkdtempSync(join(tmpdir(), "kb-manager-webhook-"));
    cleanups.push(() => rmSync(certDir, { recursive: true, force: true }));
    writeFileSync(join(certDir, "tls.crt"), pair.cert);
    writeFileSync(join(certDir, "tls.key"), pair.key);

    let releaseSlow: (() => void) | undefined;
    let slowEntered: (() => void) | undefined;
    const webhooks = new WebhookServer({ host: "127.0.0.1", port: 0, certDir, certPollInterval: 0, watchCertDir: false, shutdownTimeout: 5_000 });
    webhooks.register(
      defaultingPath(GreetingResource),
      defaulter(GreetingResource, async (g) => {
        if (g.spec.message === "slow") {
          slowEntered?.();
          await new Promise<void>((resolve) => (releaseSlow = resolve));
        }
        g.metadata!.labels = { ...g.metadata!.labels, greeted: "yes" };
      }),
    );
    webhooks.register(
      validatingPath(GreetingResource),
      validator(GreetingResource, {
        validateCreate(g) {
          if (g.spec.message.includes("rude")) throw new ValidationError("greetings must be polite");
        },
      }),
    );

    const reconciler = new GreetingReconciler();
    const mgr = new Manager({
      kubeConfig: env.kubeConfig,
      webhookServer: webhooks,
      metricsBindAddress: "127.0.0.1:0",
      healthProbeBindAddress: "127.0.0.1:0",
      handleSignals: false,
      logger: silentLogger(),
      gracefulShutdownTimeout: 5_000,
    });
    mgr.controller(GreetingResource).owns(ConfigMap).complete(reconciler);
    const running = mgr.start();
    cleanups.push(async () => {
      mgr.stop();
      await running.catch(() => {});
    });
    await eventually("readiness (informers synced, webhook TLS handshake)", async () => (await mgr.probeServer.run("readyz")).ok);
    const port = webhooks.address()!.port;

    // the controller reconciles ...
    const transport = new HttpTransport({ kubeConfig: env.kubeConfig });
    cleanups.push(() => transport.close());
    const client = new ApiClient(transport);
    await client.create(GreetingResource, greeting("hello", "hi"));
    await eventually("the owned ConfigMap", async () => (await client.get(ConfigMap, { namespace: "default", name: "hello-greeting" })).data?.message === "hi");

    // ... while the webhook server answers admission reviews over HTTPS, trusting only our certificate
    const mutated = await post(port, `${defaultingPath(GreetingResource)}?timeout=10s`, review("u1", greeting("w", "hi")), { ca: pair.cert });
    expect(mutated.status).toBe(200);
    expect(mutated.json.response).toMatchObject({ uid: "u1", allowed: true, patchType: "JSONPatch" });
    const patch = JSON.parse(Buffer.from(mutated.json.response.patch as string, "base64").toString("utf8")) as unknown;
    expect(patch).toEqual([{ op: "add", path: "/metadata/labels", value: { greeted: "yes" } }]);
    const denied = await post(port, validatingPath(GreetingResource), review("u2", greeting("w", "rude words")), { ca: pair.cert });
    expect(denied.json.response).toMatchObject({ uid: "u2", allowed: false, result: { code: 403, message: "greetings must be polite" } });

    const metrics = await mgr.registry.metrics();
    expect(metrics).toContain(`controller_runtime_webhook_requests_total{webhook="${defaultingPath(GreetingResource)}",code="200"} 1`);
    expect(metrics).toContain(`controller_runtime_webhook_requests_total{webhook="${validatingPath(GreetingResource)}",code="200"} 1`);
    expect(metrics).toContain('controller_runtime_reconcile_total{controller="greeting",result="success"}');

    // a review in flight when the manager is told to stop is still answered; then everything closes
    const entered = new Promise<void>((resolve) => (slowEntered = resolve));
    const slow = post(port, defaultingPath(GreetingResource), review("u3", greeting("s", "slow")), { ca: pair.cert });
    await entered;
    mgr.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(await listening(port)).toBe(false); // no new connections once stopping
    releaseSlow!();
    const answered = await slow;
    expect(answered.status).toBe(200);
    expect(answered.json.response).toMatchObject({ uid: "u3", allowed: true });
    await running;
    expect(webhooks.started()).toBe(false);
    expect(await listening(port)).toBe(false);
    await eventually("the informers' watches to close", () => env.server.openWatches === 0, 5_000);
    expect(reconciler.overlaps).toBe(0);
  });
});
