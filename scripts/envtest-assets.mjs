// `npm run envtest:assets`: builds the real Kubernetes components that the tests run against
// (kube-apiserver and etcd, as envtest uses them, controller-gen, the generator kb is
// compared with, and helm, which lints and renders the chart kb scaffolds) from their Go
// modules at pinned versions, into a cache folder outside git, and prints that folder as the
// last line of its output:
//
//   KUBEBUILDER_ASSETS=$(npm run -s envtest:assets | tail -1) npm test
//
// A binary already in the cache at its pinned version is reused, so a second run takes a
// second. Progress goes to stderr; stdout holds only the folder. Exit 2 when Go is missing
// or a build fails, with what to do.
//
// Nothing of the components' source is kept in this repository: each is a small module
// written here (go.mod + at most a three-line main) that the Go command resolves through
// the module proxy. Options: --print-versions (the pinned versions as JSON), --only <name>
// (build one component). The cache root is $KUBEBUILDER_TS_CACHE, else
// $XDG_CACHE_HOME/kubebuilder-ts, else ~/.cache/kubebuilder-ts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The pinned versions. Changing one rebuilds only that component. */
export const VERSIONS = {
  kubernetes: "1.36.3",
  etcd: "3.6.16",
  controllerTools: "0.21.0",
  helm: "4.3.2",
};

const [, kubernetesMinor, kubernetesPatch] = VERSIONS.kubernetes.split(".");

/**
 * Each component: the binary's name, the module written for it, and the package built.
 * kube-apiserver: k8s.io/kubernetes publishes its go.mod with every staging module
 * (k8s.io/api, k8s.io/apiserver, ...) at v0.0.0 replaced by a local folder, so a module that
 * requires it must replace each of them with the published v0.<minor>.<patch> itself.
 */
const COMPONENTS = [
  {
    name: "etcd",
    version: VERSIONS.etcd,
    goMod: () => `module kubebuilder-ts.local/etcd\n\ngo 1.26\n\nrequire go.etcd.io/etcd/server/v3 v${VERSIONS.etcd}\n`,
    files: {
      // etcd's own main (its root module) only calls etcdmain.Main; the root module carries
      // replace directives for its sibling modules, so it cannot be required as is.
      "main.go": 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n',
    },
    pkg: ".",
    ldflags: () => [],
  },
  {
    name: "kube-apiserver",
    version: VERSIONS.kubernetes,
    goMod: () => {
      const staging = stagingModules();
      const replaces = staging.map((m) => `\t${m} => ${m} v0.${kubernetesMinor}.${kubernetesPatch}`).join("\n");
      return `module kubebuilder-ts.local/kube-apiserver\n\ngo 1.26\n\nrequire k8s.io/kubernetes v${VERSIONS.kubernetes}\n\nreplace (\n${replaces}\n)\n`;
    },
    files: { "tools.go": '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' },
    pkg: "k8s.io/kubernetes/cmd/kube-apiserver",
    ldflags: () => {
      // What Kubernetes' own build stamps in; /version reports it, and the API server compares
      // its binary version with the emulated version at start-up.
      const v = "k8s.io/component-base/version";
      return [`-X ${v}.gitVersion=v${VERSIONS.kubernetes}`, `-X ${v}.gitMajor=1`, `-X ${v}.gitMinor=${kubernetesMinor}`, `-X ${v}.gitTreeState=clean`, `-X ${v}.buildDate=1970-01-01T00:00:00Z`];
    },
  },
  {
    name: "controller-gen",
    version: VERSIONS.controllerTools,
    goMod: () => `module kubebuilder-ts.local/controller-gen\n\ngo 1.26\n\nrequire sigs.k8s.io/controller-tools v${VERSIONS.controllerTools}\n`,
    files: { "tools.go": '//go:build tools\n\npackage tools\n\nimport _ "sigs.k8s.io/controller-tools/cmd/controller-gen"\n' },
    pkg: "sigs.k8s.io/controller-tools/cmd/controller-gen",
    ldflags: () => [],
  },
  {
    // The chart tests (`helm lint`, `helm template`) of the helm/v2-alpha plugin.
    name: "helm",
    version: VERSIONS.helm,
    goMod: () => `module kubebuilder-ts.local/helm\n\ngo 1.26\n\nrequire helm.sh/helm/v4 v${VERSIONS.helm}\n`,
    files: { "tools.go": '//go:build tools\n\npackage tools\n\nimport _ "helm.sh/helm/v4/cmd/helm"\n' },
    pkg: "helm.sh/helm/v4/cmd/helm",
    // What Helm's own Makefile stamps in for a tagged release; `helm version` reports it.
    ldflags: () => [`-X helm.sh/helm/v4/internal/version.version=v${VERSIONS.helm}`, "-X helm.sh/helm/v4/internal/version.gitTreeState=clean"],
  },
];

function fail(message) {
  process.stderr.write(`envtest:assets: ${message}\n`);
  process.exit(2);
}

function log(message) {
  process.stderr.write(`envtest:assets: ${message}\n`);
}

/** Runs a command, streaming its output to stderr; fails the script with its output on error. */
function run(command, args, cwd, env) {
  const result = spawnSync(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) fail(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(" ")} in ${cwd} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
  return result.stdout;
}

function cacheRoot() {
  if (process.env.KUBEBUILDER_TS_CACHE) return process.env.KUBEBUILDER_TS_CACHE;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, "kubebuilder-ts");
  return join(homedir(), ".cache", "kubebuilder-ts");
}

let goEnvCache;
function goEnv() {
  if (goEnvCache) return goEnvCache;
  const probe = spawnSync("go", ["env", "-json", "GOPATH", "GOMODCACHE", "GOVERSION"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    fail(
      "Go is not installed (no `go` on PATH). The real-Kubernetes test assets (kube-apiserver, etcd, controller-gen, helm) are built from their Go modules: install Go 1.26 or newer, " +
        "or point KUBEBUILDER_ASSETS at a folder that already holds kube-apiserver and etcd (for example one made by setup-envtest).",
    );
  }
  goEnvCache = JSON.parse(probe.stdout);
  return goEnvCache;
}

/** The k8s.io staging modules that k8s.io/kubernetes's go.mod replaces with local folders. */
function stagingModules() {
  const { GOMODCACHE } = goEnv();
  run("go", ["mod", "download", "-json", `k8s.io/kubernetes@v${VERSIONS.kubernetes}`], cacheRoot(), process.env);
  const goMod = readFileSync(join(GOMODCACHE, "cache", "download", "k8s.io", "kubernetes", "@v", `v${VERSIONS.kubernetes}.mod`), "utf8");
  const modules = [...goMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((m) => m[1]);
  if (modules.length === 0) fail(`found no staging modules in k8s.io/kubernetes v${VERSIONS.kubernetes}'s go.mod`);
  return modules;
}

function build(component, assets) {
  const binary = join(assets, component.name);
  const stamp = join(assets, `.${component.name}.version`);
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === component.version) {
    log(`${component.name} ${component.version}: cached`);
    return;
  }
  const work = join(cacheRoot(), "build", `${component.name}-${component.version}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "go.mod"), component.goMod());
  for (const [name, text] of Object.entries(component.files)) writeFileSync(join(work, name), text);
  const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOWORK: "off" };
  log(`${component.name} ${component.version}: resolving modules`);
  const started = Date.now();
  run("go", ["mod", "tidy"], work, env);
  log(`${component.name} ${component.version}: building (a few minutes for kube-apiserver on two cores)`);
  const partial = `${binary}.partial-${process.pid}`;
  run("go", ["build", "-trimpath", "-ldflags", ["-s", "-w", ...component.ldflags()].join(" "), "-o", partial, component.pkg], work, env);
  renameSync(partial, binary); // atomic: a reader never sees half a binary
  writeFileSync(stamp, `${component.version}\n`);
  rmSync(work, { recursive: true, force: true });
  log(`${component.name} ${component.version}: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

function main(argv) {
  if (argv.includes("--print-versions")) {
    process.stdout.write(`${JSON.stringify(VERSIONS, null, 2)}\n`);
    return;
  }
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  if (onlyAt >= 0 && !COMPONENTS.some((c) => c.name === only)) fail(`--only takes one of ${COMPONENTS.map((c) => c.name).join(", ")}; got ${only ?? "nothing"}`);
  const unknown = argv.filter((a, i) => a.startsWith("-") && a !== "--only" && a !== "--print-versions" && argv[i - 1] !== "--only");
  if (unknown.length > 0) fail(`unknown option ${unknown[0]} (options: --only <component>, --print-versions)`);
  goEnv();
  const assets = join(cacheRoot(), "assets", `k8s-${VERSIONS.kubernetes}`);
  mkdirSync(assets, { recursive: true });
  for (const component of COMPONENTS) if (!only || component.name === only) build(component, assets);
  process.stdout.write(`${assets}\n`);
}

main(process.argv.slice(2));
