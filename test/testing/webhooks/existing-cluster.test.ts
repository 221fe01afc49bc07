import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, HttpTransport } from "../../../src/runtime/client/index.js";
import { defaulter } from "../../../src/runtime/webhook/defaulter.js";
import { defaultingPath } from "../../../src/runtime/webhook/paths.js";
import { WebhookServer } from "../../../src/runtime/webhook/webhook-server.js";
import { startTestEnv } from "../../../src/testing/index.js";
import { FIXTURES, KIT_CRDS, WidgetResource } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("webhookInstallOptions on an existing cluster", () => {
  it("installs the configurations and the patched CRDs there (here: another in-process server, which then calls the local webhook server)", async () => {
    const host = await startTestEnv({ env: {} });
    cleanups.push(() => host.stop());
    const dir = mkdtempSync(join(tmpdir(), "kb-webhooks-existing-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "config"), host.kubeConfig.exportConfig());
    const saved = process.env["KUBECONFIG"];
    process.env["KUBECONFIG"] = join(dir, "config");
    cleanups.push(() => {
      if (saved === undefined) delete process.env["KUBECONFIG"];
      else process.env["KUBECONFIG"] = saved;
    });

    const env = await startTestEnv({
      env: { USE_EXISTING_CLUSTER: "true" },
      crdDirectoryPaths: [KIT_CRDS],
      webhookInstallOptions: { paths: [join(FIXTURES, "webhook")], conversionCrds: ["widgets.example.com"] },
    });
    cleanups.push(() => env.stop());
    expect(env.existingCluster).toBe(true);
    const serving = env.webhook!;
    const mwc = host.store.get(host.store.resolve("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations"), undefined, "mutating-webhook-configuration");
    expect((mwc["webhooks"] as { clientConfig: { url: string } }[])[0]!.clientConfig.url).toBe(serving.url("/mutate-example-com-v1-widget"));
    const crd = host.store.get(host.store.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions"), undefined, "widgets.example.com");
    expect(crd["spec"]).toMatchObject({ conversion: { strategy: "Webhook", webhook: { clientConfig: { url: serving.url("/convert") } } } });

    const server = new WebhookServer({ host: serving.host, port: serving.port, certDir: serving.certDir, certPollInterval: 0, watchCertDir: false, shutdownTimeout: 5_000 });
    server.register(defaultingPath(WidgetResource), defaulter(WidgetResource, (w) => void (w.metadata!.labels = { via: "existing-cluster" })));
    server.register("/validate-example-com-v1-widget", () => ({ allowed: true }));
    await server.start();
    cleanups.push(() => server.stop());
    const transport = new HttpTransport({ kubeConfig: env.kubeConfig });
    cleanups.push(() => transport.close());
    const created = await new ApiClient(transport).create(WidgetResource, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "default" } });
    expect(created.metadata?.labels).toEqual({ via: "existing-cluster" });
  });
});
