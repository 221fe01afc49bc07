/**
 * The operator image (issue 13): what its runtime stage holds and how fast the manager in it
 * starts. A scaffolded project (kb init, kb create api for a CronJob) gets the packed
 * kubebuilder-ts and its dependencies from the npm registry, then builds as its Dockerfile's
 * builder stage does (`npm run build && npm run bundle`). Measured: the runtime stage's
 * application payload (the bundle and its source map), and the time from spawning the manager
 * to its first reconcile of a CronJob waiting in the in-process test API server, for the bundle
 * and, for comparison, for the image layout before the bundle (dist/ beside node_modules after
 * `npm prune --omit=dev`). Targets: at most 10 MB of payload, first reconcile within 0.5 s.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { median, seconds, type BenchContext, type Suite, type SuiteResult } from "../framework.js";
import { directoryBytes, startManager } from "../manager-start.js";

const PAYLOAD_TARGET_BYTES = 10_000_000;
const START_TARGET_MS = 500;
/** Dependencies of kubebuilder-ts that only kb (the command line, the generator) loads, never the runtime. */
const KB_CLI_PACKAGES = ["typescript", "ts-morph", "@ts-morph", "prettier", "ejs", "@inquirer", "commander", "diff"];
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs a command to completion; throws with its output unless it exits 0. */
function run(command: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

interface StartSample {
  readonly wallMs: number;
  readonly cpuMs: number | undefined;
}

/**
 * The Node.js the image runs (24), from scripts/ci-node.mjs (the npm registry's `node` package,
 * cached); this Node when it cannot be had.
 */
function imageNode(ctx: BenchContext): { readonly path: string; readonly version: string } {
  const r = spawnSync(process.execPath, [join(ctx.root, "scripts", "ci-node.mjs"), "24"], { encoding: "utf8" });
  const dir = r.stdout?.trim().split("\n").at(-1);
  if (r.status === 0 && dir) {
    const path = join(dir, "node");
    const version = spawnSync(path, ["--version"], { encoding: "utf8" }).stdout?.trim();
    if (version) return { path, version };
  }
  ctx.log(`no Node.js 24 (scripts/ci-node.mjs exited ${r.status}): the manager runs on this Node, ${process.version}`);
  return { path: process.execPath, version: process.version };
}

/** One start of the manager against a fresh test API server holding the sample CronJob. */
async function timeStart(node: string, project: string, args: readonly string[], cwd: string): Promise<StartSample> {
  const { startTestEnv } = await import("../../src/testing/index.js");
  const { HttpTransport } = await import("../../src/runtime/client/transport.js");
  const env = await startTestEnv({ crdDirectoryPaths: [join(project, "config", "crd", "bases")] });
  const kubeconfig = join(project, "..", "kubeconfig");
  writeFileSync(kubeconfig, env.kubeConfig.exportConfig());
  const sample = parse(readFileSync(join(project, "config", "samples", "batch_v1_cronjob.yaml"), "utf8")) as { apiVersion: string };
  const api = new HttpTransport({ kubeConfig: env.kubeConfig });
  try {
    await api.request({ method: "POST", path: `/apis/${sample.apiVersion}/namespaces/default/cronjobs`, body: sample });
    const manager = await startManager({
      node,
      args: [...args, "--health-probe-bind-address=127.0.0.1:0"],
      cwd,
      env: { ...process.env, KUBECONFIG: kubeconfig, ENABLE_WEBHOOKS: "false" },
      reconcileMessage: "set the Available condition",
      timeoutMs: 60_000,
    });
    await manager.stop();
    return { wallMs: manager.toFirstReconcileMs, cpuMs: manager.cpuMs };
  } finally {
    api.close();
    await env.stop();
  }
}

function startCell(samples: readonly StartSample[]): string {
  const walls = samples.map((s) => s.wallMs);
  const cpus = samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
  const cpu = cpus.length > 0 ? `, CPU time ${seconds(median(cpus))}` : "";
  return `${seconds(median(walls))} (runs: ${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))}${cpu})`;
}

export const imageSuite: Suite = {
  name: "image",
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const base = join(ctx.workDir, "image");
    rmSync(base, { recursive: true, force: true });
    const project = join(base, "cronjob-operator");
    mkdirSync(project, { recursive: true });

    ctx.log("packing kubebuilder-ts, scaffolding and installing a project (npm registry) …");
    const [packed] = JSON.parse(run(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", base], ctx.root)) as { filename: string }[];
    const kb = join(ctx.root, "bin", "kb.js");
    run(process.execPath, [kb, "init", "--domain", "example.com", "--skip-install"], project);
    run(process.execPath, [kb, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob"], project);
    run(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", join(base, packed!.filename)], project);

    ctx.log("building as the Dockerfile's builder stage does …");
    run(NPM, ["run", "build"], project);
    const bundleStarted = performance.now();
    run(NPM, ["run", "bundle"], project);
    const bundleMs = performance.now() - bundleStarted;
    const bundleBytes = statSync(join(project, "dist", "manager.mjs")).size;
    const payload = bundleBytes + statSync(join(project, "dist", "manager.mjs.map")).size;

    const node = imageNode(ctx);
    const bundled: StartSample[] = [];
    const unbundled: StartSample[] = [];
    for (let i = 0; i < ctx.warmup + ctx.runs; i++) {
      const label = i < ctx.warmup ? "warm-up" : `run ${i - ctx.warmup + 1}/${ctx.runs}`;
      // Alternating, so that drift in the machine's state hits both alike.
      const b = await timeStart(node.path, project, ["--enable-source-maps", "dist/manager.mjs"], project);
      const u = await timeStart(node.path, project, ["--enable-source-maps", "dist/src/main.js"], project);
      ctx.log(`  ${label}: bundle ${seconds(b.wallMs)}, dist/ and node_modules ${seconds(u.wallMs)}`);
      if (i >= ctx.warmup) {
        bundled.push(b);
        unbundled.push(u);
      }
    }

    // Last, as the earlier Dockerfile did: the production dependencies alone, beside dist/.
    run(NPM, ["prune", "--omit=dev", "--no-audit", "--no-fund"], project);
    const nodeModules = directoryBytes(join(project, "node_modules"));
    const previous = nodeModules + directoryBytes(join(project, "dist")) - payload + statSync(join(project, "package.json")).size;
    const kbCliBytes = KB_CLI_PACKAGES
      .map((p) => {
        try {
          return directoryBytes(join(project, "node_modules", p));
        } catch {
          return 0;
        }
      })
      .reduce((a, b) => a + b, 0);
    rmSync(base, { recursive: true, force: true });

    const startMs = median(bundled.map((s) => s.wallMs));
    const cpus = bundled.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
    const cpuMs = cpus.length > 0 ? median(cpus) : undefined;
    const payloadMet = payload <= PAYLOAD_TARGET_BYTES;
    const startMet = startMs <= START_TARGET_MS;
    return {
      title: "Operator image",
      intro: [
        `A project scaffolded by \`kb init\` and \`kb create api --group batch --version v1 --kind CronJob\`, with the packed kubebuilder-ts and its dependencies installed from the npm registry, built as its Dockerfile's builder stage builds it: \`npm run build && npm run bundle\`. The runtime stage (distroless Node.js 24) then holds \`manager.mjs\` and \`manager.mjs.map\` alone. Each start runs the manager with Node.js ${node.version} (the image's Node.js 24 when \`scripts/ci-node.mjs\` can get it) as a child process against a fresh in-process test API server that already holds the sample CronJob, webhooks off, and is timed from spawn to the \`time\` of the reconciler's first log line (\`set the Available condition\`); the CPU time is the manager process's own by then (/proc). ` +
          `${ctx.warmup} warm-up + ${ctx.runs} measured starts of each layout, alternating; median and range.`,
      ],
      table: {
        columns: ["measurement", "result", "target"],
        rows: [
          ["image payload: `manager.mjs` and its source map (the runtime stage's application files)", `${megabytes(payload)} (bundle ${megabytes(bundleBytes)}; \`npm run bundle\` took ${seconds(bundleMs)})`, `≤ ${megabytes(PAYLOAD_TARGET_BYTES)}`],
          ["… the layout before the bundle: `dist/`, `package.json` and `node_modules` after `npm prune --omit=dev`", `${megabytes(previous)} (of which ${KB_CLI_PACKAGES.join(", ")}, which only kb's command line and generator load: ${megabytes(kbCliBytes)})`, "(for comparison)"],
          ["manager start → first reconcile, the bundle (`node --enable-source-maps manager.mjs`)", startCell(bundled), `≤ ${seconds(START_TARGET_MS)}`],
          ["… the layout before the bundle (`node --enable-source-maps dist/src/main.js`, modules from node_modules)", startCell(unbundled), "(for comparison)"],
        ],
      },
      notes: [
        `**Target — at most 10 MB of application payload: ${payloadMet ? "met" : "not met"}** (${megabytes(payload)}). **Target — first reconcile within 0.5 s of start: ${startMet ? "met" : "not met"}** (median ${seconds(startMs)}${cpuMs === undefined ? "" : `; the manager's own CPU time by then, on its threads together, ${seconds(cpuMs)}`}). The wall-clock time includes the in-process API server's answers (list, watch, the status update), which run in the benchmark's process.`,
        "Exactly what ran: `npm run bench` (suite `image`: `tsx bench/run.ts image --no-write` runs it alone; it needs the npm registry, or npm's cache, for the project's dependencies).",
      ],
    };
  },
};
