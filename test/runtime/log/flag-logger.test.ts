import { describe, expect, it } from "vitest";
import { formatConsoleLine } from "../../../src/runtime/log/console-destination.js";
import { createLoggerFromFlags } from "../../../src/runtime/log/flag-logger.js";
import type { LogFlags } from "../../../src/runtime/log/log-flags.js";

/** A logger of `flags` writing into an array of lines. */
function capture(flags: LogFlags) {
  const lines: string[] = [];
  const destination = { write: (chunk: string) => void lines.push(...chunk.split("\n").filter((l) => l !== "")) };
  return { log: createLoggerFromFlags(flags, { destination }), lines };
}

function logFailure(): Error {
  return new TypeError("connection refused");
}

describe("createLoggerFromFlags", () => {
  it("writes JSON lines at info level in production mode", () => {
    const { log, lines } = capture({ development: false });
    log.debug("hidden");
    log.child({ logger: "setup" }).info({ controller: "cronjob" }, "starting");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, logger: "setup", controller: "cronjob", msg: "starting" });
  });

  it("writes console lines at debug level in development mode", () => {
    const { log, lines } = capture({ development: true });
    log.trace("hidden");
    log.child({ logger: "setup" }).debug({ workers: 2 }, "starting workers");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tDEBUG\tsetup\tstarting workers\t\{"workers": 2\}$/);
  });

  it("lets the encoder and level flags override the mode's defaults", () => {
    const json = capture({ development: true, encoder: "json", level: "error" });
    json.log.warn("hidden");
    json.log.error("shown");
    expect(json.lines.map((l) => JSON.parse(l).msg)).toEqual(["shown"]);

    const verbose = capture({ development: false, encoder: "console", level: 2 });
    verbose.log.trace("very detailed");
    expect(verbose.lines[0]).toContain("\tTRACE\t");

    const one = capture({ development: false, level: 1 });
    one.log.trace("hidden");
    one.log.debug("shown");
    expect(one.lines).toHaveLength(1);

    const panic = capture({ development: false, level: "panic" });
    panic.log.error("hidden");
    panic.log.fatal("shown");
    expect(panic.lines).toHaveLength(1);
  });

  it("gives errors at or above the stacktrace level their stack, and only type and message below it", () => {
    const { log, lines } = capture({ development: false });
    log.warn({ err: logFailure() }, "retrying");
    log.error({ err: logFailure() }, "giving up");
    const [warn, error] = lines.map((l) => JSON.parse(l));
    expect(warn.err).toEqual({ type: "TypeError", message: "connection refused" });
    expect(error.err).toMatchObject({ type: "TypeError", message: "connection refused" });
    expect(error.err.stack).toMatch(/^TypeError: connection refused\n\s+at logFailure/);
  });

  it("gives entries at or above the stacktrace level without an error the logging call's stack", () => {
    const { log, lines } = capture({ development: false, stacktraceLevel: "info" });
    log.debug("hidden");
    (function reconcileSomething() {
      log.info("reconciled");
    })();
    log.child({ controller: "c" }).info({ n: 1 }, "again %s", "x");
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first.msg).toBe("reconciled");
    expect(first.stacktrace.split("\n")[0]).toMatch(/^at reconcileSomething /);
    expect(first.stacktrace).not.toMatch(/pino/);
    expect(second).toMatchObject({ controller: "c", n: 1, msg: "again x" });
    expect(second.stacktrace).toMatch(/^at /);
  });

  it("takes development's stack level (warn) and production's (error) by default", () => {
    const dev = capture({ development: true, encoder: "json" });
    dev.log.info("no stack");
    dev.log.warn("stack");
    expect(dev.lines.map((l) => "stacktrace" in JSON.parse(l))).toEqual([false, true]);
    const prod = capture({ development: false });
    prod.log.warn("no stack");
    prod.log.error("stack");
    expect(prod.lines.map((l) => "stacktrace" in JSON.parse(l))).toEqual([false, true]);
  });

  it("prints a field bound twice (a child of a child) once on console lines, with the innermost value", () => {
    const { log, lines } = capture({ development: true });
    log.child({ controller: "cronjob" }).child({ controller: "cronjob", namespace: "default" }).info({ namespace: "prod" }, "reconciling");
    const fields = lines[0]!.split("\t")[3]!;
    expect(fields).toBe('{"controller": "cronjob", "namespace": "prod"}');
  });

  it("prints an error's message as a field, and its stack on the following lines", () => {
    const { log, lines } = capture({ development: true });
    log.error({ err: logFailure(), requeues: 2 }, "reconciler error");
    expect(lines[0]).toMatch(/\tERROR\treconciler error\t\{"error": "connection refused", "requeues": 2\}$/);
    expect(lines[1]).toBe("TypeError: connection refused");
    expect(lines[2]).toMatch(/^\s+at logFailure/);
    // An error logged alone is the message: it is not repeated as a field.
    log.error(logFailure());
    const alone = lines.find((l) => l.includes("\tconnection refused"))!;
    expect(alone).toMatch(/\tERROR\tconnection refused$/);
  });
});

describe("formatConsoleLine", () => {
  it("prints an entry's call stack on the following lines, indented", () => {
    const line = JSON.stringify({ level: 40, time: 0, msg: "slow", stacktrace: "at a (x.js:1:1)\nat b (y.js:2:2)" });
    expect(formatConsoleLine(line)).toBe("1970-01-01T00:00:00.000Z\tWARN\tslow\n    at a (x.js:1:1)\n    at b (y.js:2:2)");
  });

  it("leaves what is not a pino JSON line unchanged", () => {
    expect(formatConsoleLine("plain text")).toBe("plain text");
    expect(formatConsoleLine("[1,2]")).toBe("[1,2]");
  });

  it("leaves out pino's pid and hostname", () => {
    expect(formatConsoleLine('{"level":30,"time":0,"pid":1,"hostname":"h","msg":"m"}')).toBe("1970-01-01T00:00:00.000Z\tINFO\tm");
  });
});
