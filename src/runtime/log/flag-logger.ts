import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { ConsoleDestination, type LineSink } from "./console-destination.js";
import type { LogFlags } from "./log-flags.js";

/** What {@link createLoggerFromFlags} takes besides the flags. */
export interface FlagLoggerOptions {
  /** Where lines go (default standard output). */
  readonly destination?: LineSink;
  /** More pino options (name, redact, mixin, ...); the flags' level, serializers and hooks win. */
  readonly pino?: LoggerOptions;
}

/** pino's level numbers of the flags' levels: zap's panic is pino's fatal, zap's warn (development's stack level) pino's warn. */
const STACK_LEVEL = { info: 30, warn: 40, error: 50, panic: 60 } as const;

/**
 * Builds the logger kubebuilder's logging flags describe (see {@link parseLogFlags}):
 * - `encoder`: JSON lines (pino's) or human-readable console lines ({@link ConsoleDestination});
 *   development mode defaults to console, production to JSON;
 * - `level`: debug, info, error, panic (pino's fatal), or a verbosity (1 debug, 2+ trace);
 *   development defaults to debug, production to info;
 * - `stacktraceLevel`: entries at or above it carry a stack: a logged error's own (`err.stack`),
 *   or else the logging call's (`stacktrace`); below it a logged error shows its type and message
 *   only. Development defaults to warn, production to error, as controller-runtime's.
 * @example
 * ```ts
 * const { flags, rest } = parseLogFlags(process.argv.slice(2));
 * const log = createLoggerFromFlags(flags);
 * log.child({ logger: "setup" }).info("starting manager");
 * ```
 */
export function createLoggerFromFlags(flags: LogFlags, options: FlagLoggerOptions = {}): Logger {
  const encoder = flags.encoder ?? (flags.development ? "console" : "json");
  const level = pinoLevel(flags.level ?? (flags.development ? "debug" : "info"));
  const stackFrom = STACK_LEVEL[flags.stacktraceLevel ?? (flags.development ? "warn" : "error")];
  // Whether the entry being written carries stacks: set around each call (serialization is synchronous).
  let withStack = true;
  const destination: DestinationStream | LineSink =
    encoder === "console" ? new ConsoleDestination(options.destination) : (options.destination ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      ...options.pino,
      level,
      // The console line shows neither, and they would repeat on every line.
      ...(encoder === "console" ? { base: undefined } : {}),
      serializers: {
        ...options.pino?.serializers,
        err: (err: unknown) => {
          if (!(err instanceof Error)) return err;
          const serialized = stdSerializers.err(err);
          if (withStack) return serialized;
          const { stack: _stack, ...rest } = serialized;
          return rest;
        },
      },
      hooks: {
        ...options.pino?.hooks,
        logMethod(args, method, entryLevel) {
          const previous = withStack;
          withStack = entryLevel >= stackFrom;
          try {
            if (withStack && !loggedError(args)) addCallStack(args, this, entryLevel);
            method.apply(this, args);
          } finally {
            withStack = previous;
          }
        },
      },
    },
    destination as DestinationStream,
  );
}

function pinoLevel(level: LogFlags["level"] & {}): string {
  if (typeof level === "number") return level >= 2 ? "trace" : "debug";
  return level === "panic" ? "fatal" : level;
}

/** Whether the call logs an Error (as its first argument, or as `err`). */
function loggedError(args: unknown[]): boolean {
  const first = args[0];
  return first instanceof Error || (typeof first === "object" && first !== null && (first as { err?: unknown }).err instanceof Error);
}

/** Adds the logging call's stack (without pino's frames) as `stacktrace`, as zap does. */
function addCallStack(args: unknown[], logger: Logger, level: number): void {
  const holder: { stack?: string } = {};
  const method = (logger as unknown as Record<string, unknown>)[logger.levels.labels[level] ?? ""];
  Error.captureStackTrace(holder, typeof method === "function" ? (method as (...a: unknown[]) => unknown) : addCallStack);
  const frames = (holder.stack ?? "").split("\n").slice(1);
  if (frames.length === 0) return;
  const stacktrace = frames.map((f) => f.trim()).join("\n");
  const first = args[0];
  if (typeof first === "object" && first !== null) args[0] = { ...first, stacktrace };
  else args.unshift({ stacktrace });
}
