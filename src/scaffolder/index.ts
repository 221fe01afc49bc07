// The scaffolder: flags (+ PROJECT) → plan → templates and insertions into a virtual tree → commit.
export {
  scaffoldAlphaGenerate,
  scaffoldApi,
  scaffoldEdit,
  scaffoldHelmEdit,
  scaffoldInit,
  scaffoldWebhook,
  type AlphaGenerateRequest,
  type EditRequest,
  type HelmEditRequest,
  type FollowUp,
  type Scaffolded,
} from "./scaffold-project.js";
export type { CreateApiRequest } from "./commands/api/plan-create-api.js";
export type { CreateWebhookRequest } from "./commands/webhook/plan-create-webhook.js";
export type { InitRequest } from "./commands/init/plan-init.js";
export { checkDomain, checkGroup, checkOwner, checkKind, checkPlural, checkProjectName, checkVersion, FlagError } from "./plan/names.js";
export { checkControllerName, checkExternalApiModule, checkExternalApiPath, checkWebhookPath } from "./plan/names.js";
export { LICENSES, type License } from "./plan/project-model.js";
export { readProject } from "./project-file/read-project.js";
export { chartFiles, readChartManifests, type ChartFile } from "./commands/helm/chart-files.js";
export { chartForGenerate } from "./commands/helm/generate-chart.js";
export { checkPlugins, CHART_DIR, HELM_PLUGIN_KEY } from "./commands/helm/helm-plugin.js";
export { checkChartDir, writeChart } from "./commands/helm/write-chart.js";
