/**
 * The test environment's rows of `npm run bench`: how long `startTestEnv()` takes to be ready
 * on each backend it can start here. The real backend (etcd and kube-apiserver as child
 * processes) needs `KUBEBUILDER_ASSETS`; without it its rows say so.
 */
import { join } from "node:path";
import { median, seconds, type BenchContext, type Suite, type SuiteResult } from "../framework.js";

const CRDS = join(import.meta.dirname, "../../fixtures/generate/cronjob-tutorial/expected/crd");
const TARGET_MS = 5_000;

interface Row {
  readonly name: string;
  readonly samplesMs: readonly number[];
  readonly target: string;
}

/** Times `start` (which returns a stop function) `ctx.warmup` + `ctx.runs` times; the stops are not timed. */
async function timeStarts(ctx: BenchContext, what: string, start: () => Promise<() => Promise<void>>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < ctx.warmup + ctx.runs; i++) {
    const t0 = performance.now();
    const stop = await start();
    const elapsed = performance.now() - t0;
    await stop();
    if (i >= ctx.warmup) samples.push(elapsed);
    ctx.log(`  ${what}: ${seconds(elapsed)}${i < ctx.warmup ? " (warm-up)" : ""}`);
  }
  return samples;
}

export const envtestSuite: Suite = {
  name: "envtest",
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const { ControlPlane, startTestEnv } = await import("../../src/testing/index.js");
    const assets = process.env["KUBEBUILDER_ASSETS"];
    const rows: Row[] = [];
    rows.push({
      name: "in-process API server, CronJob CRD installed",
      samplesMs: await timeStarts(ctx, "in-process", async () => {
        const env = await startTestEnv({ backend: "in-process", crdDirectoryPaths: [CRDS] });
        return () => env.stop();
      }),
      target: "(for comparison)",
    });
    if (assets) {
      rows.push({
        name: "real control plane (etcd 3.6 + kube-apiserver 1.36), start to /readyz",
        samplesMs: await timeStarts(ctx, "control plane", async () => {
          const plane = await ControlPlane.start({ assetsDirectory: assets });
          return () => plane.stop({ kill: true });
        }),
        target: `≤ ${seconds(TARGET_MS)}`,
      });
      rows.push({
        name: "real API server, CronJob CRD installed, Established and in discovery",
        samplesMs: await timeStarts(ctx, "startTestEnv real", async () => {
          const env = await startTestEnv({ backend: "real", binaryAssetsDirectory: assets, crdDirectoryPaths: [CRDS] });
          return () => env.stop();
        }),
        target: `≤ ${seconds(TARGET_MS)}`,
      });
    }
    const real = rows.filter((r) => r.target !== "(for comparison)");
    const met = real.length > 0 && real.every((r) => median(r.samplesMs) <= TARGET_MS);
    return {
      title: "Test environment start-up",
      intro: [
        "Time from `startTestEnv()` (or `ControlPlane.start()`) to a usable API server; stopping is not timed. The real backend starts etcd and kube-apiserver (built by `npm run envtest:assets`) as child processes with fresh certificates and data, as envtest does.",
      ],
      table: {
        columns: ["start-up", "median", "runs", "target"],
        rows: rows.map((r) => [r.name, seconds(median(r.samplesMs)), r.samplesMs.map(seconds).join(", "), r.target]),
        numeric: [1],
      },
      notes: [
        assets
          ? `**Target — ready within ${seconds(TARGET_MS)} on the real backend: ${met ? "met" : "not met"}.** Most of it is kube-apiserver's own start (building its OpenAPI documents and storage, then its post-start hooks, the RBAC bootstrap last); etcd starts alongside it.`
          : "The real backend's rows need `KUBEBUILDER_ASSETS` (`KUBEBUILDER_ASSETS=$(npm run -s envtest:assets | tail -1) npm run bench`); this run had none.",
        "Exactly what ran: `npm run bench` (suite `envtest`: `tsx bench/run.ts envtest --no-readme` runs it alone).",
      ],
    };
  },
};
