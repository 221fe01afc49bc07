/** What `kb generate` can produce. */
export const GENERATE_TARGETS = ["crd", "rbac", "webhook"] as const;
export type GenerateTarget = (typeof GENERATE_TARGETS)[number];
