import { Command, Option } from "commander";
import { checkDomain, checkGroup, checkKind, checkPlural, checkVersion, scaffoldApi, scaffoldWebhook } from "../scaffolder/index.js";
import { startGenerator } from "../generator/generate-async.js";
import type { Io } from "./output.js";
import { askIfMissing, collect, parseBool } from "./scaffold-flags.js";
import { inLockedProject } from "./project-lock.js";
import { finishScaffold } from "./scaffold-output.js";
import { kbVersion } from "./version.js";

interface GvkFlags {
  group: string;
  version: string;
  kind: string;
  force?: boolean;
  dryRun?: boolean;
}

interface ApiFlags extends GvkFlags {
  resource?: boolean;
  controller?: boolean;
  namespaced: boolean;
  plural?: string;
  externalApiDomain?: string;
}

interface WebhookFlags extends GvkFlags {
  defaulting?: boolean;
  programmaticValidation?: boolean;
  conversion?: boolean;
  spoke?: string[];
}

const API_EXAMPLES = `
Examples:
  $ kb create api --group batch --version v1 --kind CronJob
  $ kb create api --group batch --version v1 --kind Cluster --namespaced=false
  $ kb create api --group apps --version v1 --kind Deployment --resource=false --controller`;

const WEBHOOK_EXAMPLES = `
Examples:
  $ kb create webhook --group batch --version v1 --kind CronJob --defaulting --programmatic-validation
  $ kb create webhook --group batch --version v1 --kind CronJob --conversion --spoke v2`;

function gvkOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--group <group>", "the API group, without the domain (batch)")
    .requiredOption("--version <version>", "the API version (v1, v1beta1)")
    .requiredOption("--kind <kind>", "the kind, in PascalCase (CronJob)")
    .option("--force", "overwrite files that exist")
    .option("--dry-run", "print the files and their contents; write nothing");
}

/** `kb create api` and `kb create webhook` */
export function createCommand(io: Io, setExit: (code: number) => void): Command {
  const create = new Command("create").description("add an API or a webhook to the project");
  create.addCommand(
    gvkOptions(new Command("api").description("scaffold API types, a controller and their manifests for a kind"))
      .addOption(new Option("--resource [bool]", "scaffold the API types (asked at a terminal; default true)").argParser(parseBool))
      .addOption(new Option("--controller [bool]", "scaffold a controller (asked at a terminal; default true)").argParser(parseBool))
      .addOption(new Option("--namespaced [bool]", "the kind is namespaced (false: cluster-scoped)").argParser(parseBool).default(true))
      .option("--plural <plural>", "the resource's plural name (default: the English plural of the kind)")
      .option("--external-api-domain <domain>", "the domain of another project's API group, for a controller of its kind")
      .addHelpText("after", API_EXAMPLES)
      .action(async (flags: ApiFlags) => {
        const [group, version, kind] = [checkGroup(flags.group), checkVersion(flags.version), checkKind(flags.kind)];
        const plural = flags.plural === undefined ? undefined : checkPlural(flags.plural);
        const externalApiDomain = flags.externalApiDomain === undefined ? undefined : checkDomain(flags.externalApiDomain, "--external-api-domain");
        const resource = await askIfMissing(io, flags.resource, "Create Resource", true);
        const controller = await askIfMissing(io, flags.controller, "Create Controller", true);
        const generate = flags.dryRun ? undefined : startGenerator();
        const code = await inLockedProject(io, io.cwd, "kb create api", async () => {
          const result = await scaffoldApi(io.cwd, kbVersion(), {
            group,
            version,
            kind,
            resource,
            controller,
            namespaced: flags.namespaced,
            plural,
            externalApiDomain,
            force: flags.force === true,
          });
          return finishScaffold(io, result, flags.dryRun === true, generate, "kb create api");
        });
        setExit(code);
      }),
  );
  create.addCommand(
    gvkOptions(new Command("webhook").description("scaffold defaulting, validating or conversion webhooks for a kind"))
      .option("--defaulting", "a mutating webhook that sets defaults")
      .option("--programmatic-validation", "a validating webhook for create, update and delete")
      .option("--conversion", "a conversion webhook: this version is the hub")
      .option("--spoke <version>", "a version converted to and from the hub (repeatable, or comma-separated)", collect)
      .addHelpText("after", WEBHOOK_EXAMPLES)
      .action(async (flags: WebhookFlags) => {
        const [group, version, kind] = [checkGroup(flags.group), checkVersion(flags.version), checkKind(flags.kind)];
        const spokes = (flags.spoke ?? []).map((s) => checkVersion(s, "--spoke"));
        const generate = flags.dryRun ? undefined : startGenerator();
        const code = await inLockedProject(io, io.cwd, "kb create webhook", async () => {
          const result = await scaffoldWebhook(io.cwd, kbVersion(), {
            group,
            version,
            kind,
            defaulting: flags.defaulting === true,
            validation: flags.programmaticValidation === true,
            conversion: flags.conversion === true,
            spokes,
            force: flags.force === true,
          });
          return finishScaffold(io, result, flags.dryRun === true, generate, "kb create webhook");
        });
        setExit(code);
      }),
  );
  return create;
}
