// The CronJob tutorial's project (examples/cronjob, docs/tutorial-cronjob.md) builds, lints and
// passes its tests, as a reader who follows the tutorial would run them: a copy of it gets the
// packed kubebuilder-ts and its other dependencies from the npm registry (npm's cache makes
// later runs faster), then `kb generate --check` (the committed manifests are what its types
// and markers give), `npm run build`, `npm run lint`, and `npm test` on the in-process test
// API server and, when KUBEBUILDER_ASSETS is set, on the real kube-apiserver and etcd.
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realAssets, skipReal } from "../helpers/real-kubernetes.js";
import { expectOk, NPM, NPX, packPackage, REPO, run } from "../helpers/npm-project.js";

const EXAMPLE = join(REPO, "examples", "cronjob");
const STEP_TIMEOUT = 5 * 60_000;

/** What the example's checkout holds besides its sources: never copied. */
const LOCAL = new Set(["node_modules", "dist", "package-lock.json", ".kb.lock", ".kb-journal"]);

describe("examples/cronjob, the CronJob tutorial's project", () => {
  let work: string;
  let project: string;

  it("depends on kubebuilder-ts as the tutorial says: the checkout's packed tarball, of this version", () => {
    const example = JSON.parse(readFileSync(join(EXAMPLE, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const root = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
    expect(example.dependencies["kubebuilder-ts"]).toBe(`file:../../kubebuilder-ts-${root.version}.tgz`);
  });

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
});
