import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The folder of a `node` binary of release line `major` (scripts/ci-node.mjs: from the npm
 * registry's `node` package, cached), for tests that run a scaffolded project on the Node.js it
 * targets; or why there is none (the registry cannot be reached and nothing is cached).
 */
export function nodeOfLine(major: number): { readonly bin: string } | { readonly why: string } {
  const r = spawnSync(process.execPath, [join(REPO, "scripts", "ci-node.mjs"), String(major)], { encoding: "utf8", timeout: 10 * 60_000 });
  if (r.status === 0) return { bin: r.stdout.trim().split("\n").at(-1)! };
  return { why: `scripts/ci-node.mjs ${major} exited ${r.status}: ${(r.stderr ?? "").trim().split("\n").at(-1)}` };
}
