import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { KbError } from "../diagnostics/index.js";
import { checkLockStillHeld } from "./project-lock.js";
import type { FileChange } from "./virtual-tree.js";

/** The folder, in a project's root, where a command stages its files and records its commit. */
export const JOURNAL_DIR = ".kb-journal";
const JOURNAL_FILE = "journal.json";

/**
 * Where a commit stands, as its journal records it:
 * - `applying`: files are being staged, or moved into place before the command's last step
 *   (kb generate reads the scaffolded sources from disk); interrupted, it is rolled back;
 * - `committed`: every file is staged; interrupted, the rest are moved into place.
 */
type JournalState = "applying" | "committed";

/** One file of a commit. */
interface JournalEntry {
  /** The file, relative to the root (absolute when outside it). */
  readonly path: string;
  /** Its new content, under `stage/` (moved into place, it is gone from there). */
  readonly stage: string;
  /** Its content before the command, under `backup/` (a hard link); absent for a new file. */
  readonly backup?: string;
  /** Directories created for it, deepest first, named as `path` is (removed again on a roll-back while empty). */
  readonly dirs: readonly string[];
}

interface JournalRecord {
  readonly version: 1;
  readonly pid: number;
  readonly command: string;
  readonly state: JournalState;
  readonly entries: readonly JournalEntry[];
}

/** What {@link recoverJournal} did with an interrupted command's journal. */
export interface Recovery {
  readonly command: string;
  readonly pid: number;
  /** `rolled back`: the project is as it was before; `completed`: as the command would have left it. */
  readonly outcome: "rolled back" | "completed";
  readonly files: number;
}

/**
 * One commit of everything a command writes, all or nothing even when the process is killed.
 * New contents are staged in `<root>/.kb-journal/stage/`, the files they replace are kept in
 * `backup/` (hard links, so keeping them copies nothing), and `journal.json` lists them
 * before any file moves. Renames then put each file in place. Until {@link commit} records
 * the commit point, an interrupted command is rolled back by the next kb
 * ({@link recoverJournal}); after it, completed. Take the project's lock first.
 *
 * @example
 * const journal = Journal.begin(root, "kb create api");
 * journal.stage(tree.changes());
 * journal.apply();          // sources in place for kb generate (still rolled back if killed)
 * journal.stage(generated.changes());
 * journal.commit();         // the commit point, then the rest moves into place
 */
export class Journal {
  private entries: JournalEntry[] = [];
  private applied = 0;
  private done = false;

  private constructor(
    readonly root: string,
    private readonly command: string,
  ) {}

  /** Starts a commit in `root`; a journal left there must have been recovered first. */
  static begin(root: string, command: string): Journal {
    const dir = join(root, JOURNAL_DIR);
    if (existsSync(dir)) throw new KbError("journal", `${dir} exists: an earlier kb command did not finish`, { hint: "run kb again: it completes or rolls back the earlier command first" });
    const journal = new Journal(root, command);
    try {
      mkdirSync(join(dir, "stage"), { recursive: true });
      mkdirSync(join(dir, "backup"));
      journal.record("applying");
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw new KbError("journal", `cannot write in ${root}: ${(e as Error).message}`);
    }
    return journal;
  }

  /** Stages `changes` (their new contents and the files they replace) and records them; moves nothing. */
  stage(changes: readonly FileChange[]): void {
    this.checkOpen();
    const dir = join(this.root, JOURNAL_DIR);
    const added: JournalEntry[] = [];
    for (const c of changes) {
      const n = String(this.entries.length + added.length);
      writeFileSync(join(dir, "stage", n), c.after);
      let backup: string | undefined;
      if (c.before !== undefined) {
        backup = n;
        linkOrCopy(c.path, join(dir, "backup", n));
      }
      added.push({ path: this.name(c.path), stage: n, ...(backup !== undefined ? { backup } : {}), dirs: missingDirs(dirname(c.path)).map((d) => this.name(d)) });
    }
    this.entries = [...this.entries, ...added];
    this.record("applying");
  }

  /** Moves every file staged so far into place. Interrupted before {@link commit}, all of it is rolled back. */
  apply(): void {
    this.checkOpen();
    this.moveFrom(this.applied);
    this.applied = this.entries.length;
  }

  /**
   * The commit point: records it (after checking that this process still holds the project's
   * lock, when it took it), moves the rest into place, and removes the journal.
   */
  commit(): void {
    this.checkOpen();
    checkLockStillHeld(this.root);
    this.record("committed");
    this.moveFrom(this.applied);
    this.applied = this.entries.length;
    this.done = true;
    rmSync(join(this.root, JOURNAL_DIR), { recursive: true, force: true });
  }

  /** Undoes everything this commit moved and removes the journal (on an error before {@link commit}). */
  rollBack(): void {
    if (this.done) return;
    this.done = true;
    rollBack(this.root, this.entries);
    rmSync(join(this.root, JOURNAL_DIR), { recursive: true, force: true });
  }

  private moveFrom(start: number): void {
    const dir = join(this.root, JOURNAL_DIR);
    for (const e of this.entries.slice(start)) moveIntoPlace(join(dir, "stage", e.stage), resolve(this.root, e.path));
  }

  private record(state: JournalState): void {
    const dir = join(this.root, JOURNAL_DIR);
    const record: JournalRecord = { version: 1, pid: process.pid, command: this.command, state, entries: this.entries };
    // Written aside then renamed: the journal is always whole.
    writeFileSync(join(dir, `${JOURNAL_FILE}.new`), JSON.stringify(record));
    renameSync(join(dir, `${JOURNAL_FILE}.new`), join(dir, JOURNAL_FILE));
  }

  private name(abs: string): string {
    const rel = relative(this.root, abs);
    return rel.startsWith("..") || isAbsolute(rel) ? abs : rel.split(sep).join("/");
  }

  private checkOpen(): void {
    if (this.done) throw new Error("the journal is already committed or rolled back");
  }
}

/**
 * Finishes a command that was interrupted in `root` (its journal is still there): rolls it
 * back when it had not reached its commit point, completes it when it had, and removes the
 * journal with its staged files. Returns what it did, or undefined when there was nothing
 * to recover. Take the project's lock first.
 */
export function recoverJournal(root: string): Recovery | undefined {
  const dir = join(root, JOURNAL_DIR);
  if (!existsSync(dir)) return undefined;
  let record: JournalRecord | undefined;
  try {
    record = JSON.parse(readFileSync(join(dir, JOURNAL_FILE), "utf8")) as JournalRecord;
  } catch {
    // Killed before its first record: nothing had moved.
  }
  if (record === undefined || record.version !== 1 || !Array.isArray(record.entries)) {
    rmSync(dir, { recursive: true, force: true });
    return { command: record?.command ?? "kb", pid: record?.pid ?? 0, outcome: "rolled back", files: 0 };
  }
  if (record.state === "committed") {
    for (const e of record.entries) {
      const staged = join(dir, "stage", e.stage);
      if (existsSync(staged)) moveIntoPlace(staged, resolve(root, e.path));
    }
  } else {
    rollBack(root, record.entries);
  }
  rmSync(dir, { recursive: true, force: true });
  return { command: record.command, pid: record.pid, outcome: record.state === "committed" ? "completed" : "rolled back", files: record.entries.length };
}

/** Puts every entry's file back as it was: its backup, or no file (and no directory made for it). */
function rollBack(root: string, entries: readonly JournalEntry[]): void {
  const dir = join(root, JOURNAL_DIR);
  for (const e of [...entries].reverse()) {
    const path = resolve(root, e.path);
    if (e.backup !== undefined) {
      const backup = join(dir, "backup", e.backup);
      if (existsSync(backup)) renameSync(backup, path);
    } else {
      rmSync(path, { force: true });
    }
  }
  for (const e of entries) {
    for (const d of e.dirs) {
      try {
        if (readdirSync(resolve(root, d)).length === 0) rmdirSync(resolve(root, d));
      } catch {
        // gone already, or not empty
      }
    }
  }
}

/** Renames a staged file into place, creating its directory; across file systems, through a sibling copy. */
function moveIntoPlace(staged: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    renameSync(staged, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    const tmp = `${path}.kb-${process.pid}.tmp`;
    copyFileSync(staged, tmp);
    renameSync(tmp, path);
    rmSync(staged);
  }
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** The directories up to `dir` that do not exist yet, deepest first. */
function missingDirs(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) out.push(d);
  return out;
}
