export { generateManifests, type GenerateOptions, type GeneratedFile } from "./generate-manifests.js";
export { GENERATE_TARGETS, type GenerateTarget } from "./targets.js";
