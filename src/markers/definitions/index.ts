import type { MarkerDefinition } from "../definition.js";
import { MarkerRegistry } from "../registry.js";
import { CRD_MARKERS, IGNORED_MARKERS, PACKAGE_MARKERS } from "./crd.js";
import { RBAC_MARKERS } from "./rbac.js";
import { TOPOLOGY_MARKERS } from "./topology.js";
import { VALIDATION_MARKERS } from "./validation.js";
import { WEBHOOK_MARKERS } from "./webhook.js";

export { CRD_MARKERS, IGNORED_MARKERS, OBJECT_ROOT, PACKAGE_MARKERS } from "./crd.js";
export { RBAC_MARKERS } from "./rbac.js";
export { TOPOLOGY_MARKERS } from "./topology.js";
export { VALIDATION_ITEMS_PREFIX, VALIDATION_MARKERS, VALIDATION_PREFIX } from "./validation.js";
export { WEBHOOK_MARKERS } from "./webhook.js";

/** Every marker kb knows, by family. */
export const ALL_MARKERS: readonly MarkerDefinition[] = [
  ...PACKAGE_MARKERS,
  ...CRD_MARKERS,
  ...VALIDATION_MARKERS,
  ...TOPOLOGY_MARKERS,
  ...RBAC_MARKERS,
  ...WEBHOOK_MARKERS,
  ...IGNORED_MARKERS,
];

/** A registry holding every marker kb knows. */
export function createMarkerRegistry(): MarkerRegistry {
  return new MarkerRegistry(ALL_MARKERS);
}
