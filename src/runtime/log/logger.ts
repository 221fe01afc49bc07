import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/**
 * The runtime's structured logger (pino, JSON lines). Controllers derive child loggers with
 * `controller`, and every reconcile one with the request's `namespace` and `name`, so each
 * line carries the key. `LOG_LEVEL` sets the level (default info).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? "info", ...options });
}

/** A logger that writes nothing (tests, libraries). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
