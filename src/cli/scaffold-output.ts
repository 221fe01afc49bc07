import { relative } from "node:path";
import { ExitCode } from "../diagnostics/index.js";
import type { Generate } from "../generator/generate-async.js";
import type { Scaffolded } from "../scaffolder/index.js";
import { Journal } from "../tree/index.js";
import { runGenerate } from "./generate-command.js";
import { projectGenerate } from "./project-generate-flags.js";
import type { Io } from "./output.js";

/**
 * Ends a scaffolding command: on `--dry-run` prints what would change and writes nothing;
 * otherwise writes every file, and the manifests kb generate makes from them, in one journal
 * commit (all or nothing, even when killed). Run it holding the
 * project's lock (`inLockedProject`), with `command` naming the command in the journal.
 */
export async function finishScaffold(io: Io, result: Scaffolded, dryRun: boolean, generate?: Generate, command = "kb"): Promise<number> {
  const rel = (p: string) => relative(io.cwd, p) || p;
  const changes = result.tree.changes();
  for (const k of result.kept) io.out(`kept ${rel(result.tree.resolve(k))} (already there)\n`);
  if (dryRun) {
    for (const c of changes) io.out(`would ${c.kind} ${rel(c.path)}\n`);
    io.out(await result.tree.diff());
    io.out(`dry run: ${changes.length} file${changes.length === 1 ? "" : "s"} would change; nothing was written\n`);
    return ExitCode.ok;
  }
  const root = result.tree.root;
  const journal = Journal.begin(root, command);
  let code: number = ExitCode.ok;
  try {
    const written = result.tree.commit(journal);
    const generates = result.followUps.includes("generate");
    // kb generate reads the sources from disk: they go into place now, still under the journal.
    if (generates) journal.apply();
    for (const c of written) io.out(`${c.kind === "create" ? "created" : "updated"} ${rel(c.path)}\n`);
    if (generates) code = await generateIn(io, root, generate, journal);
    journal.commit();
  } catch (e) {
    journal.rollBack();
    throw e;
  }
  return code;
}

async function generateIn(io: Io, root: string, generate: Generate | undefined, journal: Journal): Promise<number> {
  // As the project's `npm run manifests` runs it, so that its flags stay in force.
  const project = await projectGenerate(io, root);
  io.out(project.from ? `running ${project.from} (package.json's manifests script)\n` : "running kb generate\n");
  const code = await runGenerate({ ...io, cwd: root }, project.target, project.flags, generate, journal);
  if (code !== ExitCode.ok) io.err("kb generate failed: the scaffolded files are written; fix the errors above and run kb generate\n");
  return code;
}
