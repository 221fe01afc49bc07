import { describe, expect, it } from "vitest";
import { askIfMissing, collect, parseBool } from "../../src/cli/scaffold-flags.js";
import type { Io } from "../../src/cli/output.js";
import { runKb, tempDir } from "../helpers/temp-project.js";
import { main } from "../../src/cli/main.js";

const quiet = { cwd: "/", out: () => {}, err: () => {} };

describe("yes/no flags", () => {
  it("reads kubebuilder's spellings and refuses others", () => {
    expect(parseBool(undefined)).toBe(true);
    expect(parseBool("true")).toBe(true);
    expect(parseBool("false")).toBe(false);
    expect(() => parseBool("no")).toThrow(/expected true or false/);
    expect(collect("v2,v3", ["v1"])).toEqual(["v1", "v2", "v3"]);
  });

  it("asks at a terminal only when the flag is missing, and takes the default without one", async () => {
    const asked: string[] = [];
    const tty: Io = { ...quiet, confirm: async (q, d) => (asked.push(`${q} [${d}]`), false) };
    expect(await askIfMissing(tty, undefined, "Create Resource", true)).toBe(false);
    expect(await askIfMissing(tty, true, "Create Controller", true)).toBe(true);
    expect(asked).toEqual(["Create Resource [true]"]);
    expect(await askIfMissing(quiet, undefined, "Create Resource", true)).toBe(true);
  });

  it("kb create api asks 'Create Resource' and 'Create Controller' at a terminal", async () => {
    const dir = tempDir();
    await runKb(dir, "init", "--domain", "example.com", "--skip-install");
    const asked: string[] = [];
    const io: Io = { cwd: dir, out: () => {}, err: () => {}, confirm: async (q) => (asked.push(q), q === "Create Resource") };
    expect(await main(["create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob"], io)).toBe(0);
    expect(asked).toEqual(["Create Resource", "Create Controller"]);
  });
});
