// The CronJob tutorial's project (examples/cronjob, docs/tutorial-cronjob.md) builds, lints and
// passes its tests, as a reader who follows the tutorial would run them: a copy of it gets the
// packed kubebuilder-ts and its other dependencies from the npm registry (npm's cache makes
// later runs faster), then `kb generate --check` (the committed manifests are what its types
// and markers give), `npm run build`, `npm run lint`, and `npm test` on the in-process test
// API server and, when KUBEBUILDER_ASSETS is set, on the real kube-apiserver and etcd. Its image
// is checked as a scaffolded project's is: `npm run bundle` gives the manager the Dockerfile's
// runtime stage copies, which starts from a folder of its own (no node_modules) against the
// test API server and runs the sample CronJob's Job. The project's commands run on the Node.js
// it targets, 24: its @kubernetes/client-node 2.x needs 22.19 or newer.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startManager } from "../../bench/manager-start.js";
import { HttpTransport } from "../../src/runtime/client/transport.js";
import { startTestEnv } from "../../src/testing/index.js";
import { nodeOfLine } from "../helpers/node-line.js";
import { realAssets, skipReal } from "../helpers/real-kubernetes.js";
import { expectOk, freePort, NPM, NPX, onNode, packPackage, REPO } from "../helpers/npm-project.js";

const EXAMPLE = join(REPO, "examples", "cronjob");
const STEP_TIMEOUT = 5 * 60_000;

/** What the example's checkout holds besides its sources: never copied. */
const LOCAL = new Set(["node_modules", "dist", "vendor", "package-lock.json", ".kb.lock", ".kb-journal"]);

const projectNode = nodeOfLine(24);
if ("why" in projectNode) {
  console.log(`examples/cronjob: no Node.js 24 (${projectNode.why}), so its install, build and tests are skipped: its @kubernetes/client-node 2.x needs Node.js 22.19 or newer`);
}
const PROJECT_NODE = "bin" in projectNode ? join(projectNode.bin, "node") : process.execPath;
// npm, npx and the project's scripts run with the project's Node first on PATH.
const { run, commandEnv } = onNode(PROJECT_NODE);

describe("examples/cronjob's package.json", () => {
  it("depends on kubebuilder-ts as the tutorial says: the checkout's packed tarball, of this version", () => {
    const example = JSON.parse(readFileSync(join(EXAMPLE, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const root = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    expect(example.dependencies["kubebuilder-ts"]).toBe(`file:../../kubebuilder-ts-${root.version}.tgz`);
  });
});

describe.skipIf("why" in projectNode)("examples/cronjob, the CronJob tutorial's project", () => {
  let work: string;
  let project: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "kb-example-cronjob-"));
    const tarball = packPackage(work);
    project = join(work, "cronjob");
    cpSync(EXAMPLE, project, { recursive: true, filter: (src) => !LOCAL.has(relative(EXAMPLE, src).split(/[\\/]/)[0]!) });
    // The packed kubebuilder-ts in place of the checkout's (package.json of the copy now names
    // the tarball), and with it every other dependency.
    expectOk(run(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], project));
  }, STEP_TIMEOUT);

  // Removing the copy's node_modules can take a while on a loaded machine.
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  }, STEP_TIMEOUT);

  it("kb generate --check: the committed CRDs, RBAC and webhook manifests are current", () => {
    expectOk(run(NPX, ["kb", "generate", "--check"], project));
  }, STEP_TIMEOUT);

  it("npm run build", () => {
    expectOk(run(NPM, ["run", "build"], project));
  }, STEP_TIMEOUT);

  it("npm run lint", () => {
    expectOk(run(NPM, ["run", "lint"], project));
  }, STEP_TIMEOUT);

  it("npm test, on the in-process test API server", () => {
    const r = expectOk(run(NPM, ["test"], project));
    expect(r.output).not.toMatch(/\bskipped\b/);
  }, STEP_TIMEOUT);

  const real = realAssets();
  it.skipIf(skipReal("the CronJob example's npm test on a real API server"))("npm test, on a real API server (KUBEBUILDER_ASSETS set)", () => {
    const r = expectOk(run(NPM, ["test"], project, { KUBEBUILDER_ASSETS: "directory" in real ? real.directory : "" }));
    expect(r.output).not.toMatch(/\bskipped\b/);
  }, STEP_TIMEOUT);

  it("npm run bundle gives the image's manager, which starts from a folder of its own against the test API server and runs the sample CronJob's Job", async () => {
    expectOk(run(NPM, ["run", "bundle"], project));
    // What the Dockerfile's runtime stage copies from the builder's dist/, in a folder without
    // node_modules, as in the image; its ENTRYPOINT, run with the project's Node instead of the
    // image's, with webhooks off (in a cluster, cert-manager provides their certificate).
    const dockerfile = readFileSync(join(project, "Dockerfile"), "utf8");
    const copied = /^COPY --from=builder (.+) \.\/$/m.exec(dockerfile)?.[1]?.split(/\s+/);
    expect(copied, dockerfile).toEqual(["/workspace/dist/manager.mjs", "/workspace/dist/manager.mjs.map"]);
    const image = join(work, "image");
    mkdirSync(image);
    for (const file of copied!) cpSync(join(project, "dist", basename(file)), join(image, basename(file)));
    const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)![1]!) as string[];
    expect(entrypoint).toEqual(["/nodejs/bin/node", "--enable-source-maps", "manager.mjs"]);

    // The testing kit's API server (in-process, or real with KUBEBUILDER_ASSETS) stands in for a
    // cluster, with the sample waiting in it before the manager starts.
    const env = await startTestEnv({ crdDirectoryPaths: [join(project, "config", "crd", "bases")] });
    const kubeconfig = join(work, "kubeconfig");
    writeFileSync(kubeconfig, env.kubeConfig.exportConfig());
    const sample = parse(readFileSync(join(project, "config", "samples", "batch_v1_cronjob.yaml"), "utf8")) as { apiVersion: string; metadata: { name: string } };
    const api = new HttpTransport({ kubeConfig: env.kubeConfig });
    const port = await freePort();
    try {
      await api.request({ method: "POST", path: `/apis/${sample.apiVersion}/namespaces/default/cronjobs`, body: sample });
      // Each reconcile logs the CronJob's Jobs at debug level: the first such line is its first reconcile.
      const manager = await startManager({
        node: PROJECT_NODE,
        args: [...entrypoint.slice(1), `--health-probe-bind-address=127.0.0.1:${port}`, "--zap-log-level=debug"],
        cwd: image,
        env: commandEnv({ KUBECONFIG: kubeconfig, ENABLE_WEBHOOKS: "false" }),
        reconcileMessage: "job count",
        timeoutMs: 60_000,
      });
      try {
        console.log(`examples/cronjob bundle: first reconcile ${Math.round(manager.toFirstReconcileMs)} ms after spawn`);
        expect(manager.output()).toContain(`"name":"${sample.metadata.name}"`);
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).ok).toBe(true);
        // The sample runs every minute: its first Job comes at the next whole minute, owned by it.
        const deadline = Date.now() + 150_000;
        for (;;) {
          const jobs = await api.request<{ items: { metadata: { ownerReferences?: { kind: string; name: string }[] } }[] }>({ method: "GET", path: "/apis/batch/v1/namespaces/default/jobs" });
          if (jobs.items.some((j) => j.metadata.ownerReferences?.some((o) => o.kind === "CronJob" && o.name === sample.metadata.name))) break;
          if (Date.now() > deadline) throw new Error(`no Job of the sample CronJob within 150 s\n$ node ${entrypoint.slice(1).join(" ")}\n${manager.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
        expect(manager.output()).toContain('"msg":"created the Job for the run"');
      } finally {
        await manager.stop();
      }
    } finally {
      api.close();
      await env.stop();
    }
  }, STEP_TIMEOUT);
});
