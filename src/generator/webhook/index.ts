export { buildWebhooks } from "./build-webhooks.js";
export { WEBHOOK_DIAGNOSTIC, WEBHOOK_OUTPUT_FILE } from "./vocabulary.js";
export type {
  AdmissionWebhook,
  LabelSelector,
  MatchCondition,
  RuleWithOperations,
  ServiceReference,
  WebhookClientConfig,
  WebhookConfigurationDocument,
  WebhookConfigurationKind,
} from "./types.js";
