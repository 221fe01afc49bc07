import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { KbError } from "../../src/diagnostics/index.js";
import { Journal, JOURNAL_DIR, recoverJournal, VirtualTree } from "../../src/tree/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project root holding `files`. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "kb-journal-"));
  dirs.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, ".."), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

/** Every file and directory under `root`, relative (directories end in /), with file contents. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out[`${relative(root, p)}/`] = "";
        walk(p);
      } else out[relative(root, p)] = readFileSync(p, "utf8");
    }
  };
  walk(root);
  return out;
}

const BEFORE = { PROJECT: "v1\n", "src/main.ts": "main v1\n" };

/** A tree changing PROJECT, adding api/v1/a.ts (a new directory) and src/main.ts. */
function changes(root: string): VirtualTree {
  const tree = new VirtualTree(root);
  tree.write("PROJECT", "v2\n");
  tree.write("api/v1/a.ts", "a\n");
  tree.write("src/main.ts", "main v2\n");
  return tree;
}

describe("journal", () => {
  it("commits every staged file and leaves no journal", () => {
    const root = project(BEFORE);
    const j = Journal.begin(root, "kb test");
    changes(root).commit(j);
    j.apply();
    const generated = new VirtualTree(root);
    generated.write("config/crd/bases/x.yaml", "crd\n");
    generated.commit(j);
    expect(existsSync(join(root, "config"))).toBe(false);
    j.commit();
    expect(snapshot(root)).toEqual({
      PROJECT: "v2\n",
      "api/": "",
      "api/v1/": "",
      "api/v1/a.ts": "a\n",
      "config/": "",
      "config/crd/": "",
      "config/crd/bases/": "",
      "config/crd/bases/x.yaml": "crd\n",
      "src/": "",
      "src/main.ts": "main v2\n",
    });
  });

  it("an interrupted commit (files in place, no commit point) is rolled back by the next run: files, new directories and the journal", () => {
    const root = project(BEFORE);
    const before = snapshot(root);
    const j = Journal.begin(root, "kb create api");
    changes(root).commit(j);
    j.apply(); // ...and the process dies here
    expect(readFileSync(join(root, "PROJECT"), "utf8")).toBe("v2\n");
    expect(recoverJournal(root)).toMatchObject({ command: "kb create api", pid: process.pid, outcome: "rolled back", files: 3 });
    expect(snapshot(root)).toEqual(before);
    expect(recoverJournal(root)).toBeUndefined();
  });

  it("a commit interrupted after its commit point is completed by the next run", () => {
    const root = project(BEFORE);
    const j = Journal.begin(root, "kb create api");
    changes(root).commit(j);
    // The commit point recorded, nothing moved yet: what a kill right after it leaves.
    const record = JSON.parse(readFileSync(join(root, JOURNAL_DIR, "journal.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(root, JOURNAL_DIR, "journal.json"), JSON.stringify({ ...record, state: "committed" }));
    expect(recoverJournal(root)).toMatchObject({ outcome: "completed", files: 3 });
    expect(snapshot(root)).toMatchObject({ PROJECT: "v2\n", "api/v1/a.ts": "a\n", "src/main.ts": "main v2\n" });
    expect(existsSync(join(root, JOURNAL_DIR))).toBe(false);
  });

  it("a journal without a record (killed while starting) is removed, nothing else touched", () => {
    const root = project(BEFORE);
    mkdirSync(join(root, JOURNAL_DIR, "stage"), { recursive: true });
    writeFileSync(join(root, JOURNAL_DIR, "stage", "0"), "partial");
    expect(recoverJournal(root)?.outcome).toBe("rolled back");
    expect(snapshot(root)).toEqual(snapshot(project(BEFORE)));
  });

  it("a file written twice in one commit (scaffolded, then generated) rolls back to the original", () => {
    const root = project(BEFORE);
    const j = Journal.begin(root, "kb");
    const t1 = new VirtualTree(root);
    t1.write("PROJECT", "v2\n");
    t1.commit(j);
    j.apply();
    const t2 = new VirtualTree(root);
    t2.write("PROJECT", "v3\n");
    t2.commit(j);
    j.apply();
    recoverJournal(root);
    expect(readFileSync(join(root, "PROJECT"), "utf8")).toBe("v1\n");
  });

  it("a tree committed on its own goes through a journal too", () => {
    const root = project(BEFORE);
    const written = changes(root).commit();
    expect(written.map((c) => `${c.kind} ${relative(root, c.path)}`)).toEqual(["update PROJECT", "create api/v1/a.ts", "update src/main.ts"]);
    expect(readdirSync(root).sort()).toEqual(["PROJECT", "api", "src"]);
  });

  it("refuses to start over an unrecovered journal", () => {
    const root = project(BEFORE);
    Journal.begin(root, "kb");
    let error: unknown;
    try {
      Journal.begin(root, "kb");
    } catch (e) {
      error = e;
    }
    expect((error as KbError).format()).toMatch(/\.kb-journal exists: an earlier kb command did not finish \(run kb again/);
  });
});

describe("journal and lock", () => {
  it("a commit whose lock another kb broke is refused and rolled back", async () => {
    const { acquireProjectLock, LOCK_FILE } = await import("../../src/tree/index.js");
    const root = project(BEFORE);
    const before = snapshot(root);
    const lock = await acquireProjectLock(root, { command: "kb", waitMs: 0 });
    const j = Journal.begin(root, "kb create api");
    changes(root).commit(j);
    j.apply();
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid: process.ppid, command: "kb edit", nonce: "other" }));
    let error: unknown;
    try {
      j.commit();
    } catch (e) {
      error = e;
      j.rollBack();
    }
    expect((error as KbError).message).toMatch(/another kb took the lock of this project .* nothing was written/);
    rmSync(join(root, LOCK_FILE));
    lock.release();
    expect(snapshot(root)).toEqual(before);
  });
});
