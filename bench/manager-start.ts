/**
 * A scaffolded manager's start, timed from outside: shared by the image bench suite and the
 * scaffolded-project e2e test. The manager runs as a child process against a kubeconfig, with
 * an object already waiting to be reconciled; what is timed is the span from spawning the
 * process to the first reconcile, as the manager's own log line of it reports.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** How to start the manager and recognise its first reconcile. */
export interface ManagerStartOptions {
  /** The Node.js binary (default: this process's). */
  readonly node?: string;
  /** Node's arguments: options, the script, the manager's flags. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** The child's whole environment. */
  readonly env: NodeJS.ProcessEnv;
  /** The `msg` of the JSON log line that a reconcile writes. */
  readonly reconcileMessage: string;
  /** How long to wait for that line before giving up (wall-clock). */
  readonly timeoutMs: number;
}

/** A started manager, stopped by {@link StartedManager.stop}. */
export interface StartedManager {
  /** From spawn to the `time` of the first reconcile's log line, wall-clock. */
  readonly toFirstReconcileMs: number;
  /**
   * The CPU time (user + system) the manager's process had used when its first reconcile's line
   * arrived, read from /proc (Linux); undefined elsewhere. Other processes on a loaded machine
   * stretch the wall-clock time, hardly this.
   */
  readonly cpuMs: number | undefined;
  /** Everything the manager printed so far. */
  output(): string;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

let clockTicks: number | undefined;

/** Clock ticks per second, the unit of /proc's CPU times. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
    const n = Number(r.stdout?.trim());
    clockTicks = r.status === 0 && Number.isInteger(n) && n > 0 ? n : 100;
  }
  return clockTicks;
}

/** User + system CPU time of a live process in ms, from /proc/<pid>/stat; undefined when there is no /proc. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

/**
 * Spawns the manager (with this Node unless `node` says otherwise) and resolves once its first reconcile is logged, with the time
 * it took; rejects, with the manager's output, when it exits first or the time runs out (the
 * process is stopped then).
 * @example
 * ```ts
 * const started = await startManager({ args: ["dist/manager.mjs"], cwd, env, reconcileMessage: "set the Available condition", timeoutMs: 60_000 });
 * console.log(started.toFirstReconcileMs);
 * await started.stop();
 * ```
 */
export async function startManager(options: ManagerStartOptions): Promise<StartedManager> {
  const spawnedAt = Date.now();
  const child = spawn(options.node ?? process.execPath, options.args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = once(child, "exit");
  let output = "";
  let pending = "";
  let settle: ((line: { time: number; cpuMs: number | undefined } | Error) => void) | undefined;
  const reconciled = new Promise<{ time: number; cpuMs: number | undefined } | Error>((resolve) => (settle = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      let entry: { msg?: unknown; time?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (entry.msg === options.reconcileMessage && typeof entry.time === "number") settle?.({ time: entry.time, cpuMs: processCpuMs(child.pid!) });
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  void exited.then(() => settle?.(new Error(`the manager exited (code ${child.exitCode}, signal ${child.signalCode}) before its first reconcile`)));
  const timer = setTimeout(() => settle?.(new Error(`no "${options.reconcileMessage}" log line within ${options.timeoutMs} ms`)), options.timeoutMs);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const first = await reconciled;
  clearTimeout(timer);
  if (first instanceof Error) {
    await stop();
    throw new Error(`${first.message}\n$ node ${options.args.join(" ")}\n${output}`);
  }
  return { toFirstReconcileMs: first.time - spawnedAt, cpuMs: first.cpuMs, output: () => output, stop };
}

/** The bytes of every file under `dir` (symbolic links not followed). */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  }
  return total;
}
