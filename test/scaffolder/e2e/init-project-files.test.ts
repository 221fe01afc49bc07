// The project files kb init writes outside config/ and src/, rendered in memory (no npm, no
// disk): the fast check of what scaffolded-project.test.ts proves end to end.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planInit, type InitRequest } from "../../../src/scaffolder/commands/init/plan-init.js";
import { applyPlan } from "../../../src/scaffolder/machinery/apply-plan.js";
import { VirtualTree } from "../../../src/tree/index.js";

const ROOT = "/virtual/memcached-operator";
const OWN = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { dependencies: Record<string, string> };

async function init(overrides: Partial<InitRequest> = {}): Promise<(path: string) => string> {
  const req: InitRequest = {
    domain: "example.com",
    projectName: "memcached-operator",
    multigroup: false,
    namespaced: false,
    kbVersion: "1.2.3",
    owner: "",
    license: "apache2",
    year: 2025,
    ...overrides,
  };
  const tree = new VirtualTree(ROOT, false);
  await applyPlan(planInit(req), tree);
  return (path) => {
    const text = tree.read(path);
    if (text === undefined) throw new Error(`kb init wrote no ${path}`);
    return text;
  };
}

interface PackageJson {
  name: string;
  type: string;
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

describe("kb init's project files", () => {
  it("package.json: an ESM package on kubebuilder-ts with the npm scripts of issue 4, and no `install` lifecycle script", async () => {
    const file = await init();
    const pkg = JSON.parse(file("package.json")) as PackageJson;
    expect(pkg.name).toBe("memcached-operator");
    expect(pkg.type).toBe("module");
    // Node 24, the LTS line the Dockerfile's images and the CI workflows run (its first LTS release, 24.11).
    expect(pkg.engines.node).toBe(">=24.11.0");
    expect(pkg.devDependencies["@types/node"]).toMatch(/^\^24\./);
    // Projects run on Node 24, where client-node 2.x runs (it needs Node 22.19): one copy, shared with kubebuilder-ts.
    expect(pkg.dependencies).toEqual({ "@kubernetes/client-node": "^2.0.2", "kubebuilder-ts": "^1.2.3" });
    for (const script of ["build", "bundle", "test", "lint", "format", "manifests", "run", "docker-build", "docker-push", "docker-buildx", "deploy", "undeploy", "build-installer", "install:crds", "uninstall:crds", "test:e2e"]) {
      expect(pkg.scripts, script).toHaveProperty([script]);
    }
    // npm runs these by itself during npm install / npm publish.
    for (const hook of ["install", "preinstall", "postinstall", "uninstall", "prepare"]) expect(pkg.scripts).not.toHaveProperty([hook]);
    expect(pkg.scripts.manifests).toBe("kb generate");
    expect(pkg.scripts.run).toContain("ENABLE_WEBHOOKS=false");
    expect(pkg.scripts.run).toContain("dist/src/main.js");
    expect(pkg.scripts.deploy).toContain("image: controller:latest");
    // kubebuilder's make build-installer: fresh manifests, config/default with $IMG, in dist/install.yaml.
    expect(pkg.scripts["build-installer"]).toMatch(/^npm run manifests && .*kubectl kustomize config\/default \| sed "s\|image: controller:latest\|image: \$\{IMG:-controller:latest\}\|" > dist\/install\.yaml$/);
    expect(pkg.scripts["test:e2e"]).toContain("test/e2e/vitest.config.ts");
    // The project's prettier is the one kb formats its files with, so `prettier --check` agrees.
    expect(pkg.devDependencies.prettier).toBe(OWN.dependencies.prettier);
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(["@eslint/js", "@jridgewell/sourcemap-codec", "@types/node", "esbuild", "eslint", "prettier", "typescript", "typescript-eslint", "vitest"]);
  });

  it("package.json: npm run bundle runs hack/bundle.js, which makes the image's one-file manager with esbuild, a development dependency", async () => {
    const file = await init();
    const pkg = JSON.parse(file("package.json")) as PackageJson;
    expect(pkg.scripts.bundle).toBe("node hack/bundle.js");
    // Not a dependency: the image holds the bundle, never node_modules.
    expect(pkg.dependencies).not.toHaveProperty(["esbuild"]);
    expect(pkg.devDependencies.esbuild).toMatch(/^\^0\.\d+\.\d+$/);
    const script = file("hack/bundle.js");
    expect(script).toContain('import { build } from "esbuild";');
    for (const option of ['entryPoints: ["src/main.ts"]', 'outfile: "dist/manager.mjs"', "bundle: true", 'platform: "node"', 'format: "esm"', 'target: "node24"', 'sourcemap: "linked"', "external: []"]) {
      expect(script).toContain(option);
    }
    // The licence header, as the sources have it.
    expect(script.startsWith("/*\n * Copyright 2025.\n")).toBe(true);
    // The build context lets it in; the image builds the bundle after the type check.
    expect(file(".dockerignore").split("\n")).toContain("!hack/bundle.js");
    expect(file("Dockerfile")).toMatch(/^RUN npm run build && npm run bundle$/m);
  });

  it("tsconfig.json type-checks everything; tsconfig.build.json emits api and src without tests", async () => {
    const file = await init();
    const base = JSON.parse(file("tsconfig.json")) as { compilerOptions: Record<string, unknown>; include: string[] };
    expect(base.compilerOptions).toMatchObject({ strict: true, module: "NodeNext", moduleResolution: "NodeNext", noEmit: true, outDir: "dist", rootDir: "." });
    expect(base.include).toEqual(expect.arrayContaining(["api", "src", "test"]));
    const build = JSON.parse(file("tsconfig.build.json")) as { extends: string; compilerOptions: Record<string, unknown>; include: string[]; exclude: string[] };
    expect(build).toMatchObject({ extends: "./tsconfig.json", compilerOptions: { noEmit: false }, include: ["api", "src"], exclude: ["**/*.test.ts"] });
    // What Node 24 runs natively: no down-levelling, and its built-ins (Promise.try, iterator helpers, Set methods) typed.
    expect(base.compilerOptions.target).toBe("ES2024");
    expect(base.compilerOptions.lib).toEqual(["ES2024", "ESNext.Array", "ESNext.Collection", "ESNext.Error", "ESNext.Iterator", "ESNext.Promise"]);
  });

  it("eslint.config.js: typescript-eslint's type-checked rules on the TypeScript, with type information from the project's tsconfig", async () => {
    const eslint = (await init())("eslint.config.js");
    expect(eslint).toContain("tseslint.configs.recommendedTypeChecked,");
    expect(eslint).not.toContain("tseslint.configs.recommended,");
    expect(eslint).toContain("parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }");
    // The config file itself is JavaScript in no tsconfig: the type-checked rules are off there.
    expect(eslint).toMatch(/files: \["\*\*\/\*\.js"\],\s+extends: \[tseslint\.configs\.disableTypeChecked\]/);
  });

  it("Dockerfile: a Node 24 build stage on the build platform and a non-root distroless Node 24 stage holding the bundle only, both pinned by digest", async () => {
    const file = await init();
    const docker = file("Dockerfile");
    // Tag and digest: the tag for readers, the digest for the bytes.
    expect(docker).toMatch(/^FROM --platform=\$BUILDPLATFORM node:24-trixie-slim@sha256:[0-9a-f]{64} AS builder$/m);
    expect(docker).toMatch(/^RUN npm ci\b/m);
    expect(docker).toMatch(/^RUN npm run build && npm run bundle$/m);
    // Distroless builds Node images on Debian 13 (trixie) only; the builder above is trixie too.
    expect(docker).toMatch(/^FROM gcr\.io\/distroless\/nodejs24-debian13:nonroot@sha256:[0-9a-f]{64}$/m);
    // The runtime stage takes the bundle and its source map, and no node_modules.
    const copies = docker.split("\n").filter((l) => l.startsWith("COPY --from=builder"));
    expect(copies).toEqual(["COPY --from=builder /workspace/dist/manager.mjs /workspace/dist/manager.mjs.map ./"]);
    expect(docker).toMatch(/^USER 65532:65532$/m);
    expect(docker).toMatch(/^ENTRYPOINT \["\/nodejs\/bin\/node", "--enable-source-maps", "manager\.mjs"\]$/m);
    expect(docker).not.toMatch(/^CMD /m);
    // Why a bundle, said where the reader looks.
    expect(docker).toContain("Why a bundle:");
    // The licence header, as # comments.
    expect(docker.startsWith("# Copyright 2025.\n")).toBe(true);
  });

  it("a vendored kubebuilder-ts: package.json depends on the tarball in vendor/, which the image build copies in before npm ci", async () => {
    const file = await init({ kbPackage: { kind: "vendored", version: "1.2.3", file: "vendor/kubebuilder-ts-1.2.3.tgz" } });
    const pkg = JSON.parse(file("package.json")) as PackageJson;
    expect(pkg.dependencies["kubebuilder-ts"]).toBe("file:vendor/kubebuilder-ts-1.2.3.tgz");
    const docker = file("Dockerfile").split("\n");
    const copy = docker.indexOf("COPY vendor/kubebuilder-ts-1.2.3.tgz vendor/kubebuilder-ts-1.2.3.tgz");
    expect(copy, file("Dockerfile")).toBeGreaterThan(0);
    expect(copy).toBeLessThan(docker.findIndex((l) => l.startsWith("RUN npm ci")));
    expect(file(".dockerignore").split("\n")).toContain("!vendor/*.tgz");
    // From the registry, nothing to copy: a COPY of a missing file would fail the build.
    expect((await init())("Dockerfile")).not.toMatch(/vendor/);
  });

  it("ignore files: prettier skips what kb generate writes; the image build context holds only sources and manifests", async () => {
    const file = await init();
    const prettierIgnore = file(".prettierignore").split("\n");
    for (const p of ["dist", "config/crd/bases", "config/rbac/role.yaml", "config/webhook/manifests.yaml"]) expect(prettierIgnore).toContain(p);
    const dockerIgnore = file(".dockerignore").split("\n");
    expect(dockerIgnore).toEqual(expect.arrayContaining(["**", "!package.json", "!package-lock.json", "!api/**", "!src/**", "**/*.test.ts"]));
    expect(file(".gitignore")).toMatch(/^node_modules\/$/m);
    expect(JSON.parse(file(".prettierrc.json"))).toEqual({ printWidth: 100 });
  });

  it("CI workflows: tests with kb generate --check, lint, and e2e on kind against the deployed manager", async () => {
    const file = await init();
    expect(file(".github/workflows/test.yml")).toContain("npx kb generate --check");
    expect(file(".github/workflows/test.yml")).toContain("npm test");
    expect(file(".github/workflows/lint.yml")).toContain("npm run lint");
    // Node 24, the engines minimum, everywhere; the tests also on the next LTS line.
    expect(file(".github/workflows/test.yml")).toContain("node-version: [24.x, 26.x]");
    expect(file(".github/workflows/lint.yml")).toContain("node-version: 24.x");
    const e2e = file(".github/workflows/test-e2e.yml");
    for (const step of ["helm/kind-action", "kind load docker-image", "cert-manager", "npm run deploy", "npm run test:e2e", 'USE_EXISTING_CLUSTER: "true"']) expect(e2e).toContain(step);
    expect(e2e).toContain("memcached-operator-system");
    expect(e2e).toContain("node-version: 24.x");
    for (const workflow of ["test.yml", "lint.yml", "test-e2e.yml"]) expect(file(`.github/workflows/${workflow}`)).not.toMatch(/\b20\.x\b/);
  });

  it("test/e2e names the objects config/default deploys, and skips without USE_EXISTING_CLUSTER", async () => {
    const file = await init();
    const test = file("test/e2e/manager.test.ts");
    expect(test).toContain('const namespace = "memcached-operator-system"');
    expect(test).toContain('const metricsService = "memcached-operator-controller-manager-metrics-service"');
    expect(test).toContain("describe.skipIf(!useExistingCluster)");
    expect(file("test/e2e/vitest.config.ts")).toContain('include: ["test/e2e/**/*.test.ts"]');
    expect(file("vitest.config.ts")).toContain('include: ["{api,src}/**/*.test.ts"]');
  });

  it("README: the project's name, its scripts, the kb commands and the licence", async () => {
    const readme = (await init())("README.md");
    expect(readme.startsWith("# memcached-operator\n")).toBe(true);
    for (const s of ["npm install", "npm test", "npm run install:crds", "npm run deploy", "npm run build-installer", "dist/install.yaml", "Node.js 24.11 or later", "npx kb create api", "## License"]) expect(readme).toContain(s);
    expect(readme).not.toContain("WATCH_NAMESPACE");
    const namespaced = (await init({ namespaced: true }))("README.md");
    expect(namespaced).toContain("WATCH_NAMESPACE");
    const unlicensed = (await init({ license: "none" }))("README.md");
    expect(unlicensed).not.toContain("## License");
  });

  it("writes the same bytes every time", async () => {
    const [a, b] = [await init(), await init()];
    for (const p of ["package.json", "README.md", "Dockerfile", "test/e2e/manager.test.ts", ".github/workflows/test-e2e.yml"]) expect(a(p)).toBe(b(p));
  });
});
