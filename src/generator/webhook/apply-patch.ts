import { isJsonObject, type Json, type JsonObject } from "./json.js";
import { PatchError, strategicMerge } from "./strategic-merge.js";
import type { AdmissionWebhook } from "./types.js";
import { checkWebhookShape } from "./webhook-schema.js";

/** The outcome of a `patch=` argument: the patched webhook, or what is wrong with the patch. */
export type PatchOutcome =
  | {
      readonly kind: "patched";
      readonly webhook: AdmissionWebhook;
      /** Whether the patch wrote the top-level field `field` (so problems with it are the patch's). */
      readonly touches: (field: string) => boolean;
    }
  | { readonly kind: "invalid"; readonly problems: readonly string[] };

/**
 * Applies the JSON strategic merge patch `text` to `webhook`, as controller-gen does after
 * building a webhook from its marker, and checks that the result is still a webhook of its
 * kind (known fields, right types). The input is not modified.
 */
export function applyWebhookPatch(webhook: AdmissionWebhook, text: string, mutating: boolean): PatchOutcome {
  let patch: Json;
  try {
    patch = JSON.parse(text) as Json;
  } catch (e) {
    return invalid(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isJsonObject(patch))
    return invalid('expected a JSON object of webhook fields, such as {"namespaceSelector": {...}}');
  let patched: JsonObject | undefined;
  try {
    patched = strategicMerge(toJson(webhook), patch);
  } catch (e) {
    if (e instanceof PatchError) return invalid(e.message);
    throw e;
  }
  if (patched === undefined)
    return invalid('deletes the whole webhook ("$patch": "delete"); remove the marker instead');
  const problems = checkWebhookShape(patched, mutating);
  if (problems.length > 0) return { kind: "invalid", problems };
  const replacesAll = patch["$patch"] === "replace";
  return {
    kind: "patched",
    // checked above: the patched object has a webhook's fields and types
    webhook: patched as unknown as AdmissionWebhook,
    touches: (field) => replacesAll || Object.hasOwn(patch, field),
  };
}

function invalid(problem: string): PatchOutcome {
  return { kind: "invalid", problems: [problem] };
}

/** A deep copy of a webhook as plain JSON. */
function toJson(webhook: AdmissionWebhook): JsonObject {
  return JSON.parse(JSON.stringify(webhook)) as JsonObject;
}
