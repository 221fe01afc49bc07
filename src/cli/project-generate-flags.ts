import { readFileSync } from "node:fs";
import { join } from "node:path";
import { escapeControls } from "../diagnostics/index.js";
import type { GenerateTarget } from "../generator/targets.js";
import { DEFAULT_GENERATE_FLAGS, generateCommand, type GenerateFlags } from "./generate-command.js";
import type { Io } from "./output.js";

/** What `kb generate` a project runs: its target and flags. */
export interface ProjectGenerate {
  readonly target: GenerateTarget | "all";
  readonly flags: GenerateFlags;
  /** The script's command line when it gives kb generate arguments, for kb's output. */
  readonly from?: string;
}

/** Characters that make a script more than one plain command, which kb does not try to read. */
const SHELL_SYNTAX = /[;&|<>$`\\()'"*?{}[\]!#~\n]/;

/**
 * The `kb generate` that `kb create` and `kb edit` run after scaffolding: the one the
 * project's `manifests` script in package.json runs (scaffolded as `kb generate`), with its
 * target and flags (`--generate-embedded-object-meta`, `--max-desc-len 0`, `--crd-dir ...`), so
 * that scaffolding regenerates the manifests as `npm run manifests` does instead of
 * undoing its settings; the defaults when there is no such script.
 *
 * A script that is more than one plain `kb generate` command (shell operators, quotes,
 * variables) or whose flags kb does not take is not guessed at: the defaults are used and a
 * warning names the script.
 *
 * @example
 * // package.json: "manifests": "kb generate --generate-embedded-object-meta"
 * projectGenerate(io, root).flags.generateEmbeddedObjectMeta; // true
 */
export async function projectGenerate(io: Io, root: string): Promise<ProjectGenerate> {
  const defaults: ProjectGenerate = { target: "all", flags: DEFAULT_GENERATE_FLAGS };
  let script: unknown;
  try {
    script = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts?: Record<string, unknown> } | null)?.scripts?.manifests;
  } catch {
    return defaults;
  }
  if (typeof script !== "string") return defaults;
  const words = script.trim().split(/\s+/);
  if (words[0] !== "kb" || words[1] !== "generate") return defaults;
  const warn = (why: string) => {
    io.err(`warning: package.json's manifests script ${escapeControls(JSON.stringify(script))} ${why}; kb generate runs with its defaults: run npm run manifests afterwards\n`);
    return defaults;
  };
  if (SHELL_SYNTAX.test(script)) return warn("is more than one plain kb generate command");
  let parsed: { target: GenerateTarget | "all"; flags: GenerateFlags } | undefined;
  let problem = "";
  const command = generateCommand(io, () => undefined)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: (text) => (problem += text) })
    .action((target: GenerateTarget | "all", flags: GenerateFlags) => {
      parsed = { target, flags };
    });
  try {
    await command.parseAsync(words.slice(2), { from: "user" });
  } catch {
    return warn(`has flags kb generate does not take (${problem.trim().replace(/^error: /, "")})`);
  }
  if (!parsed) return defaults;
  // --check in the script would make kb create fail on the manifests it just made stale.
  const { check: _check, ...flags } = parsed.flags;
  const project = { target: parsed.target, flags: { ...DEFAULT_GENERATE_FLAGS, ...flags } };
  return words.length > 2 ? { ...project, from: words.join(" ") } : project;
}
