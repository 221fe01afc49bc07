import { describe, expect, it } from "vitest";
import { DiagnosticList } from "../../../src/diagnostics/index.js";
import { buildWebhooks, WEBHOOK_OUTPUT_FILE } from "../../../src/generator/webhook/index.js";
import { toYaml } from "../../../src/output/yaml.js";
import { markersFrom } from "./markers-from.js";

/** A defaulting and a validating webhook for a CronJob-like kind, as kubebuilder scaffolds them. */
const CRONJOB_WEBHOOKS = `
import type { CronJob } from "../../../api/v1/cronjob-types.js";

// +kubebuilder:webhook:path=/mutate-batch-example-com-v1-cronjob,mutating=true,failurePolicy=fail,sideEffects=None,groups=batch.example.com,resources=cronjobs,verbs=create;update,versions=v1,name=mcronjob-v1.kb.io,admissionReviewVersions=v1

/** Fills in defaults of a CronJob. */
export class CronJobCustomDefaulter {}

// +kubebuilder:webhook:path=/validate-batch-example-com-v1-cronjob,mutating=false,failurePolicy=fail,sideEffects=None,groups=batch.example.com,resources=cronjobs,verbs=create;update,versions=v1,name=vcronjob-v1.kb.io,admissionReviewVersions=v1

/** Validates a CronJob. */
export class CronJobCustomValidator {}
`;

const CRONJOB_YAML = `---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: mutating-webhook-configuration
webhooks:
- admissionReviewVersions:
  - v1
  clientConfig:
    service:
      name: webhook-service
      namespace: system
      path: /mutate-batch-example-com-v1-cronjob
  failurePolicy: Fail
  name: mcronjob-v1.kb.io
  rules:
  - apiGroups:
    - batch.example.com
    apiVersions:
    - v1
    operations:
    - CREATE
    - UPDATE
    resources:
    - cronjobs
  sideEffects: None
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: validating-webhook-configuration
webhooks:
- admissionReviewVersions:
  - v1
  clientConfig:
    service:
      name: webhook-service
      namespace: system
      path: /validate-batch-example-com-v1-cronjob
  failurePolicy: Fail
  name: vcronjob-v1.kb.io
  rules:
  - apiGroups:
    - batch.example.com
    apiVersions:
    - v1
    operations:
    - CREATE
    - UPDATE
    resources:
    - cronjobs
  sideEffects: None
`;

/** A webhook for core Pods served outside the cluster, with every optional setting. */
const POD_WEBHOOK = `
// +kubebuilder:webhook:url="https://pod-policy.example.com:8443/validate-pods",mutating=false,failurePolicy=Ignore,matchPolicy=exact,sideEffects=noneOnDryRun,timeoutSeconds=5,groups=core,resources=pods;pods/ephemeralcontainers,verbs=Create;UPDATE;connect;delete,versions=v1,name=vpod.policy.example.com,admissionReviewVersions=v1;v1beta1,webhookVersions=v1
`;

function build(source: string) {
  const { markers, diagnostics } = markersFrom(source);
  const docs = buildWebhooks(markers, diagnostics);
  return { docs, diagnostics };
}

describe("buildWebhooks", () => {
  it("writes config/webhook/manifests.yaml", () => {
    expect(WEBHOOK_OUTPUT_FILE).toBe("manifests.yaml");
  });

  it("returns no documents without webhook markers", () => {
    const diagnostics = new DiagnosticList();
    expect(buildWebhooks([], diagnostics)).toEqual([]);
    expect(diagnostics.all()).toEqual([]);
  });

  it("builds a mutating then a validating configuration with controller-gen's defaults", () => {
    const { docs, diagnostics } = build(CRONJOB_WEBHOOKS);
    expect(diagnostics.all()).toEqual([]);
    expect(docs.map((d) => [d.kind, d.metadata.name])).toEqual([
      ["MutatingWebhookConfiguration", "mutating-webhook-configuration"],
      ["ValidatingWebhookConfiguration", "validating-webhook-configuration"],
    ]);
    expect(docs[0]!.webhooks).toEqual([
      {
        name: "mcronjob-v1.kb.io",
        admissionReviewVersions: ["v1"],
        clientConfig: {
          service: { name: "webhook-service", namespace: "system", path: "/mutate-batch-example-com-v1-cronjob" },
        },
        failurePolicy: "Fail",
        rules: [
          {
            apiGroups: ["batch.example.com"],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE"],
            resources: ["cronjobs"],
          },
        ],
        sideEffects: "None",
      },
    ]);
    // no matchPolicy, timeoutSeconds or reinvocationPolicy unless written: the API server defaults them
    expect(Object.keys(docs[1]!.webhooks[0]!).sort()).toEqual([
      "admissionReviewVersions",
      "clientConfig",
      "failurePolicy",
      "name",
      "rules",
      "sideEffects",
    ]);
  });

  it("prints the CronJob webhooks in controller-gen's YAML", () => {
    expect(toYaml(build(CRONJOB_WEBHOOKS).docs)).toBe(CRONJOB_YAML);
  });

  it("emits only the configuration that has webhooks", () => {
    const { docs } = build(POD_WEBHOOK);
    expect(docs.map((d) => d.kind)).toEqual(["ValidatingWebhookConfiguration"]);
  });

  it("builds a core Pod webhook with a url: no Service, core as the empty group, values in the API's spelling", () => {
    const { docs, diagnostics } = build(POD_WEBHOOK);
    expect(diagnostics.all()).toEqual([]);
    expect(docs[0]!.webhooks).toEqual([
      {
        name: "vpod.policy.example.com",
        admissionReviewVersions: ["v1", "v1beta1"],
        clientConfig: { url: "https://pod-policy.example.com:8443/validate-pods" },
        failurePolicy: "Ignore",
        matchPolicy: "Exact",
        rules: [
          {
            apiGroups: [""],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE", "CONNECT", "DELETE"],
            resources: ["pods", "pods/ephemeralcontainers"],
          },
        ],
        sideEffects: "NoneOnDryRun",
        timeoutSeconds: 5,
      },
    ]);
  });

  it("prints the core Pod webhook in controller-gen's YAML (the core group double-quoted, as go-yaml does)", () => {
    expect(toYaml(build(POD_WEBHOOK).docs)).toBe(`---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: validating-webhook-configuration
webhooks:
- admissionReviewVersions:
  - v1
  - v1beta1
  clientConfig:
    url: https://pod-policy.example.com:8443/validate-pods
  failurePolicy: Ignore
  matchPolicy: Exact
  name: vpod.policy.example.com
  rules:
  - apiGroups:
    - ""
    apiVersions:
    - v1
    operations:
    - CREATE
    - UPDATE
    - CONNECT
    - DELETE
    resources:
    - pods
    - pods/ephemeralcontainers
  sideEffects: NoneOnDryRun
  timeoutSeconds: 5
`);
  });

  it("uses serviceName, serviceNamespace and servicePort for the Service", () => {
    const { docs, diagnostics } = build(`
// +kubebuilder:webhook:path=/mutate-apps-v1-deployment,mutating=true,failurePolicy=fail,sideEffects=None,groups=apps,resources=deployments,verbs=create,versions=v1,name=mdeployment.example.com,admissionReviewVersions=v1,serviceName=guard,serviceNamespace=guard-system,servicePort=9443,reinvocationPolicy=ifNeeded
`);
    expect(diagnostics.all()).toEqual([]);
    const webhook = docs[0]!.webhooks[0]!;
    expect(webhook.clientConfig).toEqual({
      service: { name: "guard", namespace: "guard-system", path: "/mutate-apps-v1-deployment", port: 9443 },
    });
    expect(webhook.reinvocationPolicy).toBe("IfNeeded");
  });

  it("renames the configurations with +kubebuilder:webhookconfiguration", () => {
    const { docs, diagnostics } = build(`
// +kubebuilder:webhookconfiguration:mutating=true,name=cronjob-defaulter
// +kubebuilder:webhookconfiguration:mutating=false,name=cronjob-validator
${CRONJOB_WEBHOOKS}`);
    expect(diagnostics.all()).toEqual([]);
    expect(docs.map((d) => d.metadata.name)).toEqual(["cronjob-defaulter", "cronjob-validator"]);
    expect(toYaml(docs)).toBe(
      CRONJOB_YAML.replace("name: mutating-webhook-configuration", "name: cronjob-defaulter").replace(
        "name: validating-webhook-configuration",
        "name: cronjob-validator",
      ),
    );
  });

  it("keeps the default name when the configuration marker has none", () => {
    const { docs } = build(`// +kubebuilder:webhookconfiguration:mutating=false\n${CRONJOB_WEBHOOKS}`);
    expect(docs.map((d) => d.metadata.name)).toEqual([
      "mutating-webhook-configuration",
      "validating-webhook-configuration",
    ]);
  });

  it("sorts webhooks by name in byte order, whatever the order of markers and files", () => {
    const hook = (name: string) =>
      `// +kubebuilder:webhook:path=/validate,mutating=false,failurePolicy=fail,sideEffects=None,groups=batch.example.com,resources=cronjobs,verbs=create,versions=v1,name=${name},admissionReviewVersions=v1`;
    const first = markersFrom([hook("pods2.example.com"), hook("pods.example.com")].join("\n"), "/p/b.ts");
    const second = markersFrom([hook("pods-v2.example.com"), hook("alpha.example.com")].join("\n"), "/p/a.ts");
    const names = (markers: typeof first.markers) =>
      buildWebhooks(markers, new DiagnosticList())[0]!.webhooks.map((w) => w.name);
    // as Go's strings.Compare: "-" < "." < digits < letters
    const expected = ["alpha.example.com", "pods-v2.example.com", "pods.example.com", "pods2.example.com"];
    const all = [...first.markers, ...second.markers];
    expect(names(all)).toEqual(expected);
    expect(names([...all].reverse())).toEqual(expected);
  });

  it("ignores markers of other generators", () => {
    const { markers } = markersFrom(CRONJOB_WEBHOOKS);
    const rbac = { ...markers[0]!, name: "kubebuilder:rbac" };
    expect(buildWebhooks([rbac, ...markers], new DiagnosticList())).toEqual(
      buildWebhooks(markers, new DiagnosticList()),
    );
  });
});
