import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../src/model/index.js";
import { admitObject } from "../../../src/testing/index.js";
import { runKb, tempDir } from "../../helpers/temp-project.js";
import { find, get, hasKubectl, kb, kustomize, type KubeObject } from "./support.js";

const CA_ANNOTATION = "cert-manager.io/inject-ca-from";

/** The manager's container in the rendered Deployment. */
function managerContainer(objects: readonly KubeObject[], prefix: string): Record<string, unknown> {
  const deployment = find(objects, "Deployment", `${prefix}controller-manager`);
  const containers = get(deployment, "spec", "template", "spec", "containers") as Record<string, unknown>[];
  expect(containers.map((c) => c.name)).toEqual(["manager"]);
  return containers[0]!;
}

/** Every sample object renders from config/samples and passes its CRD version's schema. */
function expectSamplesValid(dir: string, expected: readonly string[]): void {
  const crds = kustomize(dir, "config/crd").filter((o) => o.kind === "CustomResourceDefinition");
  const samples = kustomize(dir, "config/samples");
  expect(samples.map((s) => `${s.apiVersion} ${s.kind} ${s.metadata.name}`).sort()).toEqual([...expected].sort());
  for (const sample of samples) {
    const [group, version] = sample.apiVersion.split("/");
    const crd = crds.find((c) => get(c, "spec", "group") === group && get(c, "spec", "names", "kind") === sample.kind);
    expect(crd, `the CRD of ${sample.apiVersion} ${sample.kind}`).toBeDefined();
    const versions = get(crd, "spec", "versions") as { name: string; schema: { openAPIV3Schema: JSONSchemaProps } }[];
    const schema = versions.find((v) => v.name === version)!.schema.openAPIV3Schema;
    expect(admitObject(schema, sample, undefined).causes, `${sample.apiVersion} ${sample.kind}`).toEqual([]);
  }
}

describe.skipIf(!hasKubectl)("config/ after kb init renders with kubectl kustomize (skipped without kubectl)", () => {
  it("deploys the manager with restricted pod security, its RBAC and the metrics Service", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--skip-install");
    const objects = kustomize(dir, "config/default");

    expect(find(objects, "Namespace", "shop-system").metadata.labels).toMatchObject({ "control-plane": "controller-manager", "app.kubernetes.io/name": "shop" });
    for (const o of objects.filter((o) => !["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o.kind))) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe("shop-system");
    expect(objects.filter((o) => ["CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "Certificate"].includes(o.kind))).toEqual([]);

    const deployment = find(objects, "Deployment", "shop-controller-manager");
    expect(deployment.metadata.labels).toEqual({ "control-plane": "controller-manager", "app.kubernetes.io/name": "shop", "app.kubernetes.io/managed-by": "kustomize" });
    expect(get(deployment, "spec", "selector", "matchLabels")).toEqual({ "control-plane": "controller-manager", "app.kubernetes.io/name": "shop" });
    const pod = get(deployment, "spec", "template", "spec") as Record<string, unknown>;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.serviceAccountName).toBe("shop-controller-manager");
    expect(pod.terminationGracePeriodSeconds).toBe(10);
    const manager = managerContainer(objects, "shop-");
    expect(manager.image).toBe("controller:latest");
    expect(manager.command).toBeUndefined(); // the image's ENTRYPOINT runs the manager
    expect(manager.args).toEqual(["--metrics-bind-address=:8443", "--leader-elect", "--health-probe-bind-address=:8081"]);
    expect(manager.env).toBeUndefined();
    expect(manager.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(get(manager, "livenessProbe", "httpGet")).toEqual({ path: "/healthz", port: 8081 });
    expect(get(manager, "readinessProbe", "httpGet")).toEqual({ path: "/readyz", port: 8081 });
    expect(Object.keys(get(manager, "resources", "requests") as object).sort()).toEqual(["cpu", "memory"]);
    expect(Object.keys(get(manager, "resources", "limits") as object).sort()).toEqual(["cpu", "memory"]);

    const subject = { kind: "ServiceAccount", name: "shop-controller-manager", namespace: "shop-system" };
    find(objects, "ServiceAccount", "shop-controller-manager");
    expect(find(objects, "ClusterRole", "shop-manager-role")).toBeDefined();
    expect(find(objects, "ClusterRoleBinding", "shop-manager-rolebinding")).toMatchObject({ roleRef: { kind: "ClusterRole", name: "shop-manager-role" }, subjects: [subject] });
    expect(get(find(objects, "Role", "shop-leader-election-role"), "rules", 0, "resources")).toEqual(["leases"]);
    expect(find(objects, "RoleBinding", "shop-leader-election-rolebinding")).toMatchObject({ roleRef: { kind: "Role", name: "shop-leader-election-role" }, subjects: [subject] });
    expect(find(objects, "ClusterRole", "shop-metrics-auth-role").rules).toEqual([
      { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
      { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
    ]);
    expect(find(objects, "ClusterRoleBinding", "shop-metrics-auth-rolebinding")).toMatchObject({ roleRef: { name: "shop-metrics-auth-role" }, subjects: [subject] });
    expect(find(objects, "ClusterRole", "shop-metrics-reader").rules).toEqual([{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
    const metrics = find(objects, "Service", "shop-controller-manager-metrics-service");
    expect(get(metrics, "spec", "ports")).toEqual([{ name: "https", port: 8443, protocol: "TCP", targetPort: 8443 }]);
    expect(get(metrics, "spec", "selector")).toEqual({ "control-plane": "controller-manager", "app.kubernetes.io/name": "shop" });

    expect(kustomize(dir, "config/crd")).toEqual([]);
    expect(kustomize(dir, "config/samples")).toEqual([]);
    expect(kustomize(dir, "config/prometheus").map((o) => o.kind)).toEqual(["ServiceMonitor"]);
    expect(kustomize(dir, "config/network-policy").map((o) => o.metadata.name)).toEqual(["allow-metrics-traffic"]);
  });

  it("--namespaced: the manager watches its namespace (WATCH_NAMESPACE) and its role is a Role", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--namespaced", "--skip-install");
    const objects = kustomize(dir, "config/default");
    expect(managerContainer(objects, "shop-").env).toEqual([{ name: "WATCH_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } }]);
    expect(find(objects, "Role", "shop-manager-role").metadata.namespace).toBe("shop-system");
    expect(find(objects, "RoleBinding", "shop-manager-rolebinding")).toMatchObject({ roleRef: { kind: "Role", name: "shop-manager-role" } });
    expect(objects.filter((o) => o.kind === "ClusterRoleBinding").map((o) => o.metadata.name)).toEqual(["shop-metrics-auth-rolebinding"]);
    find(objects, "Role", "shop-leader-election-role");
  });
});

/** Every resource a role's rules name, sorted. */
function resources(role: KubeObject): string[] {
  return (get(role, "rules") as { resources: string[] }[]).flatMap((r) => r.resources).sort();
}

describe.skipIf(!hasKubectl)("RBAC of a namespaced project renders with kubectl kustomize (skipped without kubectl)", () => {
  it("grants namespaced kinds through the Role and cluster-scoped kinds through a ClusterRole bound once", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--namespaced", "--skip-install");
    await kb(dir, "create", "api", "--group", "crew", "--version", "v1", "--kind", "Captain");
    await kb(dir, "create", "api", "--group", "crew", "--version", "v1", "--kind", "Admiral", "--namespaced=false");
    await kb(dir, "create", "api", "--group", "core", "--version", "v1", "--kind", "Namespace", "--resource=false", "--controller");
    await kb(dir, "create", "api", "--group", "apps", "--version", "v1", "--kind", "Deployment", "--resource=false", "--controller");
    const objects = kustomize(dir, "config/default");

    const role = find(objects, "Role", "shop-manager-role");
    expect(role.metadata.namespace).toBe("shop-system");
    expect(resources(role)).toEqual(["captains", "captains/finalizers", "captains/status", "deployments", "deployments/finalizers", "deployments/status"]);
    expect(find(objects, "RoleBinding", "shop-manager-rolebinding")).toMatchObject({ roleRef: { kind: "Role", name: "shop-manager-role" } });

    const clusterRole = find(objects, "ClusterRole", "shop-manager-role");
    expect(resources(clusterRole)).toEqual(["admirals", "admirals/finalizers", "admirals/status", "namespaces", "namespaces/finalizers", "namespaces/status"]);
    expect(find(objects, "ClusterRoleBinding", "shop-manager-cluster-rolebinding")).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "shop-manager-role" },
      subjects: [{ kind: "ServiceAccount", name: "shop-controller-manager", namespace: "shop-system" }],
    });
    const kustomization = readFileSync(join(dir, "config/rbac/kustomization.yaml"), "utf8");
    expect(kustomization.match(/- manager_cluster_role_binding\.yaml/g)).toHaveLength(1);
  });

  it("kb edit --namespaced binds the ClusterRole of the cluster-scoped kinds' controllers", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--skip-install");
    await kb(dir, "create", "api", "--group", "crew", "--version", "v1", "--kind", "Admiral", "--namespaced=false");
    expect(existsSync(join(dir, "config/rbac/manager_cluster_role_binding.yaml"))).toBe(false);
    const edit = await runKb(dir, "edit", "--namespaced");
    expect(edit.code, edit.err).toBe(0);
    expect(edit.out).toContain("the controllers of cluster-scoped kinds (Admiral) keep theirs: config/rbac/manager_cluster_role_binding.yaml binds their ClusterRole");
    const objects = kustomize(dir, "config/default");
    expect(find(objects, "ClusterRoleBinding", "shop-manager-cluster-rolebinding")).toMatchObject({ roleRef: { kind: "ClusterRole", name: "shop-manager-role" } });
    expect(resources(find(objects, "ClusterRole", "shop-manager-role"))).toContain("admirals");

    const back = await runKb(dir, "edit", "--namespaced=false");
    expect(back.code, back.err).toBe(0);
    expect(back.out).toContain("config/rbac/manager_cluster_role_binding.yaml is no longer needed");
  });
});

describe.skipIf(!hasKubectl)("config/ after kb create api and kb create webhook renders with kubectl kustomize (skipped without kubectl)", () => {
  it("single group: CRDs, samples, helper roles, webhooks with cert-manager CA injection, conversion", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--skip-install");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--controller=false");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "Archive", "--namespaced=false");
    const beforeWebhooks = kustomize(dir, "config/default");
    expect(beforeWebhooks.filter((o) => o.kind === "CustomResourceDefinition").map((o) => o.metadata.name).sort()).toEqual(["archives.batch.example.com", "cronjobs.batch.example.com"]);
    expect(beforeWebhooks.filter((o) => o.kind === "Certificate")).toEqual([]);

    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting", "--programmatic-validation");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--conversion", "--spoke", "v2");
    const objects = kustomize(dir, "config/default");

    for (const kind of ["admin", "editor", "viewer"]) {
      const role = find(objects, "ClusterRole", `shop-cronjob-${kind}-role`);
      expect(get(role, "rules", 0)).toMatchObject({ apiGroups: ["batch.example.com"], resources: ["cronjobs"] });
      find(objects, "ClusterRole", `shop-archive-${kind}-role`);
    }
    expect(get(find(objects, "ClusterRole", "shop-cronjob-viewer-role"), "rules", 0, "verbs")).toEqual(["get", "list", "watch"]);

    const caFrom = "shop-system/shop-serving-cert";
    const cronjobs = find(objects, "CustomResourceDefinition", "cronjobs.batch.example.com");
    expect(cronjobs.metadata.annotations?.[CA_ANNOTATION]).toBe(caFrom);
    expect(get(cronjobs, "spec", "conversion")).toEqual({
      strategy: "Webhook",
      webhook: { clientConfig: { service: { name: "shop-webhook-service", namespace: "shop-system", path: "/convert" } }, conversionReviewVersions: ["v1"] },
    });
    expect(find(objects, "CustomResourceDefinition", "archives.batch.example.com").metadata.annotations?.[CA_ANNOTATION]).toBeUndefined();
    for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
      const config = find(objects, kind, `shop-${kind === "MutatingWebhookConfiguration" ? "mutating" : "validating"}-webhook-configuration`);
      expect(config.metadata.annotations?.[CA_ANNOTATION]).toBe(caFrom);
      expect(get(config, "webhooks", 0, "clientConfig", "service")).toMatchObject({ name: "shop-webhook-service", namespace: "shop-system" });
    }

    const serving = find(objects, "Certificate", "shop-serving-cert");
    expect(get(serving, "spec")).toEqual({
      dnsNames: ["shop-webhook-service.shop-system.svc", "shop-webhook-service.shop-system.svc.cluster.local"],
      issuerRef: { kind: "Issuer", name: "shop-selfsigned-issuer" },
      secretName: "webhook-server-cert",
    });
    expect(get(find(objects, "Certificate", "shop-metrics-certs"), "spec", "dnsNames")).toEqual([
      "shop-controller-manager-metrics-service.shop-system.svc",
      "shop-controller-manager-metrics-service.shop-system.svc.cluster.local",
    ]);
    expect(get(find(objects, "Issuer", "shop-selfsigned-issuer"), "spec")).toEqual({ selfSigned: {} });
    expect(get(find(objects, "Service", "shop-webhook-service"), "spec", "ports")).toEqual([{ port: 443, protocol: "TCP", targetPort: 9443 }]);

    const manager = managerContainer(objects, "shop-");
    expect(manager.args).toContain("--webhook-cert-path=/tmp/k8s-webhook-server/serving-certs");
    expect(manager.ports).toContainEqual({ containerPort: 9443, name: "webhook-server", protocol: "TCP" });
    expect(manager.volumeMounts).toEqual([{ mountPath: "/tmp/k8s-webhook-server/serving-certs", name: "webhook-certs", readOnly: true }]);
    const pod = get(find(objects, "Deployment", "shop-controller-manager"), "spec", "template", "spec");
    expect(get(pod, "volumes")).toEqual([{ name: "webhook-certs", secret: { secretName: "webhook-server-cert" } }]);

    expectSamplesValid(dir, ["batch.example.com/v1 CronJob cronjob-sample", "batch.example.com/v2 CronJob cronjob-sample", "batch.example.com/v1 Archive archive-sample"]);
    expect(kustomize(dir, "config/network-policy").map((o) => o.metadata.name).sort()).toEqual(["allow-metrics-traffic", "allow-webhook-traffic"]);
  });

  it("multigroup and namespaced: group-qualified roles and patches, a defaulting webhook and a conversion webhook", async () => {
    const dir = tempDir("fleet");
    await kb(dir, "init", "--domain", "example.org", "--project-name", "fleet", "--multigroup", "--namespaced", "--skip-install");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    await kb(dir, "create", "api", "--group", "ship", "--version", "v1", "--kind", "Frigate", "--namespaced=false");
    await kb(dir, "create", "api", "--group", "ship", "--version", "v2", "--kind", "Frigate", "--namespaced=false", "--controller=false");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting");
    await kb(dir, "create", "webhook", "--group", "ship", "--version", "v1", "--kind", "Frigate", "--conversion", "--spoke", "v2");
    const objects = kustomize(dir, "config/default");

    expect(managerContainer(objects, "fleet-").env).toEqual([{ name: "WATCH_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } }]);
    expect(find(objects, "RoleBinding", "fleet-manager-rolebinding")).toMatchObject({ roleRef: { kind: "Role", name: "fleet-manager-role" } });
    expect(find(objects, "Role", "fleet-manager-role").metadata.namespace).toBe("fleet-system");
    for (const kind of ["admin", "editor", "viewer"]) {
      find(objects, "ClusterRole", `fleet-batch-cronjob-${kind}-role`);
      expect(get(find(objects, "ClusterRole", `fleet-ship-frigate-${kind}-role`), "rules", 0, "apiGroups")).toEqual(["ship.example.org"]);
    }
    const caFrom = "fleet-system/fleet-serving-cert";
    expect(find(objects, "MutatingWebhookConfiguration", "fleet-mutating-webhook-configuration").metadata.annotations?.[CA_ANNOTATION]).toBe(caFrom);
    expect(objects.filter((o) => o.kind === "ValidatingWebhookConfiguration")).toEqual([]);
    const frigates = find(objects, "CustomResourceDefinition", "frigates.ship.example.org");
    expect(frigates.metadata.annotations?.[CA_ANNOTATION]).toBe(caFrom);
    expect(get(frigates, "spec", "conversion", "webhook", "clientConfig", "service")).toEqual({ name: "fleet-webhook-service", namespace: "fleet-system", path: "/convert" });
    expect(get(frigates, "spec", "scope")).toBe("Cluster");
    expect(find(objects, "CustomResourceDefinition", "cronjobs.batch.example.org").metadata.annotations?.[CA_ANNOTATION]).toBeUndefined();
    expect(get(find(objects, "Certificate", "fleet-serving-cert"), "spec", "dnsNames")).toEqual(["fleet-webhook-service.fleet-system.svc", "fleet-webhook-service.fleet-system.svc.cluster.local"]);

    expectSamplesValid(dir, ["batch.example.org/v1 CronJob cronjob-sample", "ship.example.org/v1 Frigate frigate-sample", "ship.example.org/v2 Frigate frigate-sample"]);
  });

  it("a conversion webhook alone needs no webhook configurations", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--skip-install");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--controller=false");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--conversion", "--spoke", "v1");
    const objects = kustomize(dir, "config/default");
    expect(find(objects, "CustomResourceDefinition", "cronjobs.batch.example.com").metadata.annotations?.[CA_ANNOTATION]).toBe("shop-system/shop-serving-cert");
    find(objects, "Service", "shop-webhook-service");
    expect(objects.filter((o) => o.kind.endsWith("WebhookConfiguration"))).toEqual([]);
  });
});
