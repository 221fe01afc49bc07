/** `--zap-log-level`'s named levels; an integer verbosity > 0 is allowed too. */
export type LogLevelName = "debug" | "info" | "error" | "panic";
/** `--zap-stacktrace-level`'s values. */
export type StacktraceLevelName = "info" | "error" | "panic";
/** `--zap-encoder`'s values. */
export type LogEncoding = "json" | "console";

/**
 * The logging options kubebuilder's Go managers take as flags (controller-runtime's
 * `zap.Options.BindFlags`). What is unset follows the mode: development gives console lines,
 * debug level and stacks from warn up; production JSON lines, info level and stacks from
 * error up.
 */
export interface LogFlags {
  /** `--zap-devel`: development mode defaults. */
  readonly development: boolean;
  /** `--zap-encoder`. */
  readonly encoder?: LogEncoding | undefined;
  /** `--zap-log-level`: a named level, or a verbosity (1 is debug, 2 and more trace, pino's most verbose). */
  readonly level?: LogLevelName | number | undefined;
  /** `--zap-stacktrace-level`: entries at or above it carry a stack. */
  readonly stacktraceLevel?: StacktraceLevelName | undefined;
}

/** The flags {@link parseLogFlags} reads, with their help text, for a usage message. */
export const LOG_FLAGS: readonly { readonly name: string; readonly value?: string; readonly description: string }[] = [
  {
    name: "zap-devel",
    description: "Development mode: console encoder, debug level, stacks from warn up. Production mode (default): JSON encoder, info level, stacks from error up.",
  },
  { name: "zap-encoder", value: "json|console", description: "Log encoding: json or console (human-readable lines)." },
  {
    name: "zap-log-level",
    value: "level",
    description: "Log verbosity: debug, info, error, panic, or an integer > 0 (1 is debug, 2 and more trace).",
  },
  { name: "zap-stacktrace-level", value: "level", description: "Level at and above which entries carry a stack: info, error or panic." },
];

/** A logging flag with a value it does not take, or without the value it needs. */
export class LogFlagError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
    this.name = "LogFlagError";
  }
}

const LEVELS: readonly LogLevelName[] = ["debug", "info", "error", "panic"];
const STACK_LEVELS: readonly StacktraceLevelName[] = ["info", "error", "panic"];
const ENCODERS: readonly LogEncoding[] = ["json", "console"];
// Go's strconv.ParseBool, which flag uses for boolean flags.
const TRUE = new Set(["1", "t", "true"]);
const FALSE = new Set(["0", "f", "false"]);

/**
 * Takes kubebuilder's logging flags out of `args` (`--zap-devel`, `--zap-encoder`,
 * `--zap-log-level`, `--zap-stacktrace-level`; spelled `--flag=value`, `--flag value`, or
 * with one dash as Go allows; `--zap-devel=false` or `--no-zap-devel` turn development mode
 * off) and returns them with the other arguments, in order. Parsing stops at `--`. Values are
 * case-insensitive. Throws a {@link LogFlagError} naming the flag and the values it takes.
 * @param defaults what an absent flag means (e.g. `{ development: true }`).
 * @example
 * ```ts
 * const { flags, rest } = parseLogFlags(process.argv.slice(2));
 * const log = createLoggerFromFlags(flags);
 * ```
 */
export function parseLogFlags(args: readonly string[], defaults: Partial<LogFlags> = {}): { flags: LogFlags; rest: string[] } {
  let flags: LogFlags = { development: false, ...defaults };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const m = /^--?(no-)?(zap-[a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = m?.[2];
    if (!m || !name || !(name === "zap-devel" || LOG_FLAGS.some((f) => f.name === name))) {
      rest.push(arg);
      continue;
    }
    const negated = m[1] !== undefined;
    let value = m[3];
    if (name === "zap-devel") {
      if (negated && value !== undefined) throw new LogFlagError(name, `--no-zap-devel takes no value, got "${value}"`);
      flags = { ...flags, development: negated ? false : parseBool(value) };
      continue;
    }
    if (negated) {
      rest.push(arg);
      continue;
    }
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || next.startsWith("-")) throw new LogFlagError(name, `--${name} needs a value: ${allowed(name)}`);
      value = next;
      i++;
    }
    flags = { ...flags, ...parseValue(name, value) };
  }
  return { flags, rest };
}

function parseBool(value: string | undefined): boolean {
  if (value === undefined || TRUE.has(value.toLowerCase())) return true;
  if (FALSE.has(value.toLowerCase())) return false;
  throw new LogFlagError("zap-devel", `--zap-devel=${value}: expected true or false`);
}

function parseValue(name: string, raw: string): Partial<LogFlags> {
  const value = raw.toLowerCase();
  switch (name) {
    case "zap-encoder":
      if ((ENCODERS as readonly string[]).includes(value)) return { encoder: value as LogEncoding };
      break;
    case "zap-log-level":
      if ((LEVELS as readonly string[]).includes(value)) return { level: value as LogLevelName };
      if (/^\d+$/.test(value) && Number(value) > 0) return { level: Number(value) };
      break;
    case "zap-stacktrace-level":
      if ((STACK_LEVELS as readonly string[]).includes(value)) return { stacktraceLevel: value as StacktraceLevelName };
      break;
  }
  throw new LogFlagError(name, `--${name} "${raw}": ${allowed(name)}`);
}

function allowed(name: string): string {
  switch (name) {
    case "zap-encoder":
      return "expected json or console";
    case "zap-log-level":
      return "expected debug, info, error, panic, or an integer verbosity > 0";
    default:
      return "expected info, error or panic";
  }
}
