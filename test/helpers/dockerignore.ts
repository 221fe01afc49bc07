// A project's .dockerignore, read as Docker reads it, for tests that rebuild an image's build
// context without a Docker engine.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The patterns of `dir`'s .dockerignore: its lines, trimmed, without blank lines and comments. */
export function dockerIgnorePatterns(dir: string): string[] {
  return readFileSync(join(dir, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

const GLOB_PARTS = new Map([["**/", "(?:.*/)?"], ["**", ".*"], ["*", "[^/]*"], ["?", "[^/]"]]);

/**
 * Whether .dockerignore's `patterns` leave `path` (relative to the context) out of the build
 * context: the last matching pattern decides, a `!` pattern letting the path back in.
 *
 * @example dockerIgnored(["vendor", "!vendor/*.tgz"], "vendor/kb.tgz") // false
 */
export function dockerIgnored(patterns: readonly string[], path: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    const glob = negated ? raw.slice(1) : raw;
    const source = glob
      .split(/(\*\*\/|\*\*|\*|\?)/)
      .map((part) => GLOB_PARTS.get(part) ?? part.replace(/[.+^${}()|[\]\\]/g, "\\$&"))
      .join("");
    if (new RegExp(`^${source}(?:/.*)?$`).test(path)) ignored = !negated;
  }
  return ignored;
}
