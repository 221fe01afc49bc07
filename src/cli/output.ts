import { formatDiagnostic, type Diagnostic } from "../diagnostics/index.js";

/** Where a command prints: injectable so tests capture output. */
export interface Io {
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  get cwd() {
    return process.cwd();
  },
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Prints diagnostics, one a line, paths relative to the working directory. */
export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.err(`${formatDiagnostic(d, io.cwd)}\n`);
}
