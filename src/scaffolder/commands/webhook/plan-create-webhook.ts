import type { ScaffoldPlan } from "../../machinery/scaffold-plan.js";
import { projectModel } from "../../plan/project-model.js";
import { resourceModel } from "../../plan/resource-model.js";
import { formatProjectConfig, PROJECT_FILE, type ProjectConfig, type ProjectResource } from "../../project-file/project-config.js";
import { checkExternalApiFlags, externalResourceEntry, ProjectConflictError, type ExternalApiRequest } from "../api/plan-create-api.js";
import { defaultPlural } from "../../../generator/crd/plural.js";
import { CORE_GROUPS } from "../../plan/names.js";
import { joinParts } from "../plan-parts.js";
import { admissionWebhookPath, webhookCodeFiles, type WebhookRequest } from "./webhook-code-files.js";
import { webhookConfigFiles } from "./webhook-config-files.js";

/** What `kb create webhook` takes, flags already checked. */
export interface CreateWebhookRequest extends ExternalApiRequest {
  readonly defaulting: boolean;
  readonly validation: boolean;
  readonly conversion: boolean;
  readonly spokes: readonly string[];
  /** The resource's plural (`--plural`), for a kind PROJECT does not hold yet. */
  readonly plural?: string;
  /** The mutating webhook's path (`--defaulting-path`), instead of `/mutate-<group>-<version>-<kind>`. */
  readonly defaultingPath?: string;
  /** The validating webhook's path (`--validation-path`), instead of `/validate-<group>-<version>-<kind>`. */
  readonly validationPath?: string;
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
  if (req.defaultingPath !== undefined && !req.defaulting) throw new ProjectConflictError("--defaulting-path is only meaningful with --defaulting");
  if (req.validationPath !== undefined && !req.validation) throw new ProjectConflictError("--validation-path is only meaningful with --programmatic-validation");
  checkExternalApiFlags(req);
  const index = config.resources.findIndex((r) => r.group === req.group && r.version === req.version && r.kind === req.kind);
  const before = index >= 0 ? config.resources[index]! : newWebhookEntry(config, req);
  if (index >= 0) checkAgainstProject(before, req);
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
      // A re-run with --force keeps the path PROJECT records unless given another.
      defaultingPath: (req.defaulting ? req.defaultingPath : undefined) ?? had?.defaultingPath,
      validation: (had?.validation || req.validation) || undefined,
      validationPath: (req.validation ? req.validationPath : undefined) ?? had?.validationPath,
      conversion: (had?.conversion || req.conversion) || undefined,
      spoke: spokes.length > 0 ? spokes : undefined,
      webhookVersion: "v1",
    },
  };
  const resources = index >= 0 ? config.resources.map((r, i) => (i === index ? updated : r)) : [...config.resources, updated];
  const next: ProjectConfig = { ...config, cliVersion: kbVersion, resources };
  checkPathsUnique(next, updated, req);
  const want: WebhookRequest = { defaulting: req.defaulting, validation: req.validation, conversionSpokes: req.conversion ? req.spokes : [] };
  return { config: next, plan: assembleWebhookPlan(next, updated, want, { boilerplate, kbVersion }) };
}

/**
 * The PROJECT entry of a kind that `kb create api` never saw, as kubebuilder records one: an
 * external kind (`--external-api-path` or `--external-api-domain`; its domain defaults to the
 * project's), or a Kubernetes kind, known by its group (core, apps, batch, networking...).
 */
function newWebhookEntry(config: ProjectConfig, req: CreateWebhookRequest): ProjectResource {
  const plural = req.plural !== undefined && req.plural !== defaultPlural(req.kind) ? req.plural : undefined;
  if (req.externalApiPath !== undefined || req.externalApiDomain !== undefined) {
    return externalResourceEntry(config, req, plural);
  }
  // A group such as batch is both Kubernetes' and, often, the project's: a kind of the project in another version is the project's.
  const own = config.resources.find((r) => r.api && r.group === req.group && r.kind === req.kind);
  if (own) {
    throw new ProjectConflictError(
      `no API found for ${req.group}/${req.version}, Kind=${req.kind}: the project's ${req.kind} is at ${own.version}, and this version is not in PROJECT`,
      `run kb create api --group ${req.group} --version ${req.version} --kind ${req.kind} first`,
    );
  }
  const coreDomain = CORE_GROUPS[req.group];
  if (coreDomain !== undefined) return { core: true, domain: coreDomain || undefined, group: req.group, kind: req.kind, plural, version: req.version };
  throw new ProjectConflictError(
    `no API found for ${req.group}/${req.version}, Kind=${req.kind}: it is not in PROJECT, and ${req.group} is not a Kubernetes group`,
    `run kb create api --group ${req.group} --version ${req.version} --kind ${req.kind} first, or pass --external-api-path (and --external-api-domain) for a kind of another project`,
  );
}

/** Flags that describe the kind must agree with what PROJECT already records of it. */
function checkAgainstProject(before: ProjectResource, req: CreateWebhookRequest): void {
  const gvk = `${req.group}/${req.version}, Kind=${req.kind}`;
  const external = req.externalApiPath !== undefined || req.externalApiDomain !== undefined || req.externalApiModule !== undefined;
  if (external && !before.external) {
    throw new ProjectConflictError(`${gvk} is in PROJECT as ${before.api ? "an API of this project" : "a Kubernetes kind"}: --external-api-* describe a kind of another project`);
  }
  const differs = (flag: string, given: string | undefined, recorded: string | undefined): void => {
    if (given !== undefined && given !== recorded) {
      throw new ProjectConflictError(`${flag} ${given}: PROJECT records ${recorded === undefined ? "none" : recorded} for ${gvk}`, `leave ${flag} out, or edit PROJECT`);
    }
  };
  differs("--external-api-path", req.externalApiPath, before.path);
  differs("--external-api-domain", req.externalApiDomain, before.domain);
  differs("--external-api-module", req.externalApiModule, before.module);
  if (req.plural !== undefined) differs("--plural", req.plural, before.plural ?? defaultPlural(req.kind));
}

/** Two admission webhooks on one path would be registered twice on the webhook server: refused, naming the flag. */
function checkPathsUnique(config: ProjectConfig, entry: ProjectResource, req: CreateWebhookRequest): void {
  const taken = new Map<string, string>();
  for (const r of config.resources) {
    if (r === entry) continue;
    const m = resourceModel(config, r);
    if (m.webhooks.defaulting) taken.set(admissionWebhookPath(m, "defaulter"), `the defaulting webhook of ${r.group}/${r.version}, Kind=${r.kind}`);
    if (m.webhooks.validation) taken.set(admissionWebhookPath(m, "validator"), `the validating webhook of ${r.group}/${r.version}, Kind=${r.kind}`);
  }
  const m = resourceModel(config, entry);
  const mine: [string, string | undefined, string][] = [];
  if (m.webhooks.defaulting) mine.push(["--defaulting-path", req.defaultingPath, admissionWebhookPath(m, "defaulter")]);
  if (m.webhooks.validation) mine.push(["--validation-path", req.validationPath, admissionWebhookPath(m, "validator")]);
  if (mine.length === 2 && mine[0]![2] === mine[1]![2]) {
    throw new ProjectConflictError(`the defaulting and the validating webhook would both be served on ${mine[0]![2]}`, "give --defaulting-path and --validation-path different paths");
  }
  for (const [flag, given, path] of mine) {
    const other = taken.get(path);
    if (other) throw new ProjectConflictError(`${given !== undefined ? `${flag} ${given}: ` : ""}${path} is already the path of ${other}`, "choose another path");
  }
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
