import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { Journal } from "./journal.js";

/** A pending change to one file. */
export interface FileChange {
  /** Absolute path. */
  readonly path: string;
  readonly kind: "create" | "update";
  /** The content on disk, for an update. */
  readonly before: string | undefined;
  readonly after: string;
}

/**
 * Files to write, held in memory until {@link commit}: reads see pending writes first, then
 * the disk; writing what the disk already holds is no change. Commit writes every file or
 * none, through a journal in the root (see {@link Journal}).
 */
export class VirtualTree {
  private readonly pending = new Map<string, string>();

  /** `readDisk: false` makes a tree that sees only its own writes (to render a plan in isolation). */
  constructor(
    readonly root: string,
    private readonly readDisk = true,
  ) {}

  /** Absolute path of `path` (relative paths are relative to the root). */
  resolve(path: string): string {
    return isAbsolute(path) ? path : resolve(this.root, path);
  }

  write(path: string, content: string): void {
    this.pending.set(this.resolve(path), content);
  }

  /** Pending content, else the disk's, else undefined. */
  read(path: string): string | undefined {
    const abs = this.resolve(path);
    return this.pending.get(abs) ?? (this.readDisk ? readIfExists(abs) : undefined);
  }

  /** Paths written, sorted. */
  paths(): string[] {
    return [...this.pending.keys()].sort();
  }

  /** The writes that would change the disk, sorted by path. */
  changes(): FileChange[] {
    const out: FileChange[] = [];
    for (const path of this.paths()) {
      const after = this.pending.get(path)!;
      const before = readIfExists(path);
      if (before === after) continue;
      out.push({ path, kind: before === undefined ? "create" : "update", before, after });
    }
    return out;
  }

  /** A unified diff of every change, paths relative to the root (the diff library loads only for this). */
  async diff(): Promise<string> {
    const { createTwoFilesPatch } = await import("diff");
    return this.changes()
      .map((c) => {
        const rel = relative(this.root, c.path) || c.path;
        return createTwoFilesPatch(
          c.before === undefined ? "/dev/null" : `a/${rel}`,
          `b/${rel}`,
          c.before ?? "",
          c.after,
          undefined,
          undefined,
          { context: 3 },
        ).replace(/^=+\n/, "");
      })
      .join("");
  }

  /**
   * Writes every change to disk, all or nothing even if the process is killed: in one
   * {@link Journal} commit of the root, or as part of `journal` (staged there; the caller
   * commits it). Returns what was written. Hold the project's lock.
   */
  commit(journal?: Journal): FileChange[] {
    const changes = this.changes();
    if (journal) {
      journal.stage(changes);
    } else if (changes.length > 0) {
      const own = Journal.begin(this.root, "kb");
      try {
        own.stage(changes);
        own.commit();
      } catch (e) {
        own.rollBack();
        throw new Error(`cannot write ${relative(this.root, changes[0]!.path)} and the other changes: ${(e as Error).message}`);
      }
    }
    this.pending.clear();
    return changes;
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
}
