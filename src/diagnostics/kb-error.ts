import { escapeControls, formatLocation, type SourceLocation } from "./location.js";

/** Process exit codes of `kb`. */
export const ExitCode = {
  ok: 0,
  /** `kb generate --check` found stale output. */
  stale: 1,
  /** The input (sources, markers, flags) is bad. */
  badInput: 2,
  /** A bug in kb itself. */
  internal: 3,
} as const;

/**
 * The one error type users see. It carries a stable `code` (tests and docs use it), an
 * optional source location and an optional hint ("did you mean ...").
 */
export class KbError extends Error {
  readonly code: string;
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(
    code: string,
    message: string,
    options: { location?: SourceLocation; hint?: string; exitCode?: number } = {},
  ) {
    super(message);
    this.name = "KbError";
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.badInput;
  }

  /** `file:line:col: message (hint)` */
  format(cwd?: string): string {
    const where = this.location ? `${formatLocation(this.location, cwd)}: ` : "";
    return escapeControls(`${where}${this.message}${this.hint ? ` (${this.hint})` : ""}`);
  }
}

/** Several user errors at once; the CLI prints each and exits 2. */
export class DiagnosticsError extends KbError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    super("diagnostics", `${diagnostics.length} error(s)`);
    this.name = "DiagnosticsError";
    this.diagnostics = diagnostics;
  }
}

export type Severity = "error" | "warning";

/** One finding of a run: an error stops output, a warning does not. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
}

/** `file:line:col: error: message (hint)`, control characters of the source escaped. */
export function formatDiagnostic(diagnostic: Diagnostic, cwd?: string): string {
  const where = diagnostic.location ? `${formatLocation(diagnostic.location, cwd)}: ` : "";
  const hint = diagnostic.hint ? ` (${escapeControls(diagnostic.hint)})` : "";
  return `${where}${diagnostic.severity}: ${escapeControls(diagnostic.message)}${hint}`;
}
