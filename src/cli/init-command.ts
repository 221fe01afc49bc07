import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Command, Option } from "commander";
import { KbError } from "../diagnostics/index.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { checkDomain, checkOwner, checkProjectName, LICENSES, scaffoldInit, type License } from "../scaffolder/index.js";
import {
  describeSource,
  detectKbSource,
  kbPackageFor,
  kbSourceFromFlag,
  kbTarball,
  type DetectedSource,
  type KbPackage,
} from "../scaffolder/commands/init/kb-package.js";
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
      const detected: DetectedSource = flags.kbSource
        ? { source: kbSourceFromFlag(flags.kbSource, io.cwd), why: `--kb-source ${flags.kbSource}` }
        : detectKbSource(PACKAGE_ROOT, import.meta.url.endsWith(".ts"));
      const kbPackage = kbPackageFor(detected.source, kbVersion());
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
          kbPackage,
          skipInstall: true,
        });
        if (kbPackage.kind === "registry") io.out(`kubebuilder-ts ^${kbPackage.version}: from the npm registry (${detected.why})\n`);
        else io.out(`kubebuilder-ts ${kbPackage.version}: from ${describeSource(detected.source)}, as ${kbPackage.file} (${detected.why}); commit it with the project\n`);
        if (dryRun && kbPackage.kind === "vendored") io.out(`would create ${kbPackage.file}\n`);
        if (dryRun || kbPackage.kind === "registry") return finishScaffold(io, result, dryRun, undefined, "kb init");
        const placed = placeTarball(io.cwd, kbPackage, kbTarball(detected.source as Exclude<typeof detected.source, { kind: "registry" }>));
        let written = false;
        try {
          const scaffolded = await finishScaffold(io, result, false, undefined, "kb init");
          written = true;
          io.out(placed ? `created ${kbPackage.file}\n` : `kept ${kbPackage.file} (already there)\n`);
          return scaffolded;
        } finally {
          if (!written && placed) removePlaced(io.cwd, kbPackage.file);
        }
      });
      const installed = code === 0 && !dryRun && flags.skipInstall !== true ? await npmInstall(io, io.cwd) : code;
      if (installed === 0 && !dryRun) io.out("next: kb create api --group <group> --version <version> --kind <Kind>\n");
      setExit(installed);
    });
}

/**
 * Puts the tarball in the project (written beside, then renamed: never half a file); returns
 * false when the same bytes were already there. Refuses to replace a different file.
 */
function placeTarball(root: string, pkg: Extract<KbPackage, { kind: "vendored" }>, bytes: Buffer): boolean {
  const path = join(root, pkg.file);
  let existing: Buffer | undefined;
  try {
    existing = readFileSync(path);
  } catch {
    existing = undefined;
  }
  if (existing !== undefined) {
    if (existing.equals(bytes)) return false;
    throw new KbError("init-conflict", `${pkg.file} exists and is not the kubebuilder-ts ${pkg.version} kb init would put there`, {
      hint: "kb init writes a new project and overwrites nothing: move it away, or run kb init in an empty directory",
    });
  }
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${randomBytes(4).toString("hex")}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, path);
  return true;
}

/** Removes a tarball kb init placed, and its folder when that is left empty. */
function removePlaced(root: string, file: string): void {
  rmSync(join(root, file), { force: true });
  try {
    rmdirSync(dirname(join(root, file)));
  } catch {
    // not empty, or already gone
  }
}
