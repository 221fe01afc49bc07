import { Command, Option } from "commander";
import { scaffoldEdit } from "../scaffolder/index.js";
import type { Io } from "./output.js";
import { parseBool } from "./scaffold-flags.js";
import { inLockedProject } from "./project-lock.js";
import { finishScaffold } from "./scaffold-output.js";
import { kbVersion } from "./version.js";

interface EditFlags {
  multigroup?: boolean;
  namespaced?: boolean;
  force?: boolean;
  dryRun?: boolean;
}

const EXAMPLES = `
Examples:
  $ kb edit --multigroup              # new APIs go to api/<group>/<version>
  $ kb edit --namespaced              # the manager watches only its own namespace
  $ kb edit --namespaced=false --dry-run`;

/** `kb edit` */
export function editCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command("edit")
    .description("change the project's layout settings (PROJECT) and the files that depend on them")
    .addOption(new Option("--multigroup [bool]", "lay new API types out as api/<group>/<version>").argParser(parseBool))
    .addOption(new Option("--namespaced [bool]", "the manager watches and is granted only its own namespace").argParser(parseBool))
    .option("--force", "replace files that depend on the settings even if they were edited")
    .option("--dry-run", "print what would change; write nothing")
    .addHelpText("after", EXAMPLES)
    .action(async (flags: EditFlags) => {
      if (flags.multigroup === undefined && flags.namespaced === undefined) {
        io.err("error: nothing to edit: pass --multigroup and/or --namespaced (each may be =false)\n");
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
