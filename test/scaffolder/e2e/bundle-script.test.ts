// The scaffolded hack/bundle.js (npm run bundle) run with kb's own esbuild on a small project:
// a TypeScript entry point, a CommonJS library in node_modules that requires a Node built-in,
// and a stand-in kubebuilder-ts. What a user relies on: the bundle runs alone (no node_modules
// beside it), and with --enable-source-maps its stack traces name the project's TypeScript and
// kubebuilder-ts's files, while library frames name the bundle (their mappings are left out).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planInit } from "../../../src/scaffolder/commands/init/plan-init.js";
import { applyPlan } from "../../../src/scaffolder/machinery/apply-plan.js";
import { VirtualTree } from "../../../src/tree/index.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "op", private: true, type: "module" }),
  "src/main.ts": [
    'import { hostname } from "lib-a";',
    'import { fail } from "kubebuilder-ts/runtime";',
    "",
    "function ownFailure(what: string): never {",
    "  throw new Error(`own ${what}`);",
    "}",
    "",
    "const which: string = process.argv[2] ?? \"\";",
    "try {",
    '  if (which === "own") ownFailure("failure");',
    '  else if (which === "kb") fail();',
    '  else if (which === "lib") hostname(true);',
    "  else console.log(`ok ${hostname(false)}`);",
    "} catch (err) {",
    "  console.log((err as Error).stack);",
    "}",
    "",
  ].join("\n"),
  "node_modules/lib-a/package.json": JSON.stringify({ name: "lib-a", version: "1.0.0", main: "index.js" }),
  "node_modules/lib-a/index.js": [
    '"use strict";',
    'const os = require("node:os");',
    "exports.hostname = function hostname(broken) {",
    '  if (broken) throw new Error("library failure");',
    "  return typeof os.hostname();",
    "};",
    "",
  ].join("\n"),
  "node_modules/kubebuilder-ts/package.json": JSON.stringify({ name: "kubebuilder-ts", type: "module", exports: { "./runtime": "./dist/runtime/index.js" } }),
  "node_modules/kubebuilder-ts/dist/runtime/index.js": ['export function fail() {', '  throw new Error("runtime failure");', "}", ""].join("\n"),
};

describe("hack/bundle.js (npm run bundle)", () => {
  let project: string;
  let image: string;

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), "kb-bundle-"));
    project = join(work, "op");
    const tree = new VirtualTree("/virtual/op", false);
    await applyPlan(planInit({ domain: "example.com", projectName: "op", multigroup: false, namespaced: false, kbVersion: "1.2.3", owner: "", license: "apache2", year: 2025 }), tree);
    for (const [path, text] of Object.entries({ ...FILES, "hack/bundle.js": tree.read("hack/bundle.js")! })) {
      mkdirSync(dirname(join(project, path)), { recursive: true });
      writeFileSync(join(project, path), text);
    }
    // kb's own esbuild (a development dependency of kubebuilder-ts, as of the scaffolded project).
    symlinkSync(join(REPO, "node_modules", "esbuild"), join(project, "node_modules", "esbuild"), "dir");
    // and its source-map codec, another development dependency of both.
    mkdirSync(join(project, "node_modules", "@jridgewell"), { recursive: true });
    symlinkSync(join(REPO, "node_modules", "@jridgewell", "sourcemap-codec"), join(project, "node_modules", "@jridgewell", "sourcemap-codec"), "dir");
    const r = spawnSync(process.execPath, ["hack/bundle.js"], { cwd: project, encoding: "utf8" });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    // The image: the bundle and its map, nothing else.
    image = join(work, "image");
    mkdirSync(image);
    for (const f of ["manager.mjs", "manager.mjs.map"]) cpSync(join(project, "dist", f), join(image, f));
  }, 60_000);

  afterAll(() => {
    if (project) rmSync(dirname(project), { recursive: true, force: true });
  });

  const runImage = (arg: string): string => {
    const r = spawnSync(process.execPath, ["--enable-source-maps", "manager.mjs", arg], { cwd: image, encoding: "utf8" });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout;
  };

  it("writes a bundle that runs without node_modules, its CommonJS libraries requiring Node's built-ins", () => {
    expect(runImage("")).toBe("ok string\n");
  });

  it("maps stack frames in the project's TypeScript and in kubebuilder-ts back to their files and lines", () => {
    // The map's paths are relative to it: beside the bundle in the image, they name files one
    // folder up, as they were in the project.
    expect(runImage("own")).toMatch(/^Error: own failure\n\s+at ownFailure \(\S*\/src\/main\.ts:5:9\)\n\s+at \S+ \(\S*\/src\/main\.ts:10:24\)/);
    expect(runImage("kb")).toMatch(/^Error: runtime failure\n\s+at fail \(\S*\/node_modules\/kubebuilder-ts\/dist\/runtime\/index\.js:2:9\)/);
  });

  it("leaves the libraries' code unmapped: their frames name the bundle, and the map lists no library file", () => {
    const stack = runImage("lib");
    expect(stack).toMatch(/^Error: library failure\n\s+at \S*hostname \(\S*\/image\/manager\.mjs:\d+:\d+\)\n\s+at \S+ \(\S*\/src\/main\.ts:12:29\)/);
    expect(stack).not.toContain("lib-a");
    const map = JSON.parse(readFileSync(join(image, "manager.mjs.map"), "utf8")) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.sort()).toEqual(["../node_modules/kubebuilder-ts/dist/runtime/index.js", "../src/main.ts"]);
    expect(map.sourcesContent).toBeUndefined();
  });
});
