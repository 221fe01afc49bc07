import { randomBytes } from "node:crypto";
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { KbError } from "../diagnostics/index.js";

/** The lock file kb holds in a project's root while a command reads and writes it. */
export const LOCK_FILE = ".kb.lock";

/** Who holds a lock, as its file records it. */
export interface LockHolder {
  readonly pid: number;
  /** The command line that took it (`kb create api`). */
  readonly command: string;
  /** Tells two holders with the same pid apart (a pid reused after the first one died). */
  readonly nonce: string;
}

export interface LockOptions {
  /** The command taking the lock, recorded for whoever finds it held. */
  readonly command: string;
  /** How long to wait for a live holder to finish, in milliseconds (0: refuse at once). */
  readonly waitMs: number;
  /** Told once when the lock is held by another live process and this one starts waiting. */
  readonly onWait?: (holder: LockHolder, lockFile: string) => void;
  /** Between two looks at a held lock, in milliseconds. */
  readonly pollMs?: number;
}

/** The project is locked by another live kb, and it did not finish in time. */
export class ProjectLockedError extends KbError {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder,
    waitedMs: number,
  ) {
    super(
      "project-locked",
      `the project is locked by another kb (pid ${holder.pid}, ${holder.command})${waitedMs >= 1000 ? `, still after ${Math.round(waitedMs / 1000)} s` : ""}: ${lockFile}`,
      { hint: `let it finish and run this again; if no kb with pid ${holder.pid} is running, remove ${lockFile}` },
    );
    this.name = "ProjectLockedError";
  }
}

/**
 * The lock of one project, taken by {@link acquireProjectLock}. Release it in a `finally`;
 * a process that dies holding it leaves a stale lock, which the next kb takes over.
 */
export class ProjectLock {
  private released = false;

  constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {}

  /** Whether the lock file still names this holder (nobody broke it as stale). */
  holds(): boolean {
    return !this.released && readHolder(this.file)?.nonce === this.holder.nonce;
  }

  /** Removes the lock file, if it is still this one's. */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.holder.nonce);
    for (const [root, lock] of byRoot) if (lock === this) byRoot.delete(root);
    if (readHolder(this.file)?.nonce === this.holder.nonce) rmSync(this.file, { force: true });
  }
}

/** The nonces of the locks this process holds. */
const heldHere = new Set<string>();
/** The lock this process holds in each project root. */
const byRoot = new Map<string, ProjectLock>();

/**
 * Throws when this process took the lock of `root` and no longer holds it (another kb judged
 * it stale and broke it): called just before a commit point, so that such a commit is rolled
 * back rather than interleaved with the other kb's.
 */
export function checkLockStillHeld(root: string): void {
  const lock = byRoot.get(resolve(root));
  if (lock && !lock.holds()) {
    throw new KbError("lock-lost", `another kb took the lock of this project (${lock.file}) while this one worked: nothing was written`, { hint: "run the command again" });
  }
}

/** How old a lock file with no holder written in it must be before it counts as abandoned. */
const UNWRITTEN_LOCK_MS = 5_000;

/**
 * Takes the lock of the project at `root`: creates `<root>/.kb.lock` with O_EXCL, holding
 * this process's pid. While another live process holds it, waits (polling) up to
 * `waitMs`, then refuses with {@link ProjectLockedError} naming the file and the pid. A lock
 * whose process is dead is stale and taken over.
 *
 * @example
 * const lock = await acquireProjectLock(root, { command: "kb create api", waitMs: 30_000 });
 * try { ... } finally { lock.release(); }
 */
export async function acquireProjectLock(root: string, options: LockOptions): Promise<ProjectLock> {
  const file = join(root, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, command: options.command, nonce: randomBytes(8).toString("hex") };
  const started = Date.now();
  let told = false;
  for (;;) {
    if (tryCreate(file, me)) {
      heldHere.add(me.nonce);
      const lock = new ProjectLock(file, me);
      byRoot.set(resolve(root), lock);
      return lock;
    }
    const holder = readHolder(file);
    if (holder === undefined) {
      // Gone since (released), or created but not yet written: look again, or break it when old.
      if (lockAge(file) > UNWRITTEN_LOCK_MS) breakStale(file, undefined);
      else await pause(options.pollMs ?? 20);
      continue;
    }
    if (!isAlive(holder)) {
      breakStale(file, holder);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= options.waitMs) throw new ProjectLockedError(file, holder, waited);
    if (!told) {
      told = true;
      options.onWait?.(holder, file);
    }
    await pause(Math.min(options.pollMs ?? 100, Math.max(1, options.waitMs - waited)));
  }
}

function tryCreate(file: string, me: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new KbError("lock", `cannot create the lock file ${file}: ${(e as Error).message}`);
  }
  try {
    writeSync(fd, `${JSON.stringify(me)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder the lock file names; undefined when it is missing or not (yet) written. */
function readHolder(file: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === "number" && Number.isInteger(h.pid) && h.pid > 0 && typeof h.nonce === "string") {
      return { pid: h.pid, command: typeof h.command === "string" ? h.command : "kb", nonce: h.nonce };
    }
  } catch {
    // partly written
  }
  return undefined;
}

function lockAge(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Removes a stale lock, unless another process broke it first and took the lock anew: the
 * file is renamed aside (atomic), and put back when it is not the stale one judged.
 */
function breakStale(file: string, stale: LockHolder | undefined): void {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // already gone: someone else broke it
  }
  const moved = readHolder(aside);
  if (moved !== undefined && moved.nonce !== stale?.nonce && isAlive(moved)) {
    // A live holder's fresh lock: give it back (link fails only if a third process took the lock meanwhile).
    try {
      linkSync(aside, file);
    } catch {
      // the other holder finds its lock gone before its commit point (checkLockStillHeld) and rolls back
    }
  }
  rmSync(aside, { force: true });
}

/** Whether the lock's process still runs (a zombie, killed but not yet reaped, does not). */
function isAlive(holder: LockHolder): boolean {
  // This process: alive when one of its own locks (another command run in-process), else a reused pid's.
  if (holder.pid === process.pid) return heldHere.has(holder.nonce);
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${holder.pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
