/**
 * The objects of `config/webhook/manifests.yaml`, as `admissionregistration.k8s.io/v1`
 * defines them and controller-gen serialises them (empty fields left out).
 */

/** A Service in the cluster that serves a webhook. */
export interface ServiceReference {
  name: string;
  namespace: string;
  path?: string;
  port?: number;
}

/** How the API server reaches a webhook: a Service, or a URL. */
export interface WebhookClientConfig {
  service?: ServiceReference;
  url?: string;
  caBundle?: string;
}

/** The requests a webhook is called for. */
export interface RuleWithOperations {
  operations: string[];
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  scope?: string;
}

/** A label selector, as a `patch` may set on `namespaceSelector` or `objectSelector`. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A CEL condition a request must meet to be sent to the webhook (set through `patch`). */
export interface MatchCondition {
  name: string;
  expression: string;
}

/** One entry of `webhooks` in a Mutating- or ValidatingWebhookConfiguration. */
export interface AdmissionWebhook {
  name: string;
  clientConfig: WebhookClientConfig;
  rules?: RuleWithOperations[];
  failurePolicy?: string;
  matchPolicy?: string;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions: string[];
  /** Mutating webhooks only. */
  reinvocationPolicy?: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchConditions?: MatchCondition[];
}

/** The two kinds of webhook configuration, in the order controller-gen writes them. */
export type WebhookConfigurationKind = "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration";

/** One document of the webhook manifest. */
export interface WebhookConfigurationDocument {
  apiVersion: "admissionregistration.k8s.io/v1";
  kind: WebhookConfigurationKind;
  metadata: { name: string };
  webhooks: AdmissionWebhook[];
}
