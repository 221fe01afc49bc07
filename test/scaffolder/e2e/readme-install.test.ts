// End to end, as the README's "Install" and "The first five minutes" say, on a machine where
// kubebuilder-ts is not on the npm registry: kb installed globally from the packed checkout into a
// clean npm prefix, then, with that kb, `kb init` (which runs npm install itself), `kb create api`,
// `npm run build` and `npm test`; and the image build's `npm ci`, run in what .dockerignore lets
// into the build context, finds the kubebuilder-ts the project depends on. Everything runs on
// Node.js 24, the line scaffolded projects target (from scripts/ci-node.mjs); it needs the npm
// registry for the dependencies, and is skipped, saying so, when Node.js 24 cannot be had.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerIgnored, dockerIgnorePatterns } from "../../helpers/dockerignore.js";
import { nodeOfLine } from "../../helpers/node-line.js";
import { packPackage, REPO } from "../../helpers/npm-project.js";

const STEP_TIMEOUT = 8 * 60_000;
const VERSION = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
const TARBALL = `kubebuilder-ts-${VERSION}.tgz`;

/** The sh code block under the README heading `heading`, its lines without comments. */
function readmeBlock(heading: string): string[] {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(`\n## ${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  expect(block, `README.md has no sh block under ## ${heading}`).not.toBeNull();
  return block![1]!.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l !== "");
}

const found = nodeOfLine(24);
if ("why" in found) console.log(`README install e2e skipped: no Node.js 24 (${found.why})`);

describe.skipIf("why" in found)("the README's install and first five minutes, on a clean npm prefix, with kubebuilder-ts not on the registry", () => {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  /** Runs `script` with sh in `cwd`; fails with its output unless it exits 0. */
  const sh = (script: string, cwd: string): string => {
    const r = spawnSync("sh", ["-ec", script], { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: STEP_TIMEOUT - 30_000 });
    const output = `$ ${script}\n${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? `\n${r.error.message}` : ""}`;
    expect(r.status, output).toBe(0);
    return output;
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "kb-readme-"));
    // The environment of a fresh machine: kb and npm's global installs in a prefix of their own,
    // Node.js 24 first on PATH, and none of the npm settings of the npm that started vitest.
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "KUBEBUILDER_ASSETS" && k !== "USE_EXISTING_CLUSTER"));
    const prefix = join(work, "npm-prefix");
    mkdirSync(prefix);
    Object.assign(env, { npm_config_prefix: prefix, npm_config_update_notifier: "false", PATH: `${join(prefix, "bin")}:${(found as { bin: string }).bin}:${process.env.PATH}`, CI: "true", NO_COLOR: "1" });
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  }, STEP_TIMEOUT);

  it("Install: the checkout packed, then installed globally from the tarball, puts kb on PATH", () => {
    const install = readmeBlock("Install");
    expect(install.slice(-2)).toEqual(["npm pack", `npm install -g ./${TARBALL}`]);
    // The checkout is installed and built already (its `npm install`): packed as it is, unless a source is newer than dist/.
    const checkout = join(work, "kubebuilder-ts");
    mkdirSync(checkout);
    expect(basename(packPackage(checkout))).toBe(TARBALL);
    sh(install.at(-1)!, checkout);
    expect(sh("command -v kb", work)).toContain(join(work, "npm-prefix", "bin", "kb"));
  }, STEP_TIMEOUT);

  it("The first five minutes: kb init (running npm install), kb create api, on a kubebuilder-ts put in vendor/", () => {
    const steps = readmeBlock("The first five minutes");
    expect(steps[0]).toBe("mkdir cronjob-operator && cd cronjob-operator");
    expect(steps.some((s) => s.startsWith("kb init ") && !s.includes("--skip-install"))).toBe(true);
    const output = sh(steps.join("\n"), work);
    project = join(work, "cronjob-operator");
    expect(output).toContain(`kubebuilder-ts ${VERSION}: from ${join(work, "npm-prefix", "lib", "node_modules", "kubebuilder-ts")}, packed, as vendor/${TARBALL}`);
    expect(output).toMatch(/^running npm install$/m);
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["kubebuilder-ts"]).toBe(`file:vendor/${TARBALL}`);
    // One client-node, 2.x, shared by the project and kubebuilder-ts (a second copy would make their KubeConfig types differ).
    const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; resolved?: string }> };
    const clientNodes = Object.entries(lock.packages).filter(([path]) => path.endsWith("node_modules/@kubernetes/client-node"));
    expect(clientNodes.map(([path, p]) => [path, p.version?.split(".")[0]])).toEqual([["node_modules/@kubernetes/client-node", "2"]]);
    expect(lock.packages["node_modules/kubebuilder-ts"]?.resolved).toBe(`file:vendor/${TARBALL}`);
    expect(existsSync(join(project, "api", "v1", "cronjob-types.ts"))).toBe(true);
  }, STEP_TIMEOUT);

  it("npm run build and npm test pass", () => {
    sh("npm run build", project);
    expect(sh("npm test", project)).toMatch(/Tests\s+\d+ passed/);
  }, STEP_TIMEOUT);

  it("the image build's npm ci, in the build context .dockerignore lets in, installs the vendored kubebuilder-ts", () => {
    const dockerfile = readFileSync(join(project, "Dockerfile"), "utf8").split("\n").map((l) => l.trim());
    const ci = dockerfile.findIndex((l) => /^RUN npm ci\b/.test(l));
    expect(ci, "the Dockerfile runs npm ci").toBeGreaterThan(0);
    const patterns = dockerIgnorePatterns(project);
    // What the COPY lines before npm ci bring from the context, each of which the context must hold.
    const workspace = join(work, "workspace");
    mkdirSync(workspace);
    const copied: string[] = [];
    for (const line of dockerfile.slice(0, ci).filter((l) => l.startsWith("COPY ") && !l.includes("--from="))) {
      const [, ...args] = line.split(/\s+/);
      const dest = args.pop()!;
      for (const src of args) {
        expect(existsSync(join(project, src)) && !dockerIgnored(patterns, src), `${line}: ${src} is not in the build context`).toBe(true);
        const to = dest.endsWith("/") ? join(workspace, dest, basename(src)) : join(workspace, dest);
        mkdirSync(dirname(to), { recursive: true });
        cpSync(join(project, src), to);
        copied.push(src);
      }
    }
    expect(copied).toContain(`vendor/${TARBALL}`);
    sh(dockerfile[ci]!.slice("RUN ".length), workspace);
    expect(readdirSync(join(workspace, "node_modules", "kubebuilder-ts"))).toContain("dist");
  }, STEP_TIMEOUT);
});
