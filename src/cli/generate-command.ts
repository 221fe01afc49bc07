import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { DiagnosticList, escapeControls, ExitCode, KbError } from "../diagnostics/index.js";
import { chartForGenerate, checkChartDir, writeChart, type ChartFile } from "../scaffolder/index.js";
import { roleNameProblem } from "../generator/crd/names.js";
import { readCrdApplies } from "../generator/crd/crd-applies.js";
import { checkWrites } from "../output/output-guard.js";
import { generateHere, type Generate } from "../generator/generate-async.js";
import { GENERATE_TARGETS, type GenerateTarget } from "../generator/targets.js";
import { VirtualTree, type Journal } from "../tree/index.js";
import { inLockedProject } from "./project-lock.js";
import { printDiagnostics, type Io } from "./output.js";
import { kbVersion } from "./version.js";

export interface GenerateFlags {
  paths?: string[];
  crdDir: string;
  rbacDir: string;
  webhookDir: string;
  roleName: string;
  maxDescLen?: number;
  check?: boolean;
  embeddedOpenapi?: string;
  generateEmbeddedObjectMeta?: boolean;
}

const EXAMPLES = `
Examples:
  $ kb generate                       # CRDs, RBAC and webhooks from api/ and src/
  $ kb generate crd --paths api       # only CRDs, from api/
  $ kb generate --check               # in CI: exit 1 and print a diff when manifests are stale
  $ kb generate crd --max-desc-len 0  # CRDs without descriptions
  $ kb generate --embedded-openapi openapi  # Kubernetes types as the cluster whose documents are in openapi/ has them
  $ kb generate --generate-embedded-object-meta  # keep labels and annotations set on a template's metadata

Exit codes: 0 success, 1 stale output (--check), 2 bad input (each error as file:line:col).`;

/** `kb generate [all|crd|rbac|webhook]` */
export function generateCommand(io: Io, setExit: (code: number) => void): Command {
  return new Command("generate")
    .description("generate CRDs, RBAC roles and webhook configurations from marker-annotated TypeScript types")
    .argument("[target]", "what to generate: all, crd, rbac or webhook", parseTarget, "all")
    .option("--paths <dir>", "where to read TypeScript sources (repeatable; default: api and src)", collect)
    .option("--crd-dir <dir>", "where CRDs are written", DEFAULT_GENERATE_FLAGS.crdDir)
    .option("--rbac-dir <dir>", "where role.yaml is written", DEFAULT_GENERATE_FLAGS.rbacDir)
    .option("--webhook-dir <dir>", "where the webhook manifests are written", DEFAULT_GENERATE_FLAGS.webhookDir)
    .addOption(new Option("--role-name <name>", "name of the generated ClusterRole and Roles").default(DEFAULT_GENERATE_FLAGS.roleName).argParser(parseRoleName))
    .addOption(new Option("--max-desc-len <n>", "shorten descriptions to at most n characters (0 drops them)").argParser(parseCount))
    .option("--check", "write nothing; exit 1 with a diff when any output would change")
    .option(
      "--embedded-openapi <dir>",
      "expand embedded Kubernetes types (V1PodTemplateSpec, ...), descriptions included, from the OpenAPI v3 documents in <dir>, saved with `kubectl get --raw /openapi/v3/apis/batch/v1 > <dir>/batch-v1.json`",
    )
    .option(
      "--generate-embedded-object-meta",
      "give an ObjectMeta that is not a kind's own metadata (a template's metadata, a field of type ObjectMeta) name, namespace, labels, annotations and finalizers, as controller-gen's crd:generateEmbeddedObjectMeta=true; without it the API server prunes them",
    )
    .addHelpText("after", EXAMPLES)
    .action(async (target: GenerateTarget | "all", flags: GenerateFlags) => {
      setExit(await inLockedProject(io, io.cwd, "kb generate", () => runGenerate(io, target, flags)));
    });
}

/** The flags of `kb generate` when none are given. */
export const DEFAULT_GENERATE_FLAGS: GenerateFlags = {
  crdDir: "config/crd/bases",
  rbacDir: "config/rbac",
  webhookDir: "config/webhook",
  roleName: "manager-role",
};

/**
 * Runs `kb generate` in `io.cwd`; returns the exit code. With `journal`, the manifests are
 * staged in it (the caller commits them with what it scaffolded) instead of written at once.
 */
export async function runGenerate(io: Io, target: GenerateTarget | "all", flags: GenerateFlags, generate: Generate = generateHere, journal?: Journal): Promise<number> {
  const diagnostics = new DiagnosticList();
  const paths = flags.paths ?? ["api", "src"].filter((p) => existsSync(resolve(io.cwd, p)));
  if (paths.length === 0) {
    io.err("error: no sources: there is no api/ or src/ here; pass --paths <dir>\n");
    return ExitCode.badInput;
  }
  const missing = paths.filter((p) => !existsSync(resolve(io.cwd, p)));
  if (missing.length > 0) {
    for (const p of missing) io.err(`error: --paths ${escapeControls(p)}: no such file or directory\n`);
    return ExitCode.badInput;
  }
  const badRole = roleNameProblem(flags.roleName);
  if (badRole) {
    io.err(`error: --role-name ${escapeControls(JSON.stringify(flags.roleName))}: ${badRole}\n`);
    return ExitCode.badInput;
  }
  // The generator loads on first use, not at start-up: its dependencies (the TypeScript
  // compiler) take longer to load than every other kb command takes to run.
  let files;
  try {
    files = await generate(
      {
        paths: paths.map((p) => resolve(io.cwd, p)),
        targets: target === "all" ? GENERATE_TARGETS : [target],
        crdDir: resolve(io.cwd, flags.crdDir),
        rbacDir: resolve(io.cwd, flags.rbacDir),
        webhookDir: resolve(io.cwd, flags.webhookDir),
        roleName: flags.roleName,
        maxDescLen: flags.maxDescLen,
        kbVersion: kbVersion(),
        embeddedOpenApi: flags.embeddedOpenapi === undefined ? undefined : resolve(io.cwd, flags.embeddedOpenapi),
        generateEmbeddedObjectMeta: flags.generateEmbeddedObjectMeta === true,
        crdApplies: readCrdApplies(io.cwd),
      },
      diagnostics,
    );
  } catch (e) {
    // The last resort behind the nesting limits of the loader, the marker grammar and the CEL
    // checker: input nested deeper than the stack holds is still bad input, not a kb crash.
    if (!(e instanceof RangeError) || !/call stack/i.test(e.message)) throw e;
    printDiagnostics(io, diagnostics.errors());
    io.err("error: the sources nest too deeply for kb to follow (it ran out of stack); look for deeply nested types, marker values or CEL rules\nnothing was written\n");
    return ExitCode.badInput;
  }
  printDiagnostics(io, diagnostics.warnings());
  const errors = diagnostics.errors();
  if (errors.length > 0) {
    printDiagnostics(io, errors);
    io.err(`${errors.length} error${errors.length === 1 ? "" : "s"}; nothing was written\n`);
    return ExitCode.badInput;
  }
  const rel = (p: string) => escapeControls(relative(io.cwd, p) || p);
  // With the Helm plugin recorded in PROJECT, the chart follows the manifests.
  let chart: ChartFile[] | undefined;
  try {
    chart = chartForGenerate(io.cwd, files, flags);
    if (chart) checkChartDir(io.cwd, chart);
  } catch (e) {
    if (!(e instanceof KbError)) throw e;
    io.err(`error: the Helm chart: ${e.format(io.cwd)}\nnothing was written\n`);
    return ExitCode.badInput;
  }
  const chartPaths = (chart ?? []).map((f) => resolve(io.cwd, f.path));
  const outputDirs = [flags.crdDir, flags.rbacDir, flags.webhookDir].map((d) => resolve(io.cwd, d));
  const blocked = checkWrites([...files.map((f) => f.path), ...chartPaths], [...outputDirs, ...new Set(chartPaths.map((p) => dirname(p)))]);
  if (blocked.length > 0) {
    for (const p of blocked) io.err(`error: ${rel(p.path)}: ${p.message}\n`);
    io.err(`${blocked.length} error${blocked.length === 1 ? "" : "s"}; nothing was written\n`);
    return ExitCode.badInput;
  }
  const tree = new VirtualTree(io.cwd);
  for (const f of files) tree.write(f.path, f.content);
  const chartKept = chart ? writeChart(tree, chart, false).length : 0;
  const outputs = files.length + (chart?.length ?? 0) - chartKept;
  if (flags.check) {
    const changes = tree.changes();
    if (changes.length === 0) {
      io.out(`${outputs} manifest${outputs === 1 ? " is" : "s are"} up to date\n`);
      return ExitCode.ok;
    }
    io.out(await tree.diff());
    io.err(
      `${changes.length} manifest${changes.length === 1 ? " is" : "s are"} stale: ${changes.map((c) => rel(c.path)).join(", ")}\nrun kb generate to update\n`,
    );
    return ExitCode.stale;
  }
  let written;
  try {
    written = tree.commit(journal);
  } catch (e) {
    // The checks above make this a race or a full disk; the tree removes what it staged.
    io.err(`error: ${escapeControls((e as Error).message)}\nnothing was written\n`);
    return ExitCode.badInput;
  }
  for (const c of written) io.out(`${c.kind === "create" ? "created" : "updated"} ${rel(c.path)}\n`);
  const same = outputs - written.length;
  if (same > 0) io.out(`${same} unchanged\n`);
  if (files.length === 0) io.out("nothing to generate: no kinds, RBAC or webhook markers found\n");
  return ExitCode.ok;
}

function parseTarget(value: string): GenerateTarget | "all" {
  if (value === "all" || (GENERATE_TARGETS as readonly string[]).includes(value)) return value as GenerateTarget | "all";
  throw new InvalidArgumentError(`expected all, ${GENERATE_TARGETS.join(", ")}`);
}

function parseRoleName(value: string): string {
  const problem = roleNameProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number, 0 or more");
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
