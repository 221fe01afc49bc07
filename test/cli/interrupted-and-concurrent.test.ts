// kb create api killed at a random moment, and two kb create api at once in one project.
// They run kb as child processes (from the sources, through tsx), so each case takes seconds:
// few cases by default, more with KB_FUZZ_RUNS (npm run fuzz).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { differences, fuzzRuns, snapshot, spawnKb, type KbChild } from "../helpers/scaffold-fuzz.js";
import { runKb } from "../helpers/temp-project.js";

const CREATE = (kind: string) => ["create", "api", "--group", "batch", "--version", "v1", "--kind", kind];

/** A project after kb init and one kb create api (so create api updates files that exist). */
let base: string;
let scratch: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "kb-fuzz-"));
  base = join(scratch, "ships");
  mkdirSync(base);
  expect((await runKb(base, "init", "--domain", "example.com", "--skip-install")).code).toBe(0);
  expect((await runKb(base, ...CREATE("Captain"))).code).toBe(0);
}, 120_000);
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let copies = 0;
/** A fresh copy of the base project. */
function copyOfBase(): string {
  const dir = join(scratch, `p${copies++}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}

/** Resolves once `cond()` holds, or the child exits (polling; bounded by the child's own run). */
async function when(kb: KbChild, cond: () => boolean): Promise<void> {
  let exited = false;
  void kb.exited.then(() => (exited = true));
  while (!cond() && !exited) await new Promise((r) => setTimeout(r, 2));
}

describe("kb create api killed at a random moment", () => {
  let before: Map<string, string>;
  let after: Map<string, string>;
  /** How long an uninterrupted child run takes from its start, and from printing "updated PROJECT", to its exit. */
  const window = { start: 0, "updated PROJECT": 0 };
  beforeAll(async () => {
    before = snapshot(base);
    const dir = copyOfBase();
    expect((await runKb(dir, ...CREATE("Admiral"))).code).toBe(0);
    after = snapshot(dir);
    const started = Date.now();
    const kb = spawnKb(copyOfBase(), CREATE("Admiral"));
    await when(kb, () => kb.out.includes("updated PROJECT"));
    const placed = Date.now();
    expect(await kb.exited, kb.err).toBe(0);
    window.start = Date.now() - started;
    window["updated PROJECT"] = Date.now() - placed;
  }, 120_000);

  // When the kill comes: a fraction of an uninterrupted run's time, counted from its start or
  // from when it prints "updated PROJECT" (the scaffold is in place under the journal, and kb
  // generate is about to run and stage the manifests, then the commit point).
  const moment = fc.record({
    from: fc.constantFrom("start" as const, "updated PROJECT" as const),
    percent: fc.integer({ min: 0, max: 150 }),
  });
  const seen = { before: 0, after: 0 };
  afterAll(() => console.log(`kill cases: ${seen.before} left the project as before, ${seen.after} as after`));

  // Always tried too: a kill while kb generate runs, with the scaffold already in place.
  const examples: [{ from: "start" | "updated PROJECT"; percent: number }][] = [[{ from: "updated PROJECT", percent: 10 }]];
  test.prop([moment], { numRuns: fuzzRuns(4), seed: 1207, examples })(
    "leaves the project as it was before or after (once the next kb recovers it), never between, with no temporary files",
    async ({ from, percent }) => {
      const dir = copyOfBase();
      const kb = spawnKb(dir, CREATE("Admiral"));
      if (from !== "start") await when(kb, () => kb.out.includes(from));
      await new Promise((r) => setTimeout(r, (window[from] * percent) / 100));
      kb.child.kill("SIGKILL");
      await kb.exited;
      // The next kb (a dry run writes nothing of its own) recovers the journal first.
      const look = await runKb(dir, ...CREATE("Admiral"), "--dry-run");
      const now = snapshot(dir);
      const same = (s: Map<string, string>) => differences(now, s).length === 0;
      expect(same(before) || same(after), `between before and after; differs from before in ${differences(now, before).join(", ")}\n${look.err}`).toBe(true);
      seen[same(before) ? "before" : "after"]++;
      if (process.env.KB_FUZZ_DEBUG) console.log(from, percent, same(before) ? "before" : "after", look.err);
      // And re-running it ends where an uninterrupted run ends.
      const again = await runKb(dir, ...CREATE("Admiral"));
      if (same(before)) expect(again.code, again.err).toBe(0);
      else expect(again.err).toMatch(/the API batch\/v1, Kind=Admiral already exists in PROJECT/);
      expect(differences(snapshot(dir), after)).toEqual([]);
    },
    240_000,
  );
});

describe("two kb create api at once in one project", () => {
  const KINDS = ["Admiral", "Bosun", "Cook", "Deckhand", "Engineer"] as const;
  const kinds = fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 2, maxLength: 2 });
  const setup = fc.record({ kinds, staggerMs: fc.integer({ min: 0, max: 300 }), lockWait: fc.constantFrom("60", "0") });

  const seen = { both: 0, refused: 0 };
  afterAll(() => console.log(`concurrent cases: ${seen.both} with both resources, ${seen.refused} with one run refused`));

  // Always tried too: both at once with no waiting, so one of them refuses.
  const examples: [{ kinds: (typeof KINDS)[number][]; staggerMs: number; lockWait: "60" | "0" }][] = [[{ kinds: ["Admiral", "Bosun"], staggerMs: 0, lockWait: "0" }]];
  test.prop([setup], { numRuns: fuzzRuns(2), seed: 7, examples })(
    "both resources end up in PROJECT, src/main.ts and the kustomizations, or one run refuses, naming the lock and its pid",
    async ({ kinds: [a, b], staggerMs, lockWait }) => {
      const dir = copyOfBase();
      const env = { KB_LOCK_WAIT: lockWait };
      const first = spawnKb(dir, CREATE(a!), env);
      await new Promise((r) => setTimeout(r, staggerMs));
      const second = spawnKb(dir, CREATE(b!), env);
      const codes = await Promise.all([first.exited, second.exited]);
      const runs = [first, second];
      const made = runs.filter((_, i) => codes[i] === 0).map((r) => (r === first ? a! : b!));
      if (lockWait !== "0") expect(codes, runs.map((r) => r.err).join("\n")).toEqual([0, 0]);
      for (const [i, code] of codes.entries()) {
        if (code === 0) continue;
        expect(code).toBe(2);
        expect(runs[i]!.err).toMatch(new RegExp(`^error: the project is locked by another kb \\(pid ${runs[1 - i]!.pid}, kb create api\\): .*\\.kb\\.lock \\(let it finish`));
      }
      expect(made.length).toBeGreaterThan(0);
      seen[made.length === 2 ? "both" : "refused"]++;
      const project = readFileSync(join(dir, "PROJECT"), "utf8");
      const main = readFileSync(join(dir, "src/main.ts"), "utf8");
      const crds = readFileSync(join(dir, "config/crd/kustomization.yaml"), "utf8");
      const samples = readFileSync(join(dir, "config/samples/kustomization.yaml"), "utf8");
      for (const kind of ["Captain", ...made]) {
        const lower = kind.toLowerCase();
        expect(project).toContain(`kind: ${kind}\n`);
        expect(main).toContain(`setup${kind}Controller(mgr);`);
        expect(crds).toMatch(new RegExp(`bases/batch\\.example\\.com_${lower}s?\\.yaml`));
        expect(samples).toContain(`batch_v1_${lower}.yaml`);
        expect(existsSync(join(dir, `api/v1/${lower}-types.ts`))).toBe(true);
      }
      for (const kind of [a!, b!].filter((k) => !made.includes(k))) expect(project).not.toContain(`kind: ${kind}\n`);
      expect(existsSync(join(dir, ".kb.lock"))).toBe(false);
      expect(existsSync(join(dir, ".kb-journal"))).toBe(false);
    },
    240_000,
  );
});
