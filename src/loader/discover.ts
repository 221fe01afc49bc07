import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { DiagnosticList } from "../diagnostics/index.js";
import { describeFsError, wholeFile } from "./source-text.js";

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
 * Walks `paths` (directories or .ts files) and lists the API packages and TypeScript files
 * in them. Hidden directories, node_modules and build output are skipped. Symbolic links are
 * followed (each directory walked once); a dangling link with a .ts name is listed, so that
 * reading it reports it. A path that does not exist, is neither a directory nor a .ts file,
 * or a directory that cannot be read, is an error in `diagnostics`.
 */
export function discoverSources(paths: readonly string[], diagnostics: DiagnosticList): SourceTree {
  const packageDirs = new Set<string>();
  const files = new Set<string>();
  const walked = new Set<string>();
  const addFile = (file: string): void => {
    files.add(file);
    if (basename(file) === GROUP_VERSION_INFO) packageDirs.add(dirname(file));
  };
  const walk = (dir: string): void => {
    let real: string;
    let entries: Dirent[];
    try {
      real = realpathSync(dir);
      if (walked.has(real)) return;
      walked.add(real);
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      diagnostics.error("paths", `cannot read directory: ${describeFsError(dir, e)}`, wholeFile(dir));
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = statOrUndefined(full);
        // A dangling link: listed when it looks like a source file, so reading it reports it.
        isDir = target?.isDirectory() ?? false;
        isFile = target ? target.isFile() : true;
      }
      if (isDir) {
        if (!entry.name.startsWith(".") && !SKIP_DIRS.has(entry.name)) walk(full);
      } else if (isFile && isSourceFile(entry.name)) {
        addFile(full);
      }
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    let stat;
    try {
      stat = statSync(abs);
    } catch (e) {
      diagnostics.error("paths", `--paths ${p}: ${describeFsError(abs, e)}`);
      continue;
    }
    if (stat.isDirectory()) walk(abs);
    else if (stat.isFile() && isSourceFile(abs)) addFile(abs);
    else diagnostics.error("paths", `--paths ${p}: not a directory or a TypeScript (.ts) file`);
  }
  return { packageDirs: [...packageDirs].sort(), files: [...files].sort() };
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function isSourceFile(name: string): boolean {
  return (name.endsWith(".ts") || name.endsWith(".mts")) && !name.endsWith(".d.ts") && !name.endsWith(".d.mts");
}
