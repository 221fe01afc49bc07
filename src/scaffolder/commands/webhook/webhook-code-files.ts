import type { PlanPart, ResourcePartInput } from "../plan-parts.js";

/** Which webhooks a `kb create webhook` run adds (the ones the resource did not have). */
export interface WebhookRequest {
  readonly defaulting: boolean;
  readonly validation: boolean;
  /** Spoke versions when adding a conversion webhook, else empty. */
  readonly conversionSpokes: readonly string[];
}

/** The TypeScript that `kb create webhook` writes, and the registration in `src/main.ts`. */
export function webhookCodeFiles(_input: ResourcePartInput, _want: WebhookRequest): PlanPart {
  return { templates: [], insertions: [] };
}
