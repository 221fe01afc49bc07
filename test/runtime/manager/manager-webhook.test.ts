import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, HttpTransport } from "../../../src/runtime/client/index.js";
import { ApiError } from "../../../src/runtime/errors.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager } from "../../../src/runtime/manager/manager.js";
import { ConfigMap, defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { conversion } from "../../../src/runtime/webhook/conversion.js";
import { defaulter } from "../../../src/runtime/webhook/defaulter.js";
import { CONVERSION_PATH, defaultingPath, validatingPath } from "../../../src/runtime/webhook/paths.js";
import { ValidationError } from "../../../src/runtime/webhook/validation-error.js";
import { validator } from "../../../src/runtime/webhook/validator.js";
import { WebhookServer } from "../../../src/runtime/webhook/webhook-server.js";
import { installCrds } from "../../../src/testing/index.js";
import { describeEachBackend, eventually, freshNamespace, testEnvPerFile } from "../../helpers/backends.js";
import { skipReal } from "../../helpers/real-kubernetes.js";
import { makeCert, opensslUnavailable, post, type CertPair } from "../webhook/support.js";
import { GreetingReconciler, GreetingResource, type Greeting } from "./sample-operator.js";

const skipReason = opensslUnavailable();
if (skipReason) console.warn(`skipping the manager + webhook server test: ${skipReason}`);

const envFor = testEnvPerFile({ crdDirectoryPaths: [join(import.meta.dirname, "fixtures")] });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const review = (uid: string, object: Greeting) => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: {
    uid,
    kind: { group: "example.com", version: "v1", kind: "Greeting" },
    resource: { group: "example.com", version: "v1", resource: "greetings" },
    name: object.metadata?.name,
    namespace: object.metadata?.namespace,
    operation: "CREATE",
    userInfo: { username: "alice" },
    object,
  },
});

const greeting = (namespace: string, name: string, message: string): Greeting => ({
  apiVersion: "example.com/v1",
  kind: "Greeting",
  metadata: { name, namespace },
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

/** A certificate for 127.0.0.1 in a directory of its own, as cert-manager would mount it. */
function certDirectory(name: string): { pair: CertPair; certDir: string } {
  const pair = makeCert(name);
  const certDir = mkdtempSync(join(tmpdir(), "kb-manager-webhook-"));
  cleanups.push(() => rmSync(certDir, { recursive: true, force: true }));
  writeFileSync(join(certDir, "tls.crt"), pair.cert);
  writeFileSync(join(certDir, "tls.key"), pair.key);
  return { pair, certDir };
}

describe.skipIf(skipReason !== undefined)("Manager with a webhook server", () => {
  describeEachBackend("Manager with a webhook server and a controller", (backend) => {
    it("serves admission reviews over HTTPS while reconciling, counts them on the manager's registry, and stops both cleanly", async () => {
      const env = await envFor(backend);
      const ns = await freshNamespace(env.kubeConfig, "webhook");
      const { pair, certDir } = certDirectory("manager-webhook");

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
      await client.create(GreetingResource, greeting(ns, "hello", "hi"));
      await eventually("the owned ConfigMap", async () => (await client.get(ConfigMap, { namespace: ns, name: "hello-greeting" })).data?.message === "hi");

      // ... while the webhook server answers admission reviews over HTTPS, trusting only our certificate
      const mutated = await post(port, `${defaultingPath(GreetingResource)}?timeout=10s`, review("u1", greeting(ns, "w", "hi")), { ca: pair.cert });
      expect(mutated.status).toBe(200);
      expect(mutated.json.response).toMatchObject({ uid: "u1", allowed: true, patchType: "JSONPatch" });
      const patch = JSON.parse(Buffer.from(mutated.json.response.patch as string, "base64").toString("utf8")) as unknown;
      expect(patch).toEqual([{ op: "add", path: "/metadata/labels", value: { greeted: "yes" } }]);
      const denied = await post(port, validatingPath(GreetingResource), review("u2", greeting(ns, "w", "rude words")), { ca: pair.cert });
      // the Status is the response's "status" (Go's AdmissionResponse.Result), which the API server reads
      expect(denied.json.response).toMatchObject({ uid: "u2", allowed: false, status: { code: 403, message: "greetings must be polite" } });

      const metrics = await mgr.registry.metrics();
      expect(metrics).toContain(`controller_runtime_webhook_requests_total{webhook="${defaultingPath(GreetingResource)}",code="200"} 1`);
      expect(metrics).toContain(`controller_runtime_webhook_requests_total{webhook="${validatingPath(GreetingResource)}",code="200"} 1`);
      expect(metrics).toContain('controller_runtime_reconcile_total{controller="greeting",result="success"}');

      // a review in flight when the manager is told to stop is still answered; then everything closes
      const entered = new Promise<void>((resolve) => (slowEntered = resolve));
      const slow = post(port, defaultingPath(GreetingResource), review("u3", greeting(ns, "s", "slow")), { ca: pair.cert });
      await entered;
      mgr.stop();
      await eventually("no new connections once stopping", async () => !(await listening(port)));
      releaseSlow!();
      const answered = await slow;
      expect(answered.status).toBe(200);
      expect(answered.json.response).toMatchObject({ uid: "u3", allowed: true });
      await running;
      expect(webhooks.started()).toBe(false);
      expect(await listening(port)).toBe(false);
      // the in-process server can tell that the informers' watches closed
      if (backend === "in-process") await eventually("the informers' watches to close", () => env.server.openWatches === 0, 5_000);
      expect(reconciler.overlaps).toBe(0);
    });
  });

  // Only a real API server has an admission chain that calls webhooks (the in-process server
  // stores webhook configurations but never calls them).
  describe.skipIf(skipReal("the real API server calling the manager's webhooks"))("the real API server calling the manager's webhooks [real]", () => {
    const MutatingWebhookConfiguration = defineResource<KubernetesObject>({ group: "admissionregistration.k8s.io", version: "v1", kind: "MutatingWebhookConfiguration", plural: "mutatingwebhookconfigurations", namespaced: false });
    const ValidatingWebhookConfiguration = defineResource<KubernetesObject>({ group: "admissionregistration.k8s.io", version: "v1", kind: "ValidatingWebhookConfiguration", plural: "validatingwebhookconfigurations", namespaced: false });

    it("defaults and validates Greetings on create and update through the manager's webhook server, and the controller reconciles the defaulted object", async () => {
      const env = await envFor("real");
      const ns = await freshNamespace(env.kubeConfig, "admission");
      const { pair, certDir } = certDirectory("127.0.0.1");
      const reviewed: string[] = [];
      const webhooks = new WebhookServer({ host: "127.0.0.1", port: 0, certDir, certPollInterval: 0, watchCertDir: false, shutdownTimeout: 5_000 });
      webhooks.register(
        defaultingPath(GreetingResource),
        defaulter(GreetingResource, (g, req) => {
          reviewed.push(`default ${req.operation} ${g.metadata?.name}${req.dryRun ? " (dry run)" : ""}`);
          g.metadata!.labels = { ...g.metadata!.labels, greeted: "yes" };
          if (g.spec.message === "") g.spec.message = "hello";
        }),
      );
      webhooks.register(
        validatingPath(GreetingResource),
        validator(GreetingResource, {
          validateCreate(g) {
            if (g.spec.message.includes("rude")) throw new ValidationError("greetings must be polite");
          },
          validateUpdate(old, g) {
            if (old.spec.message !== g.spec.message && g.spec.message.includes("rude")) throw new ValidationError(`no rude change of ${old.spec.message}`);
            return g.spec.message === "warn me" ? ["that message is questionable"] : undefined;
          },
        }),
      );
      const reconciler = new GreetingReconciler();
      const mgr = new Manager({
        kubeConfig: env.kubeConfig,
        webhookServer: webhooks,
        metricsBindAddress: "0",
        healthProbeBindAddress: "127.0.0.1:0",
        handleSignals: false,
        logger: silentLogger(),
        gracefulShutdownTimeout: 5_000,
        namespace: ns,
      });
      mgr.controller(GreetingResource).owns(ConfigMap).complete(reconciler);
      const running = mgr.start();
      cleanups.push(async () => {
        mgr.stop();
        await running.catch(() => {});
      });
      await eventually("readiness", async () => (await mgr.probeServer.run("readyz")).ok);
      const url = `https://127.0.0.1:${webhooks.address()!.port}`;

      const client = new ApiClient(new HttpTransport({ kubeConfig: env.kubeConfig }));
      cleanups.push(() => (client.transport as HttpTransport).close());
      const webhook = (name: string, path: string) => ({
        name,
        clientConfig: { url: `${url}${path}`, caBundle: pair.cert.toString("base64") },
        rules: [{ apiGroups: ["example.com"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["greetings"] }],
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
        sideEffects: "None",
        admissionReviewVersions: ["v1"],
        failurePolicy: "Fail",
        timeoutSeconds: 10,
      });
      await client.create(MutatingWebhookConfiguration, { metadata: { name: `m-${ns}` }, webhooks: [webhook("mgreeting.example.com", defaultingPath(GreetingResource))] } as KubernetesObject);
      await client.create(ValidatingWebhookConfiguration, { metadata: { name: `v-${ns}` }, webhooks: [webhook("vgreeting.example.com", validatingPath(GreetingResource))] } as KubernetesObject);
      cleanups.push(async () => {
        await client.delete(MutatingWebhookConfiguration, { name: `m-${ns}` }).catch(() => {});
        await client.delete(ValidatingWebhookConfiguration, { name: `v-${ns}` }).catch(() => {});
      });
      // The API server picks webhook configurations up from its own informer: dry runs until both answer.
      await eventually("the API server to call both webhooks", async () => {
        const probe = await client.create(GreetingResource, greeting(ns, "probe", "hi"), { dryRun: true });
        if (probe.metadata?.labels?.["greeted"] !== "yes") return false;
        const refused = await client.create(GreetingResource, greeting(ns, "probe", "rude"), { dryRun: true }).catch((e: unknown) => e);
        return refused instanceof ApiError;
      });
      expect(reviewed).toContain("default CREATE probe (dry run)");

      const created = await client.create(GreetingResource, greeting(ns, "hello", ""));
      expect(created.metadata?.labels).toEqual({ greeted: "yes" });
      expect(created.spec.message).toBe("hello");
      await eventually("the ConfigMap of the defaulted message", async () => (await client.get(ConfigMap, { namespace: ns, name: "hello-greeting" })).data?.message === "hello");

      const refused = await client.create(GreetingResource, greeting(ns, "rude", "rude words")).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).statusCode).toBe(403);
      expect((refused as ApiError).message).toContain('admission webhook "vgreeting.example.com" denied the request: greetings must be polite');

      const rudeChange = await client.patch(GreetingResource, { namespace: ns, name: "hello" }, { spec: { message: "rude" } }, { type: "merge" }).catch((e: unknown) => e);
      expect((rudeChange as ApiError).statusCode).toBe(403);
      expect((rudeChange as ApiError).message).toContain("no rude change of hello");
      const updated = await client.patch(GreetingResource, { namespace: ns, name: "hello" }, { spec: { message: "warn me" }, metadata: { labels: null } }, { type: "merge" });
      expect(updated.metadata?.labels).toEqual({ greeted: "yes" }); // defaulted again on update
      await eventually("the ConfigMap of the update", async () => (await client.get(ConfigMap, { namespace: ns, name: "hello-greeting" })).data?.message === "warn me");
      expect(reviewed).toEqual(expect.arrayContaining(["default CREATE hello", "default UPDATE hello"]));
      expect(await mgr.registry.metrics()).toMatch(new RegExp(`controller_runtime_webhook_requests_total\\{webhook="${validatingPath(GreetingResource)}",code="200"\\} [1-9]`));
    });

    it("converts a custom resource between its versions for the API server through the manager's /convert", async () => {
      type SalutationV1 = KubernetesObject & { spec: { text: string } };
      type SalutationV1beta1 = KubernetesObject & { spec: { words: string } };
      const Salutation = defineResource<SalutationV1>({ group: "example.com", version: "v1", kind: "Salutation", plural: "salutations", namespaced: true });
      const SalutationBeta = defineResource<SalutationV1beta1>({ group: "example.com", version: "v1beta1", kind: "Salutation", plural: "salutations", namespaced: true });
      const env = await envFor("real");
      const ns = await freshNamespace(env.kubeConfig, "conversion");
      const { pair, certDir } = certDirectory("127.0.0.1");
      const webhooks = new WebhookServer({ host: "127.0.0.1", port: 0, certDir, certPollInterval: 0, watchCertDir: false, shutdownTimeout: 5_000 });
      const asked: string[] = [];
      webhooks.registerConversion(
        conversion<SalutationV1>({
          hub: Salutation,
          spokes: {
            v1beta1: {
              toHub: (old: SalutationV1beta1) => (asked.push("toHub"), { ...old, spec: { text: old.spec.words.split("-").join(" ") } }) as SalutationV1,
              fromHub: (s) => (asked.push("fromHub"), { ...s, spec: { words: s.spec.text.split(" ").join("-") } }),
            },
          },
        }),
      );
      const mgr = new Manager({ kubeConfig: env.kubeConfig, webhookServer: webhooks, metricsBindAddress: "0", healthProbeBindAddress: "127.0.0.1:0", handleSignals: false, logger: silentLogger() });
      const running = mgr.start();
      cleanups.push(async () => {
        mgr.stop();
        await running.catch(() => {});
      });
      await eventually("readiness", async () => (await mgr.probeServer.run("readyz")).ok);
      const schema = (field: string) => ({
        openAPIV3Schema: { type: "object", properties: { spec: { type: "object", required: [field], properties: { [field]: { type: "string" } } } } },
      });
      await installCrds(env.kubeConfig, [
        {
          apiVersion: "apiextensions.k8s.io/v1",
          kind: "CustomResourceDefinition",
          metadata: { name: "salutations.example.com" },
          spec: {
            group: "example.com",
            names: { kind: "Salutation", listKind: "SalutationList", plural: "salutations", singular: "salutation" },
            scope: "Namespaced",
            versions: [
              { name: "v1", served: true, storage: true, schema: schema("text") },
              { name: "v1beta1", served: true, storage: false, schema: schema("words") },
            ],
            conversion: {
              strategy: "Webhook",
              webhook: { conversionReviewVersions: ["v1"], clientConfig: { url: `https://127.0.0.1:${webhooks.address()!.port}${CONVERSION_PATH}`, caBundle: pair.cert.toString("base64") } },
            },
          },
        } as KubernetesObject,
      ]);
      const client = new ApiClient(new HttpTransport({ kubeConfig: env.kubeConfig }));
      cleanups.push(() => (client.transport as HttpTransport).close());

      // written as v1beta1, stored as v1 (the hub), read back in either version
      const created = await client.create(SalutationBeta, { metadata: { name: "hi", namespace: ns, labels: { a: "b" } }, spec: { words: "good-morning" } });
      expect(created).toMatchObject({ apiVersion: "example.com/v1beta1", spec: { words: "good-morning" }, metadata: { labels: { a: "b" } } });
      const hub = await client.get(Salutation, { namespace: ns, name: "hi" });
      expect(hub).toMatchObject({ apiVersion: "example.com/v1", spec: { text: "good morning" }, metadata: { uid: created.metadata?.uid, labels: { a: "b" } } });
      const listed = await client.list(SalutationBeta, { namespace: ns });
      expect(listed.map((o) => o.spec.words)).toEqual(["good-morning"]);
      const patched = await client.patch(SalutationBeta, { namespace: ns, name: "hi" }, { spec: { words: "good-night" } }, { type: "merge" });
      expect(patched.spec.words).toBe("good-night");
      expect((await client.get(Salutation, { namespace: ns, name: "hi" })).spec.text).toBe("good night");
      expect(asked).toEqual(expect.arrayContaining(["toHub", "fromHub"]));
      expect(await mgr.registry.metrics()).toMatch(new RegExp(`controller_runtime_webhook_requests_total\\{webhook="${CONVERSION_PATH}",code="200"\\} [1-9]`));
    });
  });
});
