import { formatDiagnostic, type Diagnostic } from "../diagnostics/index.js";

/** Where a command prints: injectable so tests capture output. */
export interface Io {
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
  /**
   * Asks a yes/no question; only present when a person is at a terminal. Commands use it
   * for missing yes/no flags and take the default when it is absent (CI, pipes, tests).
   */
  readonly confirm?: (message: string, defaultValue: boolean) => Promise<boolean>;
}

export const processIo: Io = {
  get cwd() {
    return process.cwd();
  },
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get confirm() {
    if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
    return async (message: string, defaultValue: boolean) => {
      const { confirm } = await import("@inquirer/prompts");
      return confirm({ message, default: defaultValue });
    };
  },
};

/** Prints diagnostics, one a line, paths relative to the working directory. */
export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.err(`${formatDiagnostic(d, io.cwd)}\n`);
}
