import type { Insertion, TemplateFile } from "../../machinery/scaffold-plan.js";
import type { ProjectModel } from "../../plan/project-model.js";
import type { ResourceModel } from "../../plan/resource-model.js";
import { CONFIG_MARKERS } from "../init/init-config-files.js";
import type { PlanPart, ResourcePartInput } from "../plan-parts.js";
import type { WebhookRequest } from "./webhook-code-files.js";

/** Files every webhook shares: written by the first `kb create webhook`, kept afterwards. */
const SHARED_FILES = [
  "config/webhook/kustomization.yaml",
  "config/webhook/service.yaml",
  "config/certmanager/issuer.yaml",
  "config/certmanager/certificate-webhook.yaml",
  "config/certmanager/certificate-metrics.yaml",
  "config/certmanager/kustomization.yaml",
  "config/certmanager/kustomizeconfig.yaml",
  "config/default/manager_webhook_patch.yaml",
  "config/network-policy/allow-webhook-traffic.yaml",
] as const;

const DEFAULT_KUSTOMIZATION = "config/default/kustomization.yaml";
const CA_ANNOTATION = ".metadata.annotations.[cert-manager.io/inject-ca-from]";

/** The patch that turns on a CRD's conversion webhook (`config/crd/patches/webhook_in_<plural>.yaml`; the group first when multigroup). */
export function conversionPatchFile(project: ProjectModel, resource: ResourceModel): string {
  return `patches/webhook_in_${project.multigroup ? `${resource.group}_` : ""}${resource.plural}.yaml`;
}

/**
 * What `kb create webhook` writes under `config/`: the webhook Service and kustomization,
 * cert-manager's issuer and certificates, the manager's webhook patch, the webhook network
 * policy, and for conversion the CRD patch. Then it adds list items above the markers of the
 * kustomizations: `../webhook` and `../certmanager` into `config/default`, with the webhook
 * patch and the replacements that fill in the certificates' DNS names and the
 * `cert-manager.io/inject-ca-from` annotations of the webhook configurations (defaulting,
 * validation) and of the CRD (conversion). An item already there is not added again.
 */
export function webhookConfigFiles({ project, resource }: ResourcePartInput, want: WebhookRequest): PlanPart {
  const conversion = want.conversionSpokes.length > 0;
  const templates: TemplateFile[] = SHARED_FILES.map((path) => ({ template: `webhook/${path}.ejs`, path, ifExists: "skip" }));
  if (conversion) {
    templates.push({ template: "webhook/config/crd/patches/webhook_in_kind.yaml.ejs", path: `config/crd/${conversionPatchFile(project, resource)}`, ifExists: "error" });
  }

  const replacements = [
    certificateDnsNames("webhook-service", "serving-cert", "The webhook server's certificate is for <webhook Service>.<namespace>.svc."),
    certificateDnsNames("controller-manager-metrics-service", "metrics-certs", "The metrics certificate is for <metrics Service>.<namespace>.svc."),
  ];
  if (want.defaulting) replacements.push(caInjection(["kind: MutatingWebhookConfiguration"], "cert-manager injects the webhook server's CA into the mutating webhooks."));
  if (want.validation) replacements.push(caInjection(["kind: ValidatingWebhookConfiguration"], "cert-manager injects the webhook server's CA into the validating webhooks."));
  if (conversion) {
    const crd = `${resource.plural}.${resource.apiGroup}`;
    replacements.push(caInjection(["kind: CustomResourceDefinition", `name: ${crd}`], `cert-manager injects the webhook server's CA into the conversion webhook of ${crd}.`));
  }

  const insertions: Insertion[] = [
    { path: DEFAULT_KUSTOMIZATION, marker: CONFIG_MARKERS.defaultResources, fragments: ["- ../webhook", "- ../certmanager"] },
    { path: DEFAULT_KUSTOMIZATION, marker: CONFIG_MARKERS.defaultPatches, fragments: ["- path: manager_webhook_patch.yaml\n  target:\n    kind: Deployment"] },
    { path: DEFAULT_KUSTOMIZATION, marker: CONFIG_MARKERS.defaultReplacements, fragments: replacements },
    { path: "config/network-policy/kustomization.yaml", marker: CONFIG_MARKERS.networkPolicyResources, fragments: ["- allow-webhook-traffic.yaml"] },
  ];
  // kb generate writes manifests.yaml from the +kubebuilder:webhook markers, which only admission webhooks have.
  if (want.defaulting || want.validation) {
    insertions.push({ path: "config/webhook/kustomization.yaml", marker: CONFIG_MARKERS.webhookResources, fragments: ["- manifests.yaml"] });
  }
  if (conversion) {
    insertions.push({ path: "config/crd/kustomization.yaml", marker: CONFIG_MARKERS.crdWebhookPatches, fragments: [`- path: ${conversionPatchFile(project, resource)}`] });
  }
  return { templates, insertions };
}

/** Two replacements that write a Service's name and namespace into a Certificate's DNS names (`<name>.<namespace>.svc[.cluster.local]`). */
function certificateDnsNames(service: string, certificate: string, comment: string): string {
  const replacement = (field: "name" | "namespace", index: number) => `- source:
    kind: Service
    version: v1
    name: ${service}
    fieldPath: .metadata.${field}
  targets:
    - select:
        kind: Certificate
        group: cert-manager.io
        version: v1
        name: ${certificate}
      fieldPaths:
        - .spec.dnsNames.0
        - .spec.dnsNames.1
      options:
        delimiter: "."
        index: ${index}
        create: true`;
  return `# [CERTMANAGER] ${comment}\n${replacement("name", 0)}\n${replacement("namespace", 1)}`;
}

/** Two replacements that write the serving certificate's `<namespace>/<name>` into the CA-injection annotation of the objects `select` picks. */
function caInjection(select: readonly string[], comment: string): string {
  const selectLines = select.map((l, i) => `${i === 0 ? "    - select:\n" : ""}        ${l}`).join("\n");
  const replacement = (field: "name" | "namespace", index: number) => `- source:
    kind: Certificate
    group: cert-manager.io
    version: v1
    name: serving-cert
    fieldPath: .metadata.${field}
  targets:
${selectLines}
      fieldPaths:
        - ${CA_ANNOTATION}
      options:
        delimiter: "/"
        index: ${index}
        create: true`;
  return `# [CERTMANAGER] ${comment}\n${replacement("namespace", 0)}\n${replacement("name", 1)}`;
}
