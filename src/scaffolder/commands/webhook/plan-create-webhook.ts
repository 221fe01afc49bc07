import type { ScaffoldPlan } from "../../machinery/scaffold-plan.js";
import { projectModel } from "../../plan/project-model.js";
import { resourceModel } from "../../plan/resource-model.js";
import { formatProjectConfig, PROJECT_FILE, type ProjectConfig, type ProjectResource } from "../../project-file/project-config.js";
import { ProjectConflictError } from "../api/plan-create-api.js";
import { joinParts } from "../plan-parts.js";
import { webhookCodeFiles, type WebhookRequest } from "./webhook-code-files.js";
import { webhookConfigFiles } from "./webhook-config-files.js";

/** What `kb create webhook` takes, flags already checked. */
export interface CreateWebhookRequest {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly defaulting: boolean;
  readonly validation: boolean;
  readonly conversion: boolean;
  readonly spokes: readonly string[];
  readonly force: boolean;
}

/** The new PROJECT and everything `kb create webhook` writes. */
export function planCreateWebhook(config: ProjectConfig, boilerplate: string, kbVersion: string, req: CreateWebhookRequest): { config: ProjectConfig; plan: ScaffoldPlan } {
  const gvk = `${req.group}/${req.version}, Kind=${req.kind}`;
  if (!req.defaulting && !req.validation && !req.conversion) {
    throw new ProjectConflictError("nothing to do: pass --defaulting, --programmatic-validation or --conversion");
  }
  if (req.conversion && req.spokes.length === 0) throw new ProjectConflictError("--conversion needs at least one --spoke <version>");
  if (!req.conversion && req.spokes.length > 0) throw new ProjectConflictError("--spoke is only meaningful with --conversion");
  const index = config.resources.findIndex((r) => r.group === req.group && r.version === req.version && r.kind === req.kind);
  const before = config.resources[index];
  if (!before) throw new ProjectConflictError(`${gvk} is not in PROJECT`, `run kb create api --group ${req.group} --version ${req.version} --kind ${req.kind} first`);
  if (req.conversion && !before.api) throw new ProjectConflictError(`a conversion webhook needs a CRD of this project, and ${gvk} has no API types here`);
  for (const spoke of req.spokes) {
    if (spoke === req.version) throw new ProjectConflictError(`--spoke ${spoke} is the hub version itself`);
    if (!config.resources.some((r) => r.api && r.group === req.group && r.kind === req.kind && r.version === spoke)) {
      throw new ProjectConflictError(`the spoke ${req.group}/${spoke}, Kind=${req.kind} is not in PROJECT`, `run kb create api --group ${req.group} --version ${spoke} --kind ${req.kind} first`);
    }
  }
  const had = before.webhooks;
  if (!req.force) {
    const dup = [req.defaulting && had?.defaulting && "defaulting", req.validation && had?.validation && "validation", req.conversion && had?.conversion && "conversion"].filter(Boolean);
    if (dup.length > 0) throw new ProjectConflictError(`${gvk} already has a ${dup.join(" and a ")} webhook in PROJECT`, "pass --force to scaffold it again");
  }
  const spokes = [...new Set([...(had?.spoke ?? []), ...req.spokes])].sort();
  const updated: ProjectResource = {
    ...before,
    webhooks: {
      defaulting: (had?.defaulting || req.defaulting) || undefined,
      validation: (had?.validation || req.validation) || undefined,
      conversion: (had?.conversion || req.conversion) || undefined,
      spoke: spokes.length > 0 ? spokes : undefined,
      webhookVersion: "v1",
    },
  };
  const next: ProjectConfig = { ...config, cliVersion: kbVersion, resources: config.resources.map((r, i) => (i === index ? updated : r)) };
  const want: WebhookRequest = { defaulting: req.defaulting, validation: req.validation, conversionSpokes: req.conversion ? req.spokes : [] };
  return { config: next, plan: assembleWebhookPlan(next, updated, want, { boilerplate, kbVersion }) };
}

/** The plan of `want`'s webhook files for `entry`, in the project `config` (which already records them). */
export function assembleWebhookPlan(config: ProjectConfig, entry: ProjectResource, want: WebhookRequest, options: { boilerplate: string; kbVersion: string }): ScaffoldPlan {
  const project = projectModel(config, options.kbVersion, options.boilerplate);
  const resource = resourceModel(config, entry);
  const input = { project, resource };
  const part = joinParts(webhookCodeFiles(input, want), webhookConfigFiles(input, want));
  return {
    data: { project, resource, webhook: want },
    templates: part.templates,
    computed: [{ path: PROJECT_FILE, content: formatProjectConfig(config), ifExists: "overwrite" }],
    insertions: part.insertions,
  };
}
