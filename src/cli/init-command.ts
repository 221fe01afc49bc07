import { basename } from "node:path";
import { Command, Option } from "commander";
import { checkDomain, checkOwner, checkProjectName, LICENSES, scaffoldInit, type License } from "../scaffolder/index.js";
import { chooseKbPackage, withKbPackage } from "./kb-package-output.js";
import { npmInstall } from "./npm-install.js";
import type { Io } from "./output.js";
import { inLockedProject } from "./project-lock.js";
import { finishScaffold } from "./scaffold-output.js";
import { kbVersion } from "./version.js";

interface InitFlags {
  domain: string;
  projectName?: string;
  owner: string;
  license: License;
  multigroup?: boolean;
  namespaced?: boolean;
  skipInstall?: boolean;
  kbSource?: string;
  dryRun?: boolean;
}

const EXAMPLES = `
Examples:
  $ kb init --domain example.com                        # a project named after this directory
  $ kb init --domain example.com --owner "Acme Ltd" --skip-install
  $ kb init --domain example.com --multigroup --dry-run # list the files, write nothing
  $ kb init --domain example.com --kb-source ../kubebuilder-ts/kubebuilder-ts-0.1.0.tgz

Where the project's kubebuilder-ts comes from: kb installed from the npm registry gives the
registry's range (^<version>). kb run from a checkout (npm link) or installed from a tarball
puts that package in vendor/kubebuilder-ts-<version>.tgz (commit it with the project) and
depends on file:vendor/...; the Dockerfile copies it into the image build. --kb-source
chooses: registry, a .tgz, or a kubebuilder-ts folder (packed as npm pack packs it).`;

/** The year in licence headers: SOURCE_DATE_EPOCH's when set (reproducible output), else this year. */
export function scaffoldYear(env: NodeJS.ProcessEnv = process.env): number {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  return new Date(Number.isFinite(epoch) && env.SOURCE_DATE_EPOCH ? epoch * 1000 : Date.now()).getUTCFullYear();
}

/** `kb init` */
export function initCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command("init")
    .description("scaffold a new operator project in the current directory")
    .option("--domain <domain>", "the domain of the project's API groups", "my.domain")
    .option("--project-name <name>", "the project's name (default: this directory's name)")
    .option("--owner <owner>", "the copyright owner in licence headers", "")
    .addOption(new Option("--license <license>", "the licence header of scaffolded files").choices(LICENSES).default("apache2"))
    .option("--multigroup", "lay API types out as api/<group>/<version> (several API groups)")
    .option("--namespaced", "the manager watches and is granted only its own namespace")
    .option("--skip-install", "do not run npm install")
    .option("--kb-source <source>", "where the project's kubebuilder-ts comes from: registry, a packed .tgz or a kubebuilder-ts folder (default: where this kb was installed from)")
    .option("--dry-run", "print the files and their contents; write nothing")
    .addHelpText("after", EXAMPLES)
    .action(async (flags: InitFlags) => {
      const domain = checkDomain(flags.domain);
      const projectName = checkProjectName(flags.projectName ?? basename(io.cwd).toLowerCase(), flags.projectName ? "--project-name" : "the directory name (use --project-name)");
      const owner = checkOwner(flags.owner);
      const chosen = chooseKbPackage(io, flags.kbSource);
      const dryRun = flags.dryRun === true;
      const code = await inLockedProject(io, io.cwd, "kb init", async () => {
        const result = await scaffoldInit(io.cwd, {
          domain,
          projectName,
          owner,
          license: flags.license,
          year: scaffoldYear(),
          multigroup: flags.multigroup === true,
          namespaced: flags.namespaced === true,
          kbVersion: kbVersion(),
          kbPackage: chosen.kbPackage,
        });
        return withKbPackage(io, io.cwd, chosen, { dryRun, replace: false, command: "kb init" }, () => finishScaffold(io, result, dryRun, undefined, "kb init"));
      });
      const installed = code === 0 && !dryRun && flags.skipInstall !== true ? await npmInstall(io, io.cwd) : code;
      if (installed === 0 && !dryRun) io.out("next: kb create api --group <group> --version <version> --kind <Kind>\n");
      setExit(installed);
    });
}
