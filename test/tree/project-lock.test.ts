import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireProjectLock, LOCK_FILE, ProjectLockedError } from "../../src/tree/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), "kb-lock-"));
  dirs.push(d);
  return d;
}

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

/** A live process other than this one: the parent of the test runner's worker (vitest). */
const livePid = process.ppid;

describe("project lock", () => {
  it("creates .kb.lock holding this pid, and removes it on release", async () => {
    const root = tempRoot();
    const lock = await acquireProjectLock(root, { command: "kb create api", waitMs: 0 });
    const held = JSON.parse(readFileSync(join(root, LOCK_FILE), "utf8")) as { pid: number; command: string };
    expect(held).toMatchObject({ pid: process.pid, command: "kb create api" });
    expect(lock.holds()).toBe(true);
    lock.release();
    expect(readdirSync(root)).toEqual([]);
  });

  it("refuses at once with waitMs 0 when a live process holds it, naming the lock file and the pid", async () => {
    const root = tempRoot();
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid: livePid, command: "kb edit", nonce: "n1" }));
    const e = await acquireProjectLock(root, { command: "kb create api", waitMs: 0 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ProjectLockedError);
    const message = (e as ProjectLockedError).format();
    expect(message).toContain(`locked by another kb (pid ${livePid}, kb edit)`);
    expect(message).toContain(join(root, LOCK_FILE));
    expect(JSON.parse(readFileSync(join(root, LOCK_FILE), "utf8")).nonce).toBe("n1");
  });

  it("waits for a live holder, then takes the lock when it is released", async () => {
    const root = tempRoot();
    const first = await acquireProjectLock(root, { command: "first", waitMs: 0 });
    let told = 0;
    // The first holder is this process too: a pid equal to ours counts as stale, so hold it as another pid.
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid: livePid, command: "first", nonce: first.holder.nonce }));
    const second = acquireProjectLock(root, { command: "second", waitMs: 30_000, pollMs: 5, onWait: () => told++ });
    await new Promise((r) => setTimeout(r, 50));
    expect(told).toBe(1);
    first.release();
    const lock = await second;
    expect(lock.holds()).toBe(true);
    expect(JSON.parse(readFileSync(join(root, LOCK_FILE), "utf8")).command).toBe("second");
    lock.release();
  });

  it("gives up after waitMs, saying how long it waited", async () => {
    const root = tempRoot();
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid: livePid, command: "kb init", nonce: "n" }));
    const e = (await acquireProjectLock(root, { command: "kb", waitMs: 1_000, pollMs: 10 }).catch((err: unknown) => err)) as ProjectLockedError;
    expect(e).toBeInstanceOf(ProjectLockedError);
    expect(e.message).toMatch(/still after 1 s/);
  });

  it("takes over a stale lock whose process is dead, leaving nothing aside", async () => {
    const root = tempRoot();
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid: deadPid(), command: "kb create api", nonce: "dead" }));
    const lock = await acquireProjectLock(root, { command: "kb", waitMs: 0 });
    expect(lock.holds()).toBe(true);
    lock.release();
    expect(readdirSync(root)).toEqual([]);
  });

  it("takes over an empty lock file (its process died before writing it) once it is old", async () => {
    const root = tempRoot();
    writeFileSync(join(root, LOCK_FILE), "");
    const { utimesSync } = await import("node:fs");
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, LOCK_FILE), old, old);
    const lock = await acquireProjectLock(root, { command: "kb", waitMs: 0 });
    expect(lock.holds()).toBe(true);
    lock.release();
    expect(existsSync(join(root, LOCK_FILE))).toBe(false);
  });

  it("many acquirers at once: exactly one holds the lock at a time", async () => {
    const root = tempRoot();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const lock = await acquireProjectLock(root, { command: `k${i}`, waitMs: 30_000, pollMs: 1 });
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
        lock.release();
      }),
    );
    expect(most).toBe(1);
    expect(readdirSync(root)).toEqual([]);
  });
});
