/**
 * `npm run bench`: runs the benchmark suites, prints their tables as Markdown and writes
 * them into docs/performance.md between `<!-- bench:start -->` and `<!-- bench:end -->`
 * (the file, or the block at its end, is created when missing). The README only links to
 * it, with the targets: it never changes with a run.
 *
 *   tsx bench/run.ts [suite...] [--runs N] [--warmup N] [--kinds N] [--no-write]
 *
 * `--no-readme`, the option's earlier name, is still accepted.
 *
 * A suite (bench/suites/) is a name and a function returning a titled Markdown table with
 * prose around it; add it to `SUITES` (the runtime's work-queue and reconcile benchmarks go
 * there). Suites that time commands use `measure` and `timingTable` from
 * bench/framework.ts; others build a `Table` themselves. docs/performance.md is only written when
 * every suite ran on the default tree size, so a partial run cannot replace the published
 * figures.
 */
import { mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machine, PERFORMANCE_DOC, renderSection, updatePerformanceDoc, type BenchContext, type Suite, type SuiteResult } from "./framework.js";
import { generateSuite } from "./suites/generate.js";
import { envtestSuite } from "./suites/envtest.js";
import { imageSuite } from "./suites/image.js";
import { runtimeSuite } from "./suites/runtime.js";
import { scaffoldSuite } from "./suites/scaffold.js";
import { PROJECT_ROOT } from "./synthetic-tree.js";

/** Every suite, in the order they run and appear in docs/performance.md. */
export const SUITES: readonly Suite[] = [generateSuite, scaffoldSuite, runtimeSuite, envtestSuite, imageSuite];

const DEFAULTS = { runs: 3, warmup: 1, kinds: 500 } as const;

interface Args {
  suites: string[];
  runs: number;
  warmup: number;
  kinds: number;
  write: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { suites: [], ...DEFAULTS, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (min: number) => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < min) throw new Error(`${a}: expected a whole number ≥ ${min}`);
      return n;
    };
    if (a === "--runs") args.runs = num(1);
    else if (a === "--warmup") args.warmup = num(0);
    else if (a === "--kinds") args.kinds = num(1);
    else if (a === "--no-write" || a === "--no-readme") args.write = false;
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else args.suites.push(a);
  }
  for (const s of args.suites) {
    if (!SUITES.some((x) => x.name === s)) throw new Error(`unknown suite ${s}; there are: ${SUITES.map((x) => x.name).join(", ")}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const workDir = join(PROJECT_ROOT, "bench/.work");
  mkdirSync(workDir, { recursive: true });
  const ctx: BenchContext = {
    root: PROJECT_ROOT,
    workDir,
    runs: args.runs,
    warmup: args.warmup,
    kinds: args.kinds,
    log: (m) => process.stderr.write(`${m}\n`),
  };
  const suites = args.suites.length > 0 ? SUITES.filter((s) => args.suites.includes(s.name)) : SUITES;
  const started = Date.now();
  const load = loadavg()[0] ?? 0;
  const results: SuiteResult[] = [];
  for (const suite of suites) {
    ctx.log(`suite ${suite.name}`);
    results.push(await suite.run(ctx));
  }
  const body = renderSection(results, machine(load), new Date().toISOString().slice(0, 10));
  process.stdout.write(`${body}\n`);
  const complete = suites.length === SUITES.length && args.kinds === DEFAULTS.kinds;
  if (args.write && complete) {
    updatePerformanceDoc(join(PROJECT_ROOT, PERFORMANCE_DOC), body);
    ctx.log(`${PERFORMANCE_DOC} updated (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } else {
    ctx.log(`${PERFORMANCE_DOC} left alone: ${args.write ? "not a full run" : "--no-write"}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
