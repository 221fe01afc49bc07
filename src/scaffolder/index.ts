// The scaffolder: flags (+ PROJECT) → plan → templates and insertions into a virtual tree → commit.
export {
  scaffoldAlphaGenerate,
  scaffoldApi,
  scaffoldEdit,
  scaffoldInit,
  scaffoldWebhook,
  type AlphaGenerateRequest,
  type EditRequest,
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
