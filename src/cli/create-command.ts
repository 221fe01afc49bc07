import { Command, Option } from "commander";
import {
  checkControllerName,
  checkDomain,
  checkExternalApiModule,
  checkExternalApiPath,
  checkGroup,
  checkKind,
  checkPlural,
  checkVersion,
  checkWebhookPath,
  scaffoldApi,
  scaffoldWebhook,
} from "../scaffolder/index.js";
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

interface ExternalApiFlags {
  externalApiPath?: string;
  externalApiDomain?: string;
  externalApiModule?: string;
}

interface ApiFlags extends GvkFlags, ExternalApiFlags {
  resource?: boolean;
  controller?: boolean;
  controllerName?: string;
  namespaced: boolean;
  plural?: string;
}

interface WebhookFlags extends GvkFlags, ExternalApiFlags {
  defaulting?: boolean;
  programmaticValidation?: boolean;
  conversion?: boolean;
  spoke?: string[];
  plural?: string;
  defaultingPath?: string;
  validationPath?: string;
}

const API_EXAMPLES = `
Examples:
  $ kb create api --group batch --version v1 --kind CronJob
  $ kb create api --group batch --version v1 --kind Cluster --namespaced=false
  $ kb create api --group apps --version v1 --kind Deployment --resource=false --controller
  $ kb create api --group batch --version v1 --kind CronJob --resource=false --controller-name cronjob-backup
  $ kb create api --group cert-manager --version v1 --kind Certificate --resource=false --controller \\
      --external-api-path @acme/certmanager-types --external-api-domain io --external-api-module @acme/certmanager-types@1.2.0`;

const WEBHOOK_EXAMPLES = `
Examples:
  $ kb create webhook --group batch --version v1 --kind CronJob --defaulting --programmatic-validation
  $ kb create webhook --group batch --version v1 --kind CronJob --conversion --spoke v2
  $ kb create webhook --group batch --version v1 --kind CronJob --defaulting --defaulting-path /mutate-cronjob
  $ kb create webhook --group core --version v1 --kind Pod --defaulting
  $ kb create webhook --group cert-manager --version v1 --kind Issuer --programmatic-validation \\
      --external-api-path ./src/external/certmanager-v1 --external-api-domain io`;

function gvkOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--group <group>", "the API group, without the domain (batch)")
    .requiredOption("--version <version>", "the API version (v1, v1beta1)")
    .requiredOption("--kind <kind>", "the kind, in PascalCase (CronJob)")
    .option("--force", "overwrite files that exist")
    .option("--dry-run", "print the files and their contents; write nothing");
}

function externalApiOptions(cmd: Command, what: string): Command {
  return cmd
    .option("--external-api-path <module>", `for ${what} of another project: the module exporting its type (an npm module such as @acme/certmanager-types, or ./ and a file of this project)`)
    .option("--external-api-domain <domain>", "the domain of that kind's API group (cert-manager.io: --group cert-manager --external-api-domain io)")
    .option("--external-api-module <package>", "the npm package (and version) holding that type, added to package.json's dependencies");
}

/** The external-API flags, each checked. */
function externalApi(flags: ExternalApiFlags): ExternalApiFlags {
  return {
    externalApiPath: flags.externalApiPath === undefined ? undefined : checkExternalApiPath(flags.externalApiPath),
    externalApiDomain: flags.externalApiDomain === undefined ? undefined : checkDomain(flags.externalApiDomain, "--external-api-domain"),
    externalApiModule: flags.externalApiModule === undefined ? undefined : checkExternalApiModule(flags.externalApiModule),
  };
}

/** `kb create api` and `kb create webhook` */
export function createCommand(io: Io, setExit: (code: number) => void): Command {
  const create = new Command("create").description("add an API or a webhook to the project");
  create.addCommand(
    externalApiOptions(gvkOptions(new Command("api").description("scaffold API types, a controller and their manifests for a kind"))
      .addOption(new Option("--resource [bool]", "scaffold the API types (asked at a terminal; default true)").argParser(parseBool))
      .addOption(new Option("--controller [bool]", "scaffold a controller (asked at a terminal; default true)").argParser(parseBool))
      .addOption(new Option("--namespaced [bool]", "the kind is namespaced (false: cluster-scoped)").argParser(parseBool).default(true)), "a controller of a kind")
      .option("--controller-name <name>", "the controller's name, so that one resource can have several (captain-backup: src/controllers/captain-backup-controller.ts)")
      .option("--plural <plural>", "the resource's plural name (default: the English plural of the kind)")
      .addHelpText("after", API_EXAMPLES)
      .action(async (flags: ApiFlags) => {
        const [group, version, kind] = [checkGroup(flags.group), checkVersion(flags.version), checkKind(flags.kind)];
        const plural = flags.plural === undefined ? undefined : checkPlural(flags.plural);
        const controllerName = flags.controllerName === undefined ? undefined : checkControllerName(flags.controllerName);
        const external = externalApi(flags);
        // A kind of another project has no types here, and a named controller is a controller: nothing to ask.
        const isExternal = Object.values(external).some((v) => v !== undefined);
        const resource = await askIfMissing(io, flags.resource ?? (isExternal ? false : undefined), "Create Resource", true);
        const controller = await askIfMissing(io, flags.controller ?? (controllerName !== undefined ? true : undefined), "Create Controller", true);
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
            controllerName,
            ...external,
            force: flags.force === true,
          });
          return finishScaffold(io, result, flags.dryRun === true, generate, "kb create api");
        });
        setExit(code);
      }),
  );
  create.addCommand(
    externalApiOptions(gvkOptions(new Command("webhook").description("scaffold defaulting, validating or conversion webhooks for a kind")), "webhooks of a kind")
      .option("--defaulting", "a mutating webhook that sets defaults")
      .option("--programmatic-validation", "a validating webhook for create, update and delete")
      .option("--conversion", "a conversion webhook: this version is the hub")
      .option("--spoke <version>", "a version converted to and from the hub (repeatable, or comma-separated)", collect)
      .option("--defaulting-path <path>", "the mutating webhook's path instead of /mutate-<group>-<version>-<kind> (only with --defaulting)")
      .option("--validation-path <path>", "the validating webhook's path instead of /validate-<group>-<version>-<kind> (only with --programmatic-validation)")
      .option("--plural <plural>", "the resource's plural name, for a kind not yet in PROJECT (default: the English plural of the kind)")
      .addHelpText("after", WEBHOOK_EXAMPLES)
      .action(async (flags: WebhookFlags) => {
        const [group, version, kind] = [checkGroup(flags.group), checkVersion(flags.version), checkKind(flags.kind)];
        const spokes = (flags.spoke ?? []).map((s) => checkVersion(s, "--spoke"));
        const plural = flags.plural === undefined ? undefined : checkPlural(flags.plural);
        const defaultingPath = flags.defaultingPath === undefined ? undefined : checkWebhookPath(flags.defaultingPath, "--defaulting-path");
        const validationPath = flags.validationPath === undefined ? undefined : checkWebhookPath(flags.validationPath, "--validation-path");
        const external = externalApi(flags);
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
            plural,
            defaultingPath,
            validationPath,
            ...external,
            force: flags.force === true,
          });
          return finishScaffold(io, result, flags.dryRun === true, generate, "kb create webhook");
        });
        setExit(code);
      }),
  );
  return create;
}
