// The chart of `kb edit --plugins=helm/v2-alpha` against the kustomize tree it mirrors: `helm lint`
// passes, and `helm template` with the default values renders what `kubectl kustomize
// config/default` renders (kind, name, namespace and content, Helm's labels aside); each value
// that turns a feature on or off renders what config/ renders with that part added or left out.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKb } from "../../helpers/temp-project.js";
import { find, get, hasKubectl, kustomize, type KubeObject } from "../config/support.js";
import { comparable, expectLabelsKept, HELM, helm, helmTemplate, ids } from "./support.js";

const NS = "shop-system";
const CHART = "dist/chart";

async function kb(dir: string, ...argv: string[]): Promise<string> {
  const r = await runKb(dir, ...argv);
  expect(r.code, `kb ${argv.join(" ")}\n${r.out}\n${r.err}`).toBe(0);
  return r.out;
}

/** A project directory named `shop`, kept for a whole block (each test of a block reads it). */
function projectDir(): { dir: string; remove: () => void } {
  const parent = mkdtempSync(join(tmpdir(), "kb-helm-"));
  const dir = join(parent, "shop");
  return { dir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** config/default rendered, the Namespace aside (Helm installs into an existing namespace). */
function kustomized(dir: string): KubeObject[] {
  return kustomize(dir, "config/default").filter((o) => o.kind !== "Namespace");
}

/** config/default/kustomization.yaml with one of its commented-out lines (`#- ../prometheus`) turned on. */
function uncomment(dir: string, line: string): void {
  const file = join(dir, "config/default/kustomization.yaml");
  const text = readFileSync(file, "utf8");
  expect(text).toContain(`#${line}`);
  writeFileSync(file, text.replace(`#${line}`, line));
}

function expectSameObjects(chart: readonly KubeObject[], kustomized: readonly KubeObject[]): void {
  expect(ids(chart)).toEqual(ids(kustomized));
  expect(comparable(chart)).toEqual(comparable(kustomized));
  expectLabelsKept(chart, kustomized);
}

describe.skipIf(!HELM || !hasKubectl)("the Helm chart renders what config/default renders (skipped without helm or kubectl)", () => {
  const { dir, remove } = projectDir();
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--skip-install");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
  }, 120_000);
  afterAll(remove);

  it("a project without webhooks: helm lint passes and the default values render config/default", async () => {
    const out = await kb(dir, "edit", "--plugins=helm/v2-alpha");
    expect(out).toContain(`created ${CHART}/values.yaml`);
    expect(out).toContain("running kb generate");
    helm("lint", join(dir, CHART));
    expectSameObjects(helmTemplate(join(dir, CHART), "shop", NS), kustomized(dir));
  });

  it("kb create api and kb create webhook bring the chart up to date: CRDs, roles, webhooks, cert-manager, conversion", async () => {
    await kb(dir, "create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--controller=false");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "Archive", "--namespaced=false");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting", "--programmatic-validation");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--conversion", "--spoke", "v2");
    helm("lint", join(dir, CHART));
    const chart = helmTemplate(join(dir, CHART), "shop", NS);
    expectSameObjects(chart, kustomized(dir));
    // What the comparison covers, spelled out: the webhook wiring kustomize's replacements make.
    expect(get(find(chart, "CustomResourceDefinition", "cronjobs.batch.example.com"), "spec", "conversion", "webhook", "clientConfig", "service")).toEqual({
      name: "shop-webhook-service",
      namespace: NS,
      path: "/convert",
    });
    expect(find(chart, "ValidatingWebhookConfiguration", "shop-validating-webhook-configuration").metadata.annotations).toMatchObject({ "cert-manager.io/inject-ca-from": `${NS}/shop-serving-cert` });
    expect(find(chart, "CustomResourceDefinition", "archives.batch.example.com").metadata.annotations).toMatchObject({ "helm.sh/resource-policy": "keep" });
  }, 180_000);

  it("webhook.enable=false: no webhook configurations, Service, certificate or conversion; the manager runs without its webhook server", () => {
    const chart = helmTemplate(join(dir, CHART), "shop", NS, "webhook.enable=false");
    expect(chart.filter((o) => o.kind.endsWith("WebhookConfiguration"))).toEqual([]);
    expect(chart.filter((o) => o.kind === "Service").map((o) => o.metadata.name)).toEqual(["shop-controller-manager-metrics-service"]);
    expect(chart.filter((o) => o.kind === "Certificate").map((o) => o.metadata.name)).toEqual(["shop-metrics-certs"]);
    const crd = find(chart, "CustomResourceDefinition", "cronjobs.batch.example.com");
    expect(get(crd, "spec", "conversion")).toBeUndefined();
    expect(crd.metadata.annotations?.["cert-manager.io/inject-ca-from"]).toBeUndefined();
    const pod = get(find(chart, "Deployment", "shop-controller-manager"), "spec", "template", "spec") as Record<string, unknown>;
    const manager = get(pod, "containers", 0) as Record<string, unknown>;
    expect(manager.args).toEqual(["--metrics-bind-address=:8443", "--leader-elect", "--health-probe-bind-address=:8081"]);
    expect(manager.env).toEqual([{ name: "ENABLE_WEBHOOKS", value: "false" }]);
    expect(manager.ports).toEqual([{ containerPort: 8081, name: "health", protocol: "TCP" }]);
    expect(manager.volumeMounts ?? []).toEqual([]);
    expect(pod.volumes ?? []).toEqual([]);
  });

  it("metrics.enable=false: no metrics Service, roles, certificate or flag", () => {
    const chart = helmTemplate(join(dir, CHART), "shop", NS, "metrics.enable=false", "prometheus.enable=true");
    expect(ids(chart).filter((id) => /metrics/.test(id))).toEqual([]);
    expect(chart.filter((o) => o.kind === "ServiceMonitor")).toEqual([]);
    const manager = get(find(chart, "Deployment", "shop-controller-manager"), "spec", "template", "spec", "containers", 0) as Record<string, unknown>;
    expect(manager.args).toEqual(["--leader-elect", "--health-probe-bind-address=:8081", "--webhook-cert-path=/tmp/k8s-webhook-server/serving-certs"]);
  });

  it("crd.enable=false, leaderElection.enable=false, rbacHelpers.enable=false, certManager.enable=false leave out what they name", () => {
    const chart = helmTemplate(join(dir, CHART), "shop", NS, "crd.enable=false", "leaderElection.enable=false", "rbacHelpers.enable=false", "certManager.enable=false");
    const kinds = new Set(chart.map((o) => o.kind));
    for (const kind of ["CustomResourceDefinition", "Certificate", "Issuer", "Role", "RoleBinding"]) expect(kinds.has(kind), kind).toBe(false);
    expect(chart.filter((o) => o.kind === "ClusterRole").map((o) => o.metadata.name).sort()).toEqual(["shop-manager-role", "shop-metrics-auth-role", "shop-metrics-reader"]);
    expect(find(chart, "MutatingWebhookConfiguration", "shop-mutating-webhook-configuration").metadata.annotations ?? {}).toEqual({});
    const manager = get(find(chart, "Deployment", "shop-controller-manager"), "spec", "template", "spec", "containers", 0) as Record<string, unknown>;
    expect(manager.args).not.toContain("--leader-elect");
  });

  it("values for the image, replicas, resources and more flags reach the Deployment", () => {
    const chart = helmTemplate(join(dir, CHART), "shop", NS, "manager.image.repository=registry.example.com/shop", "manager.image.tag=v1.2.3", "manager.replicas=2", "manager.resources.limits.memory=1Gi", "manager.args={--zap-log-level=debug}");
    const deployment = find(chart, "Deployment", "shop-controller-manager");
    expect(get(deployment, "spec", "replicas")).toBe(2);
    const manager = get(deployment, "spec", "template", "spec", "containers", 0) as Record<string, unknown>;
    expect(manager.image).toBe("registry.example.com/shop:v1.2.3");
    expect(get(manager, "resources", "limits", "memory")).toBe("1Gi");
    expect((manager.args as string[]).at(-1)).toBe("--zap-log-level=debug");
  });

  it("webhook.port and metrics.port move the servers, their Services and the manager's flags together", () => {
    const chart = helmTemplate(join(dir, CHART), "shop", NS, "webhook.port=9444", "metrics.port=9000");
    const manager = get(find(chart, "Deployment", "shop-controller-manager"), "spec", "template", "spec", "containers", 0) as Record<string, unknown>;
    expect(manager.args).toEqual(expect.arrayContaining(["--metrics-bind-address=:9000", "--webhook-port=9444"]));
    expect(manager.ports).toContainEqual({ containerPort: 9444, name: "webhook-server", protocol: "TCP" });
    expect(get(find(chart, "Service", "shop-webhook-service"), "spec", "ports")).toEqual([{ port: 443, protocol: "TCP", targetPort: 9444 }]);
    expect(get(find(chart, "Service", "shop-controller-manager-metrics-service"), "spec", "ports")).toEqual([{ name: "https", port: 9000, protocol: "TCP", targetPort: 9000 }]);
  });

  it("another release name: names follow it, Services' names stay DNS labels, and what calls a Service names it", () => {
    const release = "a-release-whose-name-cuts-the-service-names-short"; // Helm allows 53 characters
    const chart = helmTemplate(join(dir, CHART), release, "elsewhere");
    find(chart, "Deployment", `${release}-shop-controller-manager`);
    const services = chart.filter((o) => o.kind === "Service").map((o) => o.metadata.name);
    for (const name of services) expect(name.length, name).toBeLessThanOrEqual(63);
    const webhookService = services.find((n) => n.endsWith("-webhook-service"))!;
    expect(get(find(chart, "Certificate", `${release}-shop-serving-cert`), "spec", "dnsNames", 0)).toBe(`${webhookService}.elsewhere.svc`);
    expect(get(find(chart, "MutatingWebhookConfiguration", `${release}-shop-mutating-webhook-configuration`), "webhooks", 0, "clientConfig", "service", "name")).toBe(webhookService);
    expect(get(find(chart, "CustomResourceDefinition", "cronjobs.batch.example.com"), "spec", "conversion", "webhook", "clientConfig", "service")).toMatchObject({ name: webhookService, namespace: "elsewhere" });
  });

  it("prometheus.enable, networkPolicy.enable and namespace.create render what config/prometheus, config/network-policy and the Namespace add", () => {
    const chart = helmTemplate(join(dir, CHART), "shop", NS, "prometheus.enable=true", "networkPolicy.enable=true", "namespace.create=true");
    uncomment(dir, "- ../prometheus");
    uncomment(dir, "- ../network-policy");
    const all = kustomize(dir, "config/default");
    expectSameObjects(chart, all);
    expect(get(find(chart, "ServiceMonitor", "shop-controller-manager-metrics-monitor"), "spec", "endpoints", 0, "tlsConfig")).toEqual({ insecureSkipVerify: true });
  });

  it("metrics.useCertManager: the manager serves cert-manager's certificate and the ServiceMonitor verifies it, as config/default's [METRICS-WITH-CERTS] parts", () => {
    const chart = helmTemplate(join(dir, CHART), "shop", NS, "prometheus.enable=true", "networkPolicy.enable=true", "namespace.create=true", "metrics.useCertManager=true");
    // The patch and the replacements config/default holds commented out for this.
    const file = join(dir, "config/default/kustomization.yaml");
    let text = readFileSync(file, "utf8");
    text = text.replace(/#- path: cert_metrics_manager_patch\.yaml\n(\s*)# {2}target:\n\s*# {4}kind: Deployment/, "- path: cert_metrics_manager_patch.yaml\n$1  target:\n$1    kind: Deployment");
    const at = text.indexOf("\nreplacements:");
    text = text.slice(0, at) + text.slice(at).replace(/^ {2}# (?=[- ])/gm, "  ");
    writeFileSync(file, text);
    const prometheus = join(dir, "config/prometheus/kustomization.yaml");
    const withTls = readFileSync(prometheus, "utf8").replace(/#patches:\n#\s*- path: monitor_tls_patch\.yaml\n#\s*target:\n#\s*kind: ServiceMonitor/, "patches:\n  - path: monitor_tls_patch.yaml\n    target:\n      kind: ServiceMonitor");
    writeFileSync(prometheus, withTls);
    expectSameObjects(chart, kustomize(dir, "config/default"));
    const manager = get(find(chart, "Deployment", "shop-controller-manager"), "spec", "template", "spec", "containers", 0) as Record<string, unknown>;
    expect(manager.args).toContain("--metrics-cert-path=/tmp/k8s-metrics-server/metrics-certs");
    expect(get(find(chart, "ServiceMonitor", "shop-controller-manager-metrics-monitor"), "spec", "endpoints", 0, "tlsConfig", "serverName")).toBe(`shop-controller-manager-metrics-service.${NS}.svc`);
  });
});

describe.skipIf(!HELM || !hasKubectl)("the Helm chart of a namespaced multigroup project (skipped without helm or kubectl)", () => {
  const { dir, remove } = projectDir();
  afterAll(remove);

  it("renders config/default: the manager's Role and the ClusterRole of a cluster-scoped kind's controller, WATCH_NAMESPACE, group-qualified roles", async () => {
    mkdirSync(dir, { recursive: true });
    await kb(dir, "init", "--domain", "example.org", "--project-name", "shop", "--multigroup", "--namespaced", "--skip-install");
    await kb(dir, "edit", "--plugins", "helm/v2-alpha");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    await kb(dir, "create", "api", "--group", "ship", "--version", "v1", "--kind", "Frigate", "--namespaced=false");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting");
    helm("lint", join(dir, CHART));
    const chart = helmTemplate(join(dir, CHART), "shop", NS);
    expectSameObjects(chart, kustomized(dir));
    expect(find(chart, "Role", "shop-manager-role").metadata.namespace).toBe(NS);
    find(chart, "ClusterRoleBinding", "shop-manager-cluster-rolebinding");
    find(chart, "ClusterRole", "shop-ship-frigate-admin-role");
  }, 180_000);
});
