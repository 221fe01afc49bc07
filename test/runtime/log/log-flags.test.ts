import { describe, expect, it } from "vitest";
import { LogFlagError, parseLogFlags } from "../../../src/runtime/log/log-flags.js";

describe("parseLogFlags", () => {
  it("takes kubebuilder's logging flags out and leaves the other arguments in order", () => {
    const { flags, rest } = parseLogFlags([
      "--leader-elect",
      "--zap-log-level=debug",
      "--metrics-bind-address",
      ":8443",
      "--zap-encoder",
      "console",
      "-zap-stacktrace-level=panic",
      "--zap-devel",
    ]);
    expect(flags).toEqual({ development: true, level: "debug", encoder: "console", stacktraceLevel: "panic" });
    expect(rest).toEqual(["--leader-elect", "--metrics-bind-address", ":8443"]);
  });

  it("reads an integer verbosity, and values in any case, as Go's flags do", () => {
    expect(parseLogFlags(["--zap-log-level=3"]).flags.level).toBe(3);
    expect(parseLogFlags(["--zap-log-level", "INFO"]).flags.level).toBe("info");
    expect(parseLogFlags(["--zap-encoder=JSON"]).flags.encoder).toBe("json");
  });

  it("reads development mode as a Go boolean, and its negation", () => {
    expect(parseLogFlags([]).flags.development).toBe(false);
    expect(parseLogFlags(["--zap-devel=false"], { development: true }).flags.development).toBe(false);
    expect(parseLogFlags(["--no-zap-devel"], { development: true }).flags.development).toBe(false);
    expect(parseLogFlags(["--zap-devel=T"]).flags.development).toBe(true);
    expect(parseLogFlags([], { development: true }).flags.development).toBe(true);
  });

  it("stops at --", () => {
    expect(parseLogFlags(["--zap-devel", "--", "--zap-log-level=debug"])).toEqual({ flags: { development: true }, rest: ["--", "--zap-log-level=debug"] });
  });

  it("leaves flags it does not know alone", () => {
    expect(parseLogFlags(["--zap-time-encoding=iso8601", "--no-zap-encoder"]).rest).toEqual(["--zap-time-encoding=iso8601", "--no-zap-encoder"]);
  });

  it.each([
    [["--zap-log-level=verbose"], "zap-log-level", '--zap-log-level "verbose": expected debug, info, error, panic, or an integer verbosity > 0'],
    [["--zap-log-level=0"], "zap-log-level", '--zap-log-level "0": expected debug, info, error, panic, or an integer verbosity > 0'],
    [["--zap-log-level=warn"], "zap-log-level", '--zap-log-level "warn": expected debug, info, error, panic, or an integer verbosity > 0'],
    [["--zap-encoder=text"], "zap-encoder", '--zap-encoder "text": expected json or console'],
    [["--zap-stacktrace-level=debug"], "zap-stacktrace-level", '--zap-stacktrace-level "debug": expected info, error or panic'],
    [["--zap-devel=maybe"], "zap-devel", "--zap-devel=maybe: expected true or false"],
    [["--zap-log-level"], "zap-log-level", "--zap-log-level needs a value: expected debug, info, error, panic, or an integer verbosity > 0"],
    [["--zap-encoder", "--leader-elect"], "zap-encoder", "--zap-encoder needs a value: expected json or console"],
  ])("rejects %j, naming the flag and what it takes", (args, flag, message) => {
    let error: unknown;
    try {
      parseLogFlags(args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogFlagError);
    expect((error as LogFlagError).flag).toBe(flag);
    expect((error as LogFlagError).message).toBe(message);
  });
});
