/**
 * The benchmark framework: suites, timing of child processes, Markdown tables and the
 * published figures in docs/performance.md. `bench/run.ts` runs the suites in `SUITES`.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { arch, availableParallelism, cpus, platform, tmpdir, totalmem } from "node:os";
import { join } from "node:path";

/** What every suite gets. */
export interface BenchContext {
  /** The project root; commands run here, and paths in them are relative to it. */
  readonly root: string;
  /** Scratch space for inputs and outputs (git-ignored). */
  readonly workDir: string;
  /** Measured runs of each command. */
  readonly runs: number;
  /** Unmeasured runs before them. */
  readonly warmup: number;
  /** Kinds in the synthetic API tree. */
  readonly kinds: number;
  /** Progress, to stderr. */
  log(message: string): void;
}

/** A Markdown table: header cells and rows of cells. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Indexes of the columns to right-align (numbers). */
  readonly numeric?: readonly number[];
}

/** What a suite reports: one table, with prose around it. */
export interface SuiteResult {
  readonly title: string;
  /** Paragraphs before the table (Markdown). */
  readonly intro: readonly string[];
  readonly table: Table;
  /** Paragraphs after the table (Markdown): verdicts, exact commands, caveats. */
  readonly notes: readonly string[];
}

/** Something timed several times: a row of a {@link timingTable}. */
export interface TimedRow {
  readonly tool: string;
  readonly does: string;
  /** Wall-clock times of the measured runs, in milliseconds. */
  readonly samplesMs: readonly number[];
  /** CPU time (user + system) of the same runs, in milliseconds, when known. */
  readonly cpuMs?: readonly number[];
}

export interface Suite {
  /** Short name, to run it alone: `tsx bench/run.ts <name>`. */
  readonly name: string;
  run(ctx: BenchContext): Promise<SuiteResult>;
}

/** A command to time, run as a child process from the project root. */
export interface Task {
  readonly tool: string;
  readonly does: string;
  /**
   * The executable and its arguments. `node` means this Node; use {@link nodeCommand} to
   * have the command's CPU time measured too.
   */
  readonly argv: readonly string[];
  /** Where it runs (default: the project root). */
  readonly cwd?: string;
  /** Environment variables to set for it, over this process's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** How the published table shows `env` in front of the command (`TMPDIR=<empty directory>`). */
  readonly shownEnv?: string;
  /** Untimed, before every run (clear output directories here). */
  prepare?(): void;
  /** Untimed, after every run: throw when the run did not do its job. */
  verify?(result: CommandResult): void;
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** CPU time, when the command is a {@link nodeCommand}. */
  readonly cpuMs?: number;
}

/** The preload that reports a Node process's CPU time, relative to the project root. */
export const CPU_USAGE_PRELOAD = "./bench/cpu-usage.cjs";

/** `node --require ./bench/cpu-usage.cjs <script> <args>`: a Node command whose CPU time is measured. */
export function nodeCommand(script: string, ...args: string[]): string[] {
  return ["node", "--require", CPU_USAGE_PRELOAD, script, ...args];
}

/** {@link nodeCommand} with absolute paths, for commands that run outside the project root. */
export function nodeCommandAt(root: string, script: string, ...args: string[]): string[] {
  return ["node", "--require", join(root, CPU_USAGE_PRELOAD), join(root, script), ...args];
}

/**
 * Runs a command and measures its wall-clock time, from spawn to exit, and, for a
 * {@link nodeCommand}, the CPU time it reports.
 */
export async function timeCommand(argv: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): Promise<CommandResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("empty command");
  const scratch = mkdtempSync(join(tmpdir(), "kb-bench-cpu-"));
  const cpuFile = join(scratch, "cpu.json");
  try {
    const result = await new Promise<CommandResult>((resolvePromise, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const start = process.hrtime.bigint();
      const child = spawn(cmd === "node" ? process.execPath : cmd, args, {
        cwd,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...env, KB_BENCH_CPU_FILE: cpuFile },
      });
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", reject);
      child.on("close", (code) => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        resolvePromise({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ms });
      });
    });
    if (!existsSync(cpuFile)) return result;
    const { cpuMs } = JSON.parse(readFileSync(cpuFile, "utf8")) as { cpuMs: number };
    return { ...result, cpuMs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Times each task `warmup + runs` times. The tasks are interleaved (round by round, the
 * starting task rotating) so that drift in the machine's state hits them all alike.
 */
export async function measure(ctx: BenchContext, tasks: readonly Task[]): Promise<TimedRow[]> {
  const samples = tasks.map(() => [] as number[]);
  const cpu = tasks.map(() => [] as number[]);
  const rounds = ctx.warmup + ctx.runs;
  for (let round = 0; round < rounds; round++) {
    const label = round < ctx.warmup ? `warm-up ${round + 1}/${ctx.warmup}` : `run ${round - ctx.warmup + 1}/${ctx.runs}`;
    for (let k = 0; k < tasks.length; k++) {
      const i = (round + k) % tasks.length;
      const task = tasks[i]!;
      task.prepare?.();
      const result = await timeCommand(task.argv, task.cwd ?? ctx.root, task.env);
      if (result.code !== 0) {
        throw new Error(
          `${task.tool} exited with ${result.code}: ${showCommand(task.argv)}\n${result.stderr.slice(0, 4000)}${result.stdout.slice(0, 2000)}`,
        );
      }
      task.verify?.(result);
      if (round >= ctx.warmup) {
        samples[i]!.push(result.ms);
        if (result.cpuMs !== undefined) cpu[i]!.push(result.cpuMs);
      }
      const cpuNote = result.cpuMs === undefined ? "" : ` (CPU ${seconds(result.cpuMs)})`;
      ctx.log(`  ${label}  ${task.tool.padEnd(30)} ${seconds(result.ms)}${cpuNote}`);
    }
  }
  return tasks.map((t, i) => ({
    tool: t.tool,
    does: t.does,
    samplesMs: samples[i]!,
    ...(cpu[i]!.length === samples[i]!.length ? { cpuMs: cpu[i]! } : {}),
  }));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * `task` as the first run on a machine: with an empty temporary directory, so without the
 * TypeScript compiler's code cache that kb keeps there (src/loader/typescript.ts).
 */
export function firstRun(task: Task, emptyTmp: string): Task {
  return {
    ...task,
    tool: `${task.tool}, first run`,
    does: "the same, with no code cache of the TypeScript compiler yet (an empty temporary directory)",
    env: { ...task.env, TMPDIR: emptyTmp },
    shownEnv: "TMPDIR=<empty directory>",
    prepare: () => {
      rmSync(emptyTmp, { recursive: true, force: true });
      mkdirSync(emptyTmp, { recursive: true });
      task.prepare?.();
    },
  };
}

/** A task's command line as published, `argv` (default: all of it) after any shown environment. */
export function showTask(task: Task, argv: readonly string[] = task.argv): string {
  return `${task.shownEnv ? `${task.shownEnv} ` : ""}${showCommand(argv)}`;
}

/** A command as a shell would take it. */
export function showCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/**
 * Tool, what it does, median and min wall-clock time, the median CPU time (when every row
 * has it) and, with a baseline, the median wall-clock time relative to the baseline's.
 */
export function timingTable(rows: readonly TimedRow[], baseline?: string): Table {
  const base = rows.find((r) => r.tool === baseline);
  const baseMedian = base ? median(base.samplesMs) : undefined;
  const withCpu = rows.every((r) => r.cpuMs !== undefined && r.cpuMs.length > 0);
  const columns = ["tool", "what it does", "median", "min"];
  if (withCpu) columns.push("CPU time (median)");
  if (base) columns.push(`relative to ${base.tool}`);
  return {
    columns,
    numeric: columns.map((_, i) => i).filter((i) => i >= 2),
    rows: rows.map((r) => {
      const m = median(r.samplesMs);
      const cells = [r.tool, r.does, seconds(m), seconds(Math.min(...r.samplesMs))];
      if (withCpu) cells.push(seconds(median(r.cpuMs!)));
      if (baseMedian !== undefined) cells.push(`${(m / baseMedian).toFixed(2)}×`);
      return cells;
    }),
  };
}

export function renderTable(table: Table): string {
  const cell = (c: string) => c.replace(/\|/g, "\\|");
  const align = table.columns.map((_, i) => (table.numeric?.includes(i) ? " ---: " : " --- "));
  return [
    `| ${table.columns.map(cell).join(" | ")} |`,
    `|${align.join("|")}|`,
    ...table.rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

export interface Machine {
  /** The 1-minute load average when the run started: other work on the machine skews the figures. */
  readonly load: number;
  readonly cores: number;
  readonly cpu: string;
  readonly memGiB: number;
  readonly node: string;
  readonly os: string;
}

export function machine(load: number): Machine {
  return {
    load,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim().replace(/\s+/g, " ") ?? "unknown CPU",
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${arch()}`,
  };
}

export function renderSection(results: readonly SuiteResult[], m: Machine, date: string): string {
  const parts = [
    `Measured by \`npm run bench\` on ${date}: ${m.cores} cores (${m.cpu}), ${m.memGiB} GiB, ` +
      `Node ${m.node}, ${m.os}; load average ${m.load.toFixed(1)} when the run started.`,
  ];
  for (const r of results) {
    parts.push(`### ${r.title}`, ...r.intro, renderTable(r.table), ...r.notes);
  }
  return parts.join("\n\n");
}

export const BENCH_START = "<!-- bench:start -->";
export const BENCH_END = "<!-- bench:end -->";

/** Where `npm run bench` publishes its tables (the README links to it with a short summary). */
export const PERFORMANCE_DOC = "docs/performance.md";

/** The heading and introduction a new {@link PERFORMANCE_DOC} starts with. */
const DOC_HEAD = [
  "# Performance",
  "",
  "The figures below are written by `npm run bench` (bench/run.ts) between the two `bench` markers; everything",
  "outside them is kept. Run it on a quiet machine: it takes several minutes and both cores.",
].join("\n");

/**
 * Replaces what lies between the bench markers of `path` (docs/performance.md) with `body`.
 * A missing file is created with a heading; a file without the markers gets the block at its
 * end; a file with only one of them is an error, so that a hand edit is never overwritten.
 */
export function updatePerformanceDoc(path: string, body: string): void {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const block = `${BENCH_START}\n${body}\n${BENCH_END}`;
  const s = text.indexOf(BENCH_START);
  const e = text.indexOf(BENCH_END);
  let next: string;
  if (s >= 0 && e > s) {
    next = text.slice(0, s) + block + text.slice(e + BENCH_END.length);
  } else if (s >= 0 || e >= 0) {
    throw new Error(`${path}: found only one of ${BENCH_START} and ${BENCH_END} (or them out of order); fix the file by hand`);
  } else {
    const head = text.trim() === "" ? DOC_HEAD : text.replace(/\s*$/, "");
    next = `${head}\n\n${block}\n`;
  }
  writeFileSync(path, next);
}
