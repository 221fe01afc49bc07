import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareWebhookInstall, WebhookInstallError, type PreparedWebhooks } from "../../../src/testing/env/webhook-install.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const WEBHOOK_DIR = join(FIXTURES, "webhook");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function prepare(...args: Parameters<typeof prepareWebhookInstall>): Promise<PreparedWebhooks> {
  const prepared = await prepareWebhookInstall(...args);
  cleanups.push(() => prepared.cleanup());
  return prepared;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kb-webhook-install-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

const webhooks = (c: object): Record<string, any>[] => (c as { webhooks: Record<string, any>[] }).webhooks;

describe("prepareWebhookInstall", () => {
  it("takes the webhook configurations of a config/webhook directory, skipping the Service and kustomization.yaml, and points them at the local server", async () => {
    const prepared = await prepare({ paths: [WEBHOOK_DIR] });
    const { serving } = prepared;
    expect(serving.host).toBe("127.0.0.1");
    expect(serving.port).toBeGreaterThan(0);
    expect(prepared.configurations.map((c) => `${String(c["kind"])}/${String((c["metadata"] as { name: string }).name)}`)).toEqual([
      "MutatingWebhookConfiguration/mutating-webhook-configuration",
      "ValidatingWebhookConfiguration/validating-webhook-configuration",
    ]);
    const caBundle = serving.caData.toString("base64");
    expect(webhooks(prepared.configurations[0]!)[0]!["clientConfig"]).toEqual({ url: `https://127.0.0.1:${serving.port}/mutate-example-com-v1-widget`, caBundle });
    expect(webhooks(prepared.configurations[1]!)[0]!["clientConfig"]).toEqual({ url: `https://127.0.0.1:${serving.port}/validate-example-com-v1-widget`, caBundle });
    // everything else of the webhook is kept
    expect(webhooks(prepared.configurations[0]!)[0]).toMatchObject({ name: "mwidget-v1.kb.io", failurePolicy: "Fail", sideEffects: "None", admissionReviewVersions: ["v1"] });
    expect(serving.url("/convert")).toBe(`https://127.0.0.1:${serving.port}/convert`);
  });

  it("writes a serving certificate for the host, localhost and 127.0.0.1, signed by the CA it gives as caData, and removes its directory on cleanup", async () => {
    const prepared = await prepareWebhookInstall({ localServingHost: "localhost" });
    const { certDir, caData } = prepared.serving;
    const cert = new X509Certificate(readFileSync(join(certDir, "tls.crt")));
    expect(cert.checkIssued(new X509Certificate(caData))).toBe(true);
    expect(cert.verify(new X509Certificate(caData).publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(readFileSync(join(certDir, "tls.key"), "utf8")).toContain("PRIVATE KEY");
    expect(prepared.serving.url("/x")).toMatch(/^https:\/\/localhost:\d+\/x$/);
    await prepared.cleanup();
    expect(existsSync(certDir)).toBe(false);
    await prepared.cleanup(); // twice is fine
  });

  it("uses the given host, port and certificate directory, and leaves that directory in place", async () => {
    const dir = tempDir();
    const certDir = join(dir, "certs");
    const prepared = await prepareWebhookInstall({ localServingHost: "::1", localServingPort: 19443, localServingCertDir: certDir });
    expect(prepared.serving).toMatchObject({ host: "::1", port: 19443, certDir });
    expect(prepared.serving.url("/convert")).toBe("https://[::1]:19443/convert");
    expect(new X509Certificate(readFileSync(join(certDir, "tls.crt"))).subjectAltName).toBe("IP Address:0:0:0:0:0:0:0:1, DNS:localhost, IP Address:127.0.0.1");
    await prepared.cleanup();
    expect(existsSync(join(certDir, "tls.crt"))).toBe(true);
  });

  it("takes configuration objects too: a URL's path and query are kept, kind and apiVersion filled in", async () => {
    const prepared = await prepare({
      mutatingWebhooks: [
        {
          metadata: { name: "m" },
          webhooks: [{ name: "m.example.com", clientConfig: { url: "https://elsewhere.example.com:8443/hooks/mutate?team=a" }, sideEffects: "None", admissionReviewVersions: ["v1"] }],
        },
      ],
      validatingWebhooks: [{ kind: "ValidatingWebhookConfiguration", metadata: { name: "v" }, webhooks: [{ name: "v.example.com", clientConfig: { service: { name: "s", namespace: "n", path: "validate" } } }] }],
    });
    expect(prepared.configurations[0]).toMatchObject({ apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration" });
    expect(webhooks(prepared.configurations[0]!)[0]!["clientConfig"].url).toBe(`https://127.0.0.1:${prepared.serving.port}/hooks/mutate?team=a`);
    expect(webhooks(prepared.configurations[1]!)[0]!["clientConfig"].url).toBe(`https://127.0.0.1:${prepared.serving.port}/validate`);
  });

  it("patches the named CRDs and those declaring Webhook conversion to convert through /convert, and refuses unknown names", async () => {
    const prepared = await prepare({ conversionCrds: ["gizmos.conv.example.com"] });
    const crd = (name: string, conversion?: object) => ({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name }, spec: { group: "x", ...(conversion ? { conversion } : {}) } });
    const input = [
      crd("gizmos.conv.example.com"),
      crd("widgets.example.com", { strategy: "Webhook", webhook: { clientConfig: { service: { name: "webhook-service", namespace: "system", path: "/convert" } }, conversionReviewVersions: ["v1"] } }),
      crd("plain.example.com", { strategy: "None" }),
    ];
    const before = structuredClone(input);
    const patched = prepared.patchCrds(input);
    expect(input).toEqual(before); // copies
    const expected = { strategy: "Webhook", webhook: { clientConfig: { url: prepared.serving.url("/convert"), caBundle: prepared.serving.caData.toString("base64") }, conversionReviewVersions: ["v1"] } };
    expect((patched[0]!["spec"] as { conversion: unknown }).conversion).toEqual(expected);
    expect((patched[1]!["spec"] as { conversion: unknown }).conversion).toEqual(expected);
    expect((patched[2]!["spec"] as { conversion: unknown }).conversion).toEqual({ strategy: "None" });
    expect(() => prepared.patchCrds([input[2]!])).toThrow(
      'webhookInstallOptions.conversionCrds: no CRD named "gizmos.conv.example.com" among the CRDs installed (plain.example.com); names are <plural>.<group>',
    );
  });

  it("names the path or file and what is wrong with it", async () => {
    const missing = join(tmpdir(), "kb-no-such-webhook-dir");
    const e1 = await rejection(prepareWebhookInstall({ paths: [missing] }));
    expect(e1).toBeInstanceOf(WebhookInstallError);
    expect(e1.message).toContain(`webhookInstallOptions.paths: "${missing}" cannot be read`);

    const dir = tempDir();
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "kind: MutatingWebhookConfiguration\nwebhooks: [unclosed\n");
    expect((await rejection(prepareWebhookInstall({ paths: [broken] }))).message).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not valid YAML: `));

    const empty = join(dir, "empty.yaml");
    writeFileSync(empty, "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: nothing\nwebhooks: []\n");
    expect((await rejection(prepareWebhookInstall({ paths: [empty] }))).message).toBe(`${empty}: ValidatingWebhookConfiguration "nothing" has no webhooks`);

    const pathless = join(dir, "pathless.yaml");
    writeFileSync(
      pathless,
      "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: m\nwebhooks:\n- name: m.kb.io\n  clientConfig:\n    service:\n      name: webhook-service\n      namespace: system\n",
    );
    expect((await rejection(prepareWebhookInstall({ paths: [pathless] }))).message).toBe(
      `${pathless}: MutatingWebhookConfiguration "m" webhooks[0] ("m.kb.io") has no path: set clientConfig.service.path (kb generate writes it from the +kubebuilder:webhook marker's path) or a clientConfig.url with a path`,
    );

    expect((await rejection(prepareWebhookInstall({ validatingWebhooks: [{ kind: "Pod", metadata: { name: "p" } }] }))).message).toBe(
      'webhookInstallOptions.validatingWebhooks[0]: expected a ValidatingWebhookConfiguration, got kind "Pod"',
    );
  });
});
