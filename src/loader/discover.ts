import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** The marker file that makes a directory an API package. */
export const GROUP_VERSION_INFO = "groupversion-info.ts";

const SKIP_DIRS = new Set(["node_modules", "dist", "build", "coverage"]);

/** What lies under the `--paths` directories. */
export interface SourceTree {
  /** Directories holding a groupversion-info.ts, sorted. */
  readonly packageDirs: string[];
  /** Every .ts source file (not .d.ts), sorted: where file-level markers are looked for. */
  readonly files: string[];
}

/**
 * Walks `paths` (directories or files) and lists the API packages and TypeScript files in
 * them. Hidden directories, node_modules and build output are skipped. A path that does
 * not exist is reported through `missing`.
 */
export function discoverSources(paths: readonly string[], missing: (path: string) => void): SourceTree {
  const packageDirs = new Set<string>();
  const files = new Set<string>();
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new Error(`cannot read directory ${dir}: ${(e as Error).message}`);
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && !SKIP_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && isSourceFile(entry.name)) {
        files.add(full);
        if (entry.name === GROUP_VERSION_INFO) packageDirs.add(dir);
      }
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      missing(p);
      continue;
    }
    if (stat.isDirectory()) walk(abs);
    else if (isSourceFile(abs)) files.add(abs);
  }
  return { packageDirs: [...packageDirs].sort(), files: [...files].sort() };
}

function isSourceFile(name: string): boolean {
  return (name.endsWith(".ts") || name.endsWith(".mts")) && !name.endsWith(".d.ts") && !name.endsWith(".d.mts");
}
