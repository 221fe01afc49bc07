import { Command, CommanderError } from "commander";
import { DiagnosticsError, escapeControls, ExitCode, KbError } from "../diagnostics/index.js";
import { alphaCommand } from "./alpha-command.js";
import { createCommand } from "./create-command.js";
import { editCommand } from "./edit-command.js";
import { generateCommand } from "./generate-command.js";
import { initCommand } from "./init-command.js";
import { markersCommand } from "./markers-command.js";
import { printDiagnostics, processIo, type Io } from "./output.js";
import { kbVersion } from "./version.js";

/** Builds the `kb` program. */
export function createProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command("kb")
    .description("kubebuilder for TypeScript: scaffold operators and generate their Kubernetes manifests from TypeScript API types")
    .version(kbVersion(), "-v, --version", "print the kb version")
    .addHelpText(
      "after",
      "\nExamples:\n  $ kb init --domain example.com                          # a new operator project\n  $ kb create api --group batch --version v1 --kind CronJob # API types and a controller\n  $ kb generate             # CRDs, RBAC and webhooks from api/ and src/\n  $ kb generate --check     # fail when manifests are stale\n  $ kb markers              # the markers kb understands",
    )
    .enablePositionalOptions()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(escapeControls(s)) })
    .exitOverride();
  program.addCommand(initCommand(io, setExit));
  program.addCommand(createCommand(io, setExit));
  program.addCommand(editCommand(io, setExit));
  program.addCommand(alphaCommand(io, setExit));
  program.addCommand(generateCommand(io, setExit));
  program.addCommand(markersCommand(io));
  program
    .command("version")
    .description("print the kb version")
    .action(() => io.out(`${kbVersion()}\n`));
  const configure = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(escapeControls(s)) });
    c.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

/**
 * Runs `kb` with `argv` (without node and script) and returns the exit code. The one place
 * errors are caught: user errors print as file:line:col and exit 2, anything else is a bug.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code: number = ExitCode.ok;
  try {
    const program = createProgram(io, (c) => (code = c));
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return ExitCode.ok;
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (e instanceof DiagnosticsError) {
      printDiagnostics(io, e.diagnostics);
      return e.exitCode;
    }
    if (e instanceof KbError) {
      io.err(`error: ${e.format(io.cwd)}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.err(`kb: internal error (this is a bug in kubebuilder-ts, please report it):\n${err?.stack ?? String(e)}\n`);
    return ExitCode.internal;
  }
}
