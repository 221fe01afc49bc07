import { spawnSync } from "node:child_process";
import { relative } from "node:path";
import { ExitCode } from "../diagnostics/index.js";
import type { Generate } from "../generator/generate-async.js";
import type { Scaffolded } from "../scaffolder/index.js";
import { DEFAULT_GENERATE_FLAGS, runGenerate } from "./generate-command.js";
import type { Io } from "./output.js";

/**
 * Ends a scaffolding command: on `--dry-run` prints what would change and writes nothing;
 * otherwise writes every file at once, then runs the follow-ups (kb generate, npm install).
 */
export async function finishScaffold(io: Io, result: Scaffolded, dryRun: boolean, generate?: Generate): Promise<number> {
  const rel = (p: string) => relative(io.cwd, p) || p;
  const changes = result.tree.changes();
  for (const k of result.kept) io.out(`kept ${rel(result.tree.resolve(k))} (already there)\n`);
  if (dryRun) {
    for (const c of changes) io.out(`would ${c.kind} ${rel(c.path)}\n`);
    io.out(await result.tree.diff());
    io.out(`dry run: ${changes.length} file${changes.length === 1 ? "" : "s"} would change; nothing was written\n`);
    return ExitCode.ok;
  }
  for (const c of result.tree.commit()) io.out(`${c.kind === "create" ? "created" : "updated"} ${rel(c.path)}\n`);
  for (const step of result.followUps) {
    const code = step === "generate" ? await generateIn(io, result.tree.root, generate) : npmInstall(io, result.tree.root);
    if (code !== ExitCode.ok) return code;
  }
  return ExitCode.ok;
}

async function generateIn(io: Io, root: string, generate: Generate | undefined): Promise<number> {
  io.out("running kb generate\n");
  const code = await runGenerate({ ...io, cwd: root }, "all", DEFAULT_GENERATE_FLAGS, generate);
  if (code !== ExitCode.ok) io.err("kb generate failed: the scaffolded files are written; fix the errors above and run kb generate\n");
  return code;
}

function npmInstall(io: Io, root: string): number {
  io.out("running npm install\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (run.status === 0) return ExitCode.ok;
  io.err(`npm install failed (${run.error?.message ?? `exit code ${run.status}`}): the project is written; run npm install in ${relative(io.cwd, root) || "."}\n`);
  return ExitCode.badInput;
}
