import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import { scaffoldAlphaGenerate } from "../scaffolder/index.js";
import { chooseKbPackage, withKbPackage } from "./kb-package-output.js";
import type { Io } from "./output.js";
import { inLockedProject } from "./project-lock.js";
import { finishScaffold } from "./scaffold-output.js";
import { kbVersion } from "./version.js";

interface AlphaGenerateFlags {
  inputDir: string;
  outputDir?: string;
  force?: boolean;
  kbSource?: string;
  dryRun?: boolean;
}

const EXAMPLES = `
Examples:
  $ kb alpha generate --output-dir ../my-operator-upgraded   # then compare the two trees
  $ kb alpha generate --force                                  # re-scaffold in place (your edits are overwritten)`;

/** `kb alpha generate` and whatever else graduates through `alpha` later. */
export function alphaCommand(io: Io, setExit: (code: number) => void): Command {
  const alpha = new Command("alpha").description("experimental commands");
  alpha.addCommand(
    new Command("generate")
      .description("re-scaffold the project that PROJECT describes with this version's templates (for upgrades)")
      .option("--input-dir <dir>", "the project to read PROJECT from", ".")
      .option("--output-dir <dir>", "where to write the new project (default: the input directory, which needs --force)")
      .option("--force", "overwrite files that exist")
      .option("--kb-source <source>", "where the new project's kubebuilder-ts comes from, as for kb init: registry, a packed .tgz or a kubebuilder-ts folder (default: where this kb was installed from)")
      .option("--dry-run", "print what would change; write nothing")
      .addHelpText("after", EXAMPLES)
      .action(async (flags: AlphaGenerateFlags) => {
        const inputDir = resolve(io.cwd, flags.inputDir);
        const outputDir = resolve(io.cwd, flags.outputDir ?? flags.inputDir);
        // The project depends on this kb's kubebuilder-ts, vendored as kb init vendors it.
        const chosen = chooseKbPackage(io, flags.kbSource);
        const dryRun = flags.dryRun === true;
        const force = flags.force === true;
        if (!dryRun) mkdirSync(outputDir, { recursive: true });
        const code = await inLockedProject(io, outputDir, "kb alpha generate", async () => {
          const result = await scaffoldAlphaGenerate(kbVersion(), { inputDir, outputDir, force, kbPackage: chosen.kbPackage });
          return withKbPackage(io, outputDir, chosen, { dryRun, replace: force, command: "kb alpha generate" }, () =>
            finishScaffold(io, result, dryRun, undefined, "kb alpha generate"),
          );
        });
        setExit(code);
      }),
  );
  return alpha;
}
