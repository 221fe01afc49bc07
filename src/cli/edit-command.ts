import { Command, Option } from "commander";
import { checkPlugins, scaffoldEdit, scaffoldHelmEdit } from "../scaffolder/index.js";
import type { Io } from "./output.js";
import { collect, parseBool } from "./scaffold-flags.js";
import { inLockedProject } from "./project-lock.js";
import { finishScaffold } from "./scaffold-output.js";
import { kbVersion } from "./version.js";

interface EditFlags {
  multigroup?: boolean;
  namespaced?: boolean;
  plugins?: string[];
  force?: boolean;
  dryRun?: boolean;
}

const EXAMPLES = `
Examples:
  $ kb edit --multigroup              # new APIs go to api/<group>/<version>
  $ kb edit --namespaced              # the manager watches only its own namespace
  $ kb edit --namespaced=false --dry-run
  $ kb edit --plugins=helm/v2-alpha     # a Helm chart in dist/chart, kept in step by kb generate`;

/** `kb edit` */
export function editCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command("edit")
    .description("change the project's layout settings (PROJECT) and the files that depend on them")
    .addOption(new Option("--multigroup [bool]", "lay new API types out as api/<group>/<version>").argParser(parseBool))
    .addOption(new Option("--namespaced [bool]", "the manager watches and is granted only its own namespace").argParser(parseBool))
    .option("--plugins <plugins>", "enable an optional plugin: helm/v2-alpha (a Helm chart in dist/chart from config/)", collect)
    .option("--force", "replace files that depend on the settings even if they were edited (with --plugins=helm/v2-alpha: the chart's values.yaml, Chart.yaml, ...)")
    .option("--dry-run", "print what would change; write nothing")
    .addHelpText("after", EXAMPLES)
    .action(async (flags: EditFlags) => {
      if (flags.plugins !== undefined) {
        if (flags.multigroup !== undefined || flags.namespaced !== undefined) {
          io.err("error: --plugins cannot be combined with --multigroup or --namespaced: run kb edit once for each\n");
          setExit(2);
          return;
        }
        checkPlugins(flags.plugins);
        const code = await inLockedProject(io, io.cwd, "kb edit", async () => {
          const result = await scaffoldHelmEdit(io.cwd, kbVersion(), { force: flags.force === true });
          const code = await finishScaffold(io, result, flags.dryRun === true, undefined, "kb edit");
          for (const note of result.notes) io.out(`note: ${note}\n`);
          return code;
        });
        setExit(code);
        return;
      }
      if (flags.multigroup === undefined && flags.namespaced === undefined) {
        io.err("error: nothing to edit: pass --multigroup and/or --namespaced (each may be =false), or --plugins=helm/v2-alpha\n");
        setExit(2);
        return;
      }
      const code = await inLockedProject(io, io.cwd, "kb edit", async () => {
        const result = await scaffoldEdit(io.cwd, kbVersion(), { multigroup: flags.multigroup, namespaced: flags.namespaced, force: flags.force === true });
        const code = await finishScaffold(io, result, flags.dryRun === true, undefined, "kb edit");
        for (const note of result.notes) io.out(`note: ${note}\n`);
        return code;
      });
      setExit(code);
    });
}
