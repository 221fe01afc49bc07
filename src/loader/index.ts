export { loadApi } from "./load-api.js";
export { discoverSources, GROUP_VERSION_INFO, type SourceTree } from "./discover.js";
export { saveCompilerCache } from "./typescript.js";
