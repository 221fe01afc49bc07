import { parseAllDocuments, stringify } from "yaml";
import { KbError } from "../../../diagnostics/index.js";

/**
 * Helm templates of the manifests `kb generate` writes (CRDs, the manager's role, the webhook
 * configurations), made as config/default's kustomization makes its objects of them: names
 * prefixed (the release's full name stands for `namePrefix`), namespaced objects in the
 * release's namespace, references to the webhook Service renamed with it, cert-manager's CA
 * annotation where config/default's replacements put it. Each is wrapped in the condition of
 * the value that turns it off.
 */

/** A Kubernetes object as the generated manifests hold it. */
type Manifest = Record<string, unknown> & { metadata?: Record<string, unknown> };

/** The helpers of `_helpers.tpl` a chart named `chart` defines. */
export interface ChartNames {
  /** `{{ include "<chart>.fullname" . }}` */
  readonly fullname: string;
  /** The name of the webhook Service (`{{ include "<chart>.serviceName" ... }}`). */
  readonly webhookService: string;
  /** `{{ include "<chart>.labels" . | nindent <n> }}` with `n` as given. */
  labels(indent: number): string;
}

export function chartNames(chart: string): ChartNames {
  return {
    fullname: `{{ include "${chart}.fullname" . }}`,
    webhookService: `{{ include "${chart}.serviceName" (dict "suffix" "webhook-service" "context" $) }}`,
    labels: (indent) => `{{- include "${chart}.labels" . | nindent ${indent} }}`,
  };
}

/** Text Helm prints as it is: each `{{` becomes an action that prints `{{`. */
export function escapeForHelm(text: string): string {
  return text.replaceAll("{{", '{{ "{{" }}');
}

/** `value` as YAML lines, each indented by `indent` spaces, with Helm's delimiters escaped. */
function yamlLines(value: unknown, indent: number): string {
  const text = stringify(value, { lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
  const pad = " ".repeat(indent);
  return escapeForHelm(text)
    .trimEnd()
    .split("\n")
    .map((l) => (l ? pad + l : l))
    .join("\n");
}

/** A name as RBAC roles, CRDs and webhook configurations have them (a DNS subdomain, `:` allowed in role names). */
const OBJECT_NAME = /^[a-z0-9]([a-z0-9.:-]*[a-z0-9])?$/;

/** The YAML documents of a generated file, objects only; `file` names it in errors. */
export function parseManifests(text: string, file: string): Manifest[] {
  const docs = parseAllDocuments(text);
  const out: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      // file:line:col where the parser says, the reason without its own "at line N, column M".
      const error = doc.errors[0]!;
      const at = error.linePos?.[0];
      const reason = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw new KbError("bad-manifest", `${at ? "" : `${file} is `}not valid YAML: ${reason}`, {
        location: at ? { file, line: at.line, column: at.col } : undefined,
        hint: "run kb generate to write it anew",
      });
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value) || typeof (value as Manifest).kind !== "string" || typeof (value as Manifest).metadata?.name !== "string") {
      throw new KbError("bad-manifest", `${file}: expected Kubernetes objects with a kind and a metadata.name`, { hint: "run kb generate to write it anew" });
    }
    const { apiVersion, metadata } = value as Manifest;
    // Names and API versions land in the templates as they are: only the characters Kubernetes allows them.
    if (!OBJECT_NAME.test(metadata!.name as string) || typeof apiVersion !== "string" || !/^[a-z0-9.-]*\/?v[a-z0-9]+$/.test(apiVersion)) {
      throw new KbError("bad-manifest", `${file}: ${JSON.stringify((value as Manifest).kind)} ${JSON.stringify(metadata!.name)} (apiVersion ${JSON.stringify(apiVersion)}) is not a Kubernetes object name and API version`, {
        hint: "run kb generate to write it anew",
      });
    }
    out.push(value as Manifest);
  }
  return out;
}

/** The part of an object after its metadata (everything but apiVersion, kind and metadata), as YAML lines. */
function body(object: Manifest, omit: readonly string[] = []): string {
  const rest = Object.fromEntries(Object.entries(object).filter(([k]) => !["apiVersion", "kind", "metadata", ...omit].includes(k)));
  return Object.keys(rest).length === 0 ? "" : `${yamlLines(rest, 0)}\n`;
}

/** The annotations of an object as YAML lines under `annotations:` (indent 4), or "". */
function annotationLines(object: Manifest): string {
  const annotations = object.metadata?.annotations;
  if (!annotations || typeof annotations !== "object" || Object.keys(annotations).length === 0) return "";
  return `${yamlLines(annotations, 4)}\n`;
}

/** Where a conversion webhook reaches the manager: the release's webhook Service. */
function caAnnotation(names: ChartNames): string {
  return `    cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/${names.fullname}-serving-cert\n`;
}

/**
 * A CRD as `templates/crd/<file>`: installed with `crd.enable`, kept on uninstall with
 * `crd.keep`, and, for a kind with a conversion webhook, its `spec.conversion` pointing at the
 * release's webhook Service (with `webhook.enable`) with cert-manager's CA injected.
 */
export function crdTemplate(text: string, file: string, names: ChartNames, conversion: boolean): string {
  const crds = parseManifests(text, file).filter((o) => o.kind === "CustomResourceDefinition");
  if (crds.length !== 1) throw new KbError("bad-manifest", `${file}: expected one CustomResourceDefinition, found ${crds.length}`, { hint: "run kb generate to write it anew" });
  const crd = crds[0]!;
  const spec = { ...(crd.spec as Record<string, unknown>) };
  delete spec.conversion;
  let out = "{{- if .Values.crd.enable }}\n";
  out += `apiVersion: ${crd.apiVersion as string}\nkind: CustomResourceDefinition\nmetadata:\n  annotations:\n`;
  out += "    {{- if .Values.crd.keep }}\n    helm.sh/resource-policy: keep\n    {{- end }}\n";
  out += annotationLines(crd);
  if (conversion) out += `    {{- if and .Values.webhook.enable .Values.certManager.enable }}\n${caAnnotation(names)}    {{- end }}\n`;
  out += `  labels:\n    ${names.labels(4)}\n  name: ${crd.metadata!.name as string}\nspec:\n`;
  if (conversion) {
    out += "  {{- if .Values.webhook.enable }}\n";
    out += "  conversion:\n    strategy: Webhook\n    webhook:\n      clientConfig:\n        service:\n";
    out += `          name: ${names.webhookService}\n          namespace: {{ .Release.Namespace }}\n          path: /convert\n`;
    out += "      conversionReviewVersions:\n        - v1\n  {{- end }}\n";
  }
  out += `${yamlLines(spec, 2)}\n`;
  return `${out}{{- end }}\n`;
}

/**
 * `config/rbac/role.yaml` (the manager's ClusterRole and Roles, named `manager-role` by default)
 * as one template: each role prefixed, each Role in the release's namespace.
 */
export function roleTemplate(text: string, file: string, names: ChartNames): string {
  const roles = parseManifests(text, file).filter((o) => o.kind === "ClusterRole" || o.kind === "Role");
  return roles
    .map((role) => {
      let out = `apiVersion: ${role.apiVersion as string}\nkind: ${role.kind as string}\nmetadata:\n`;
      out += `  name: ${names.fullname}-${role.metadata!.name as string}\n`;
      if (role.kind === "Role") out += "  namespace: {{ .Release.Namespace }}\n";
      out += `  labels:\n    ${names.labels(4)}\n`;
      return out + body(role);
    })
    .join("---\n");
}

/**
 * `config/webhook/manifests.yaml` (the mutating and validating webhook configurations) as one
 * template, with `webhook.enable`: prefixed, their webhooks calling the release's webhook
 * Service, cert-manager's CA injected with `certManager.enable`.
 */
export function webhooksTemplate(text: string, file: string, names: ChartNames): string {
  const configs = parseManifests(text, file).filter((o) => o.kind === "MutatingWebhookConfiguration" || o.kind === "ValidatingWebhookConfiguration");
  if (configs.length === 0) return "";
  const SERVICE = "KB_HELM_WEBHOOK_SERVICE";
  const NAMESPACE = "KB_HELM_RELEASE_NAMESPACE";
  const docs = configs.map((config) => {
    const webhooks = ((config.webhooks as Record<string, unknown>[] | undefined) ?? []).map((w) => {
      const clientConfig = w.clientConfig as { service?: Record<string, unknown> } | undefined;
      if (!clientConfig?.service) return w;
      return { ...w, clientConfig: { ...clientConfig, service: { ...clientConfig.service, name: SERVICE, namespace: NAMESPACE } } };
    });
    let out = `apiVersion: ${config.apiVersion as string}\nkind: ${config.kind as string}\nmetadata:\n  annotations:\n`;
    out += `    {{- if .Values.certManager.enable }}\n${caAnnotation(names)}    {{- end }}\n`;
    out += annotationLines(config);
    out += `  labels:\n    ${names.labels(4)}\n  name: ${names.fullname}-${config.metadata!.name as string}\n`;
    out += body({ ...config, webhooks });
    return out.replaceAll(SERVICE, names.webhookService).replaceAll(NAMESPACE, "{{ .Release.Namespace }}");
  });
  return `{{- if .Values.webhook.enable }}\n${docs.join("---\n")}{{- end }}\n`;
}
