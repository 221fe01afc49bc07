import { relative } from "node:path";
import type { Options } from "prettier";
import { KbError } from "../../diagnostics/index.js";
import type { VirtualTree } from "../../tree/index.js";
import { formatFiles } from "./format-files.js";
import { insertFragments } from "./insert-fragments.js";
import { renderTemplate } from "./render-template.js";
import type { IfExists, ScaffoldPlan } from "./scaffold-plan.js";

/** What applying a plan did in the tree (nothing is on disk until the tree is committed). */
export interface AppliedPlan {
  /** Files left as they were because the plan shares them (`ifExists: "skip"`). */
  readonly kept: readonly string[];
}

/** Files that exist and would be overwritten: the command is refused, nothing is written. */
export class FileExistsError extends KbError {
  constructor(
    readonly paths: readonly string[],
    hint = "pass --force to overwrite them",
  ) {
    super("file-exists", `${paths.length === 1 ? "a file" : "files"} would be overwritten: ${paths.join(", ")}`, { hint });
    this.name = "FileExistsError";
  }
}

/**
 * Renders, formats and inserts everything `plan` asks for into `tree`. Checks every file's
 * if-exists policy first, so a refused command leaves the tree untouched.
 */
export async function applyPlan(plan: ScaffoldPlan, tree: VirtualTree, options: { force?: boolean; conflictHint?: string } = {}): Promise<AppliedPlan> {
  const kept: string[] = [];
  const conflicts: string[] = [];
  const decide = (path: string, ifExists: IfExists): boolean => {
    if (tree.read(path) === undefined || ifExists === "overwrite") return true;
    if (ifExists === "skip") {
      kept.push(path);
      return false;
    }
    if (options.force) return true;
    conflicts.push(path);
    return false;
  };
  const templates = plan.templates.filter((t) => decide(t.path, t.ifExists));
  const computed = plan.computed.filter((c) => decide(c.path, c.ifExists));
  if (conflicts.length > 0) throw new FileExistsError(conflicts.map((p) => relative(tree.root, tree.resolve(p)) || p), options.conflictHint);

  const rendered = templates.map((t) => ({ path: t.path, text: renderTemplate(t.template, { ...plan.data, ...t.data }) }));
  // The project's prettier settings: the ones this plan writes (kb init), else the project's.
  const options_ = prettierOptions(rendered.find((r) => r.path === ".prettierrc.json")?.text ?? tree.read(".prettierrc.json"), tree);
  const formatted = await formatFiles(rendered, options_);
  rendered.forEach((r, i) => tree.write(r.path, formatted[i]!));
  for (const c of computed) tree.write(c.path, c.content);
  const original = new Map<string, string | undefined>();
  for (const insertion of plan.insertions) {
    const before = tree.read(insertion.path);
    if (!original.has(insertion.path)) original.set(insertion.path, before);
    if (insertion.unlessPresent !== undefined && original.get(insertion.path)?.includes(insertion.unlessPresent)) continue;
    if (before === undefined) {
      throw new KbError("missing-file", `${insertion.path} does not exist, so kb cannot add to it`, {
        hint: "restore it (kb alpha generate re-creates a project's files) or create it with the marker comment",
      });
    }
    tree.write(insertion.path, insertFragments(before, insertion));
  }
  return { kept };
}

function prettierOptions(text: string | undefined, tree: VirtualTree): Options {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as Options;
  } catch (e) {
    throw new KbError("bad-prettierrc", `.prettierrc.json is not valid JSON: ${(e as Error).message}`, { location: { file: tree.resolve(".prettierrc.json"), line: 1, column: 1 } });
  }
}
