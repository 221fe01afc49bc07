// The parts of .ci/run that run tests on other Node.js lines (scripts/ci-node-lines.sh) and
// print the closing summary (scripts/ci-summary.mjs), run as .ci/run runs them. The Node.js of
// a line comes from a cache prepared here (this machine's own Node.js, under its own major), with
// the npm registry out of reach, so nothing is downloaded.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../helpers/npm-project.js";

const REPO = join(import.meta.dirname, "../..");
const MAJOR = Number(process.versions.node.split(".")[0]);

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "kb-ci-lines-"));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function exec(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: REPO, env: { ...process.env, ...env }, encoding: "utf8", timeout: 170_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** A registry address where nothing listens. */
async function deadRegistry(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/`;
}

/** Runs scripts/ci-node-lines.sh with a cache holding this machine's Node.js as its line's release, and no registry. */
async function nodeLines(lines: string, tests: readonly string[]): Promise<{ code: number; out: string; results: string }> {
  const run = mkdtempSync(join(work, "run-"));
  const cache = join(run, "cache");
  const bin = join(cache, "node", String(MAJOR), "node_modules", "node", "bin");
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, join(bin, "node"));
  const results = join(run, "results");
  mkdirSync(results);
  const env = { NODE_LINES: lines, KUBEBUILDER_TS_CACHE: cache, npm_config_registry: await deadRegistry(), npm_config_cache: join(run, "npm-cache"), KUBEBUILDER_ASSETS: "/nonexistent" };
  return { ...(await exec("bash", ["scripts/ci-node-lines.sh", results, ...tests], env)), results };
}

describe("scripts/ci-node-lines.sh", () => {
  it("runs the tests with each line's Node.js, and skips with a note a line the registry would have to provide", async () => {
    const r = await nodeLines(`${MAJOR} 23`, ["test/runtime/clock"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Node.js v${process.versions.node} (ready in`);
    expect(r.out).toContain("Node.js 23: skipped, as the npm registry cannot be reached");
    expect(r.out).toContain("not run on Node.js 23: the npm registry, which provides those releases, cannot be reached");
    const report = JSON.parse(readFileSync(join(r.results, `test-results-node${MAJOR}.json`), "utf8")) as { numPassedTests: number; numFailedTests: number; testResults: { name: string }[] };
    expect(report.numPassedTests).toBeGreaterThan(0);
    expect(report.numFailedTests).toBe(0);
    expect(report.testResults.map((t) => t.name)).toEqual([join(REPO, "test/runtime/clock/clock.test.ts")]);
    expect(existsSync(join(r.results, "test-results-node23.json"))).toBe(false);
  }, 180_000);

  it("fails when a line's tests fail, or its Node.js cannot be installed for another reason than the registry", async () => {
    const failing = await nodeLines(String(MAJOR), ["test/no-such-folder"]);
    expect(failing.code, failing.out).toBe(1);
    const broken = await nodeLines("x", ["test/runtime/clock"]);
    expect(broken.code, broken.out).toBe(1);
    expect(broken.out).toContain("Node.js x: could not be installed (scripts/ci-node.mjs exited 2)");
  }, 180_000);

  it("runs nothing with NODE_LINES empty, and wants a results folder and test paths", async () => {
    expect(await nodeLines("", ["test/runtime/clock"])).toMatchObject({ code: 0, out: "" });
    const usage = await exec("bash", ["scripts/ci-node-lines.sh", work]);
    expect(usage.code).toBe(2);
    expect(usage.out).toContain("usage:");
  }, 60_000);
});

describe("scripts/ci-summary.mjs", () => {
  const report = (name: string, passed: number, failed: number, pending: number, todo: number) => {
    const file = join(work, name);
    writeFileSync(file, JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numPendingTests: pending, numTodoTests: todo }));
    return file;
  };

  it("closes with the plain summary, summed over the reports, after one line per report", async () => {
    const main = report("main.json", 1200, 0, 30, 1);
    const node24 = report("node24.json", 800, 2, 10, 0);
    const r = await exec(process.execPath, ["scripts/ci-summary.mjs", main, node24]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual([`${main}: 1200 passed, 0 failed, 31 skipped`, `${node24}: 800 passed, 2 failed, 10 skipped`, "2000 passed, 2 failed, 41 skipped", ""]);
  });

  it("prints the summary alone for one report, and counts a missing report as a failure", async () => {
    const main = report("main.json", 5, 0, 0, 0);
    expect((await exec(process.execPath, ["scripts/ci-summary.mjs", main])).out).toBe("5 passed, 0 failed, 0 skipped\n");
    const missing = join(work, "missing.json");
    const r = await exec(process.execPath, ["scripts/ci-summary.mjs", missing, main]);
    expect(r.out).toContain(`${missing}: missing, as its run stopped before vitest wrote it: counted as 1 failed`);
    expect(r.out.trimEnd().split("\n").at(-1)).toBe("5 passed, 1 failed, 0 skipped");
  });
});
