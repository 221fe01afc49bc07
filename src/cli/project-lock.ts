import { existsSync } from "node:fs";
import { relative } from "node:path";
import { acquireProjectLock, recoverJournal } from "../tree/index.js";
import type { Io } from "./output.js";

/** How long a kb command waits for another one working in the same project, by default. */
export const DEFAULT_LOCK_WAIT_SECONDS = 60;

/** The wait, in milliseconds: `KB_LOCK_WAIT` seconds when set (0: refuse at once), else the default. */
export function lockWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KB_LOCK_WAIT;
  const seconds = raw !== undefined && raw.trim() !== "" && Number.isFinite(Number(raw)) && Number(raw) >= 0 ? Number(raw) : DEFAULT_LOCK_WAIT_SECONDS;
  return seconds * 1000;
}

/**
 * Runs `fn` holding the lock of the project at `root` (see `acquireProjectLock`): from
 * reading PROJECT to the last file written, no other kb works there. First completes or rolls
 * back a command that was interrupted there (its journal), and says which. A `root` that does
 * not exist yet has nothing to protect.
 */
export async function inLockedProject<T>(io: Io, root: string, command: string, fn: () => Promise<T>): Promise<T> {
  if (!existsSync(root)) return fn();
  const rel = (p: string) => relative(io.cwd, p) || p;
  const lock = await acquireProjectLock(root, {
    command,
    waitMs: lockWaitMs(),
    onWait: (holder, file) => io.err(`waiting for ${rel(file)}: another kb (pid ${holder.pid}, ${holder.command}) is working in this project\n`),
  });
  try {
    const recovered = recoverJournal(root);
    if (recovered) {
      const files = `${recovered.files} file${recovered.files === 1 ? "" : "s"}`;
      io.err(
        recovered.outcome === "completed"
          ? `note: an interrupted ${recovered.command} (pid ${recovered.pid}) had committed its changes: finished moving them into place (${files})\n`
          : `note: an interrupted ${recovered.command} (pid ${recovered.pid}) was rolled back: the project is as it was before it (${files})\n`,
      );
    }
    return await fn();
  } finally {
    lock.release();
  }
}
