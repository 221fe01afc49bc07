import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { directoryBytes, processCpuMs, startManager } from "../../bench/manager-start.js";

// The image suite and the scaffolded-project e2e time a manager's start with startManager; here
// small scripts stand in for the manager.

const scratch = mkdtempSync(join(tmpdir(), "kb-manager-start-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function script(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const options = { cwd: scratch, env: process.env, reconcileMessage: "reconciled", timeoutMs: 30_000 };

describe("startManager", () => {
  it("resolves at the first log line with the reconcile's message, timed by that line's own clock, and stops the process", async () => {
    // Other lines first, a line that is not JSON, then the reconcile 50 ms (by its clock) after the start.
    const manager = script(
      "manager.mjs",
      [
        "const started = Date.now();",
        'console.log(JSON.stringify({ level: 30, time: Date.now(), msg: "starting manager" }));',
        'console.log("not JSON");',
        'setTimeout(() => console.log(JSON.stringify({ level: 30, time: started + 50, msg: "reconciled", name: "sample" })), 10);',
        "setInterval(() => {}, 1000);",
      ].join("\n"),
    );
    const started = await startManager({ ...options, args: [manager] });
    try {
      expect(started.toFirstReconcileMs).toBeGreaterThanOrEqual(50);
      expect(started.output()).toContain('"name":"sample"');
      if (process.platform === "linux") expect(started.cpuMs).toBeGreaterThan(0);
    } finally {
      await started.stop();
    }
    await started.stop(); // idempotent
  });

  it("rejects with the process's output when it exits before reconciling", async () => {
    const failing = script("failing.mjs", 'console.error("problem running manager"); process.exit(1);');
    await expect(startManager({ ...options, args: [failing] })).rejects.toThrow(/exited \(code 1, signal null\) before its first reconcile[\s\S]*problem running manager/);
  });

  it("rejects, and stops the process, when no reconcile comes in time", async () => {
    const silent = script("silent.mjs", 'console.log(`pid ${process.pid}`);\nsetInterval(() => {}, 1000);');
    const error = await startManager({ ...options, args: [silent], timeoutMs: 5_000 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/no "reconciled" log line within 5000 ms[\s\S]*pid \d+/);
    // The process is gone once startManager has rejected.
    const pid = Number(/pid (\d+)/.exec(error!.message)![1]);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
  });
});

describe("processCpuMs and directoryBytes", () => {
  it.skipIf(process.platform !== "linux")("read this process's CPU time from /proc, and nothing for a process that is gone", () => {
    const ms = processCpuMs(process.pid)!;
    const usage = process.cpuUsage();
    expect(ms).toBeGreaterThan(0);
    // /proc counts in clock ticks: within a few of process.cpuUsage().
    expect(Math.abs(ms - (usage.user + usage.system) / 1000)).toBeLessThan(1000);
    expect(processCpuMs(2 ** 22 + 1)).toBeUndefined();
  });

  it("sum the sizes of the files under a folder, nested ones included", () => {
    const dir = join(scratch, "tree");
    const nested = join(dir, "a", "b");
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(dir, "one"), "12345");
    writeFileSync(join(nested, "two"), "123");
    expect(directoryBytes(dir)).toBe(8);
  });
});
