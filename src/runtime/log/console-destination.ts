/** Where formatted lines go: `process.stdout` by default, any writable (or a test's collector). */
export interface LineSink {
  write(chunk: string): unknown;
}

// pino writes JSON lines. pino-pretty would turn them into readable ones, but it is not a
// dependency of the runtime (and runs as a worker-thread transport, which a bundled operator
// would have to ship): this small synchronous destination does that job for development logs.

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
/** Keys shown in their own column, or not at all (pino's pid and hostname are left out). */
const OWN_COLUMNS = new Set(["level", "time", "msg", "logger", "pid", "hostname", "stacktrace"]);

interface SerializedError {
  readonly type?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly [key: string]: unknown;
}

/**
 * A pino destination that prints each entry as one human-readable line, as zap's console
 * encoder (controller-runtime's development mode) does:
 * `2026-01-02T03:04:05.678Z  INFO  setup  starting manager  {"controller": "cronjob"}`,
 * tab-separated: time, level, the `logger` name (when bound), the message, then every other
 * field once (a key bound twice, by a child of a child, prints once, with the innermost value).
 * A logged error shows as `"error": "<message>"` (left out when it is the message itself),
 * and its stack, or the entry's `stacktrace`, follows on the next lines.
 * Lines that are not pino's JSON pass through unchanged.
 * @example
 * ```ts
 * const log = pino({ level: "debug" }, new ConsoleDestination(process.stderr));
 * ```
 */
export class ConsoleDestination {
  constructor(private readonly sink: LineSink = process.stdout) {}

  write(chunk: string): void {
    let out = "";
    for (const line of chunk.split("\n")) if (line.length > 0) out += `${formatConsoleLine(line)}\n`;
    this.sink.write(out);
  }
}

/** One pino JSON line as a console line (and its stack lines), without a trailing newline. */
export function formatConsoleLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return json;
    entry = parsed as Record<string, unknown>;
  } catch {
    return json;
  }
  const msg = typeof entry.msg === "string" ? entry.msg : "";
  const columns = [
    typeof entry.time === "number" ? new Date(entry.time).toISOString() : String(entry.time ?? ""),
    typeof entry.level === "number" ? (LEVEL_NAMES[entry.level] ?? `LEVEL${entry.level}`) : String(entry.level ?? "").toUpperCase(),
  ];
  if (typeof entry.logger === "string" && entry.logger !== "") columns.push(entry.logger);
  columns.push(msg);
  const fields: string[] = [];
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (OWN_COLUMNS.has(key)) continue;
    if (isSerializedError(value)) {
      const { type: _type, message, stack, ...props } = value;
      if (message !== undefined && message !== msg) fields.push(`${JSON.stringify(key === "err" ? "error" : key)}: ${JSON.stringify(message)}`);
      for (const [k, v] of Object.entries(props)) fields.push(`${JSON.stringify(`${key === "err" ? "error" : key}.${k}`)}: ${JSON.stringify(v)}`);
      if (typeof stack === "string" && stack !== "") stacks.push(stack);
      continue;
    }
    fields.push(`${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  }
  if (fields.length > 0) columns.push(`{${fields.join(", ")}}`);
  // The call's stack, indented as an error's frames are.
  if (typeof entry.stacktrace === "string" && entry.stacktrace !== "") stacks.push(entry.stacktrace.replace(/^(?=\S)/gm, "    "));
  return [columns.join("\t"), ...stacks].join("\n");
}

/** What pino's error serializer makes of an Error: `type`, `message` and `stack`. */
function isSerializedError(value: unknown): value is SerializedError {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === "string" && typeof v.message === "string";
}
