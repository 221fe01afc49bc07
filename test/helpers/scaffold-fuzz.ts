// Shared by the scaffolder's property-based tests: how many cases to try, child kb processes,
// and snapshots of a project's files.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Cases a property tries: `ci` normally (small: these tests spawn kb and run the scaffolder);
 * `KB_FUZZ_RUNS` when set; in the longer run (`npm run fuzz`, KB_FUZZ=1) ten times `ci`.
 */
export function fuzzRuns(ci: number): number {
  const n = Number(process.env.KB_FUZZ_RUNS);
  if (Number.isInteger(n) && n > 0) return n;
  return process.env.KB_FUZZ === "1" ? ci * 10 : ci;
}

const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const KB_CHILD = join(import.meta.dirname, "kb-child.ts");

/** A `kb` process running from the sources in `cwd`, its output collected. */
export interface KbChild {
  readonly child: ChildProcess;
  readonly pid: number;
  out: string;
  err: string;
  /** Resolves with the exit code, or the signal that ended it. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

export function spawnKb(cwd: string, argv: readonly string[], env: NodeJS.ProcessEnv = {}): KbChild {
  const child = spawn(process.execPath, ["--import", TSX, KB_CHILD, ...argv], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const kb: KbChild = {
    child,
    pid: child.pid!,
    out: "",
    err: "",
    exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code ?? -1))),
  };
  child.stdout!.on("data", (d: Buffer) => (kb.out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (kb.err += d.toString()));
  return kb;
}

/** Every file under `dir` (hidden ones too), relative and sorted, with its content; directories end in "/". */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out.set(`${relative(dir, p)}/`, "");
        walk(p);
      } else out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

/** The paths whose content differs between two snapshots (for failure messages). */
export function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}
