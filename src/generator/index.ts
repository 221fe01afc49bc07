export {
  GENERATE_TARGETS,
  generateManifests,
  type GenerateOptions,
  type GenerateTarget,
  type GeneratedFile,
} from "./generate-manifests.js";
