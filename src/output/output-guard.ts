import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describeFsError } from "../loader/source-text.js";

/** A reason a planned write cannot be made: the path it is about and what is wrong. */
export interface WriteProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks, before anything is written, that every file in `paths` can be: it lies directly
 * in one of the output directories `dirs` (the last guard against a name that climbs out
 * of them, whatever the checks before missed), it is not a directory,
 * an existing one can be read (to compare) and its directory exists as a directory or can
 * be made, and is writable. Writing then fails only on a race or a full disk; checking
 * first keeps a run from failing half-way with some files written.
 */
export function checkWrites(paths: readonly string[], dirs: readonly string[]): WriteProblem[] {
  const problems: WriteProblem[] = [];
  const checkedDirs = new Map<string, WriteProblem | undefined>();
  const outputDirs = dirs.map((d) => resolve(d));
  for (const path of paths) {
    const w = { path: resolve(path) };
    if (!outputDirs.includes(dirname(w.path))) {
      problems.push({ path: w.path, message: `would be written outside the output directories (${outputDirs.join(", ")}); nothing is written there` });
      continue;
    }
    const target = statIfExists(w.path);
    // ENOTDIR: a file stands where a directory should; the directory check names it.
    if (target.error && target.code !== "ENOTDIR") {
      problems.push({ path: w.path, message: target.error });
      continue;
    }
    if (target.stat && !target.stat.isFile()) {
      problems.push({ path: w.path, message: target.stat.isDirectory() ? "is a directory; kb writes a file there" : "is not a regular file" });
      continue;
    }
    if (target.stat) {
      try {
        accessSync(w.path, constants.R_OK | constants.W_OK);
      } catch (e) {
        problems.push({ path: w.path, message: `cannot be replaced: ${describeFsError(w.path, e)}` });
        continue;
      }
    }
    const dir = dirname(w.path);
    if (!checkedDirs.has(dir)) checkedDirs.set(dir, checkDirectory(dir));
    const p = checkedDirs.get(dir);
    if (p) problems.push(p);
  }
  // one line per directory problem, not one per file in it
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The directory exists and is writable, or its nearest existing ancestor is a writable directory. */
function checkDirectory(dir: string): WriteProblem | undefined {
  let d = dir;
  for (;;) {
    const s = statIfExists(d);
    if (s.error && s.code !== "ENOTDIR") return { path: d, message: s.error };
    if (s.stat) {
      if (!s.stat.isDirectory()) return { path: d, message: "is a file, not a directory" };
      try {
        accessSync(d, constants.W_OK | constants.X_OK);
      } catch (e) {
        return { path: d, message: `is not writable: ${describeFsError(d, e)}` };
      }
      return undefined;
    }
    const parent = dirname(d);
    if (parent === d) return { path: dir, message: "cannot be created" };
    d = parent;
  }
}

function statIfExists(path: string): { stat?: ReturnType<typeof statSync>; error?: string; code?: string } {
  try {
    return { stat: statSync(path) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return {};
    return { error: describeFsError(path, e), code };
  }
}
