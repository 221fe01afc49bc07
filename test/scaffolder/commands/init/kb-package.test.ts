import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KbError } from "../../../../src/diagnostics/index.js";
import { detectKbSource, kbDependencySpec, kbPackageFor, kbSourceFromFlag, kbTarball, packageFiles, tarballPackageJson } from "../../../../src/scaffolder/commands/init/kb-package.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "kb-source-"));
  made.push(dir);
  return dir;
}

/** A folder holding a package.json of `name`@`version`. */
function packageDir(dir: string, name = "kubebuilder-ts", version = "0.1.0"): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version }));
  return dir;
}

/** An npm-style tarball (package/package.json) of `name`@`version`, made with tar. */
function fakeTarball(into: string, name = "kubebuilder-ts", version = "9.9.9"): string {
  const staging = join(into, `staging-${name}-${version}`);
  packageDir(join(staging, "package"), name, version);
  writeFileSync(join(staging, "package", "README.md"), "a package\n");
  const file = join(into, `${name}-${version}.tgz`);
  const r = spawnSync("tar", ["czf", file, "-C", staging, "package"], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return file;
}

/** An installed kubebuilder-ts in `<tree>/node_modules`, with npm's hidden lockfile saying it came from `resolved`. */
function installedIn(tree: string, resolved: string | undefined): string {
  const pkg = packageDir(join(tree, "node_modules", "kubebuilder-ts"));
  if (resolved !== undefined) {
    writeFileSync(join(tree, "node_modules", ".package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/kubebuilder-ts": { version: "0.1.0", resolved } } }));
  }
  return pkg;
}

describe("where kb was installed from decides where a project's kubebuilder-ts comes from", () => {
  it("kb run from its TypeScript sources (its own tests) gives the registry's range", () => {
    expect(detectKbSource(packageDir(join(temp(), "checkout")), true).source).toEqual({ kind: "registry" });
  });

  it("a checkout, run directly or through npm link's symlink, is packed", () => {
    const checkout = packageDir(join(temp(), "kubebuilder-ts"));
    expect(detectKbSource(checkout, false).source).toEqual({ kind: "directory", path: checkout });
    // npm link: <prefix>/lib/node_modules/kubebuilder-ts is a symlink to the checkout.
    const prefix = temp();
    mkdirSync(join(prefix, "lib", "node_modules"), { recursive: true });
    symlinkSync(checkout, join(prefix, "lib", "node_modules", "kubebuilder-ts"));
    expect(detectKbSource(join(prefix, "lib", "node_modules", "kubebuilder-ts"), false).source).toEqual({ kind: "directory", path: checkout });
  });

  it("installed from a registry (npm's lockfile has its URL): the registry's range", () => {
    const tree = temp();
    const detected = detectKbSource(installedIn(tree, "https://registry.npmjs.org/kubebuilder-ts/-/kubebuilder-ts-0.1.0.tgz"), false);
    expect(detected.source).toEqual({ kind: "registry" });
    expect(detected.why).toContain("registry");
  });

  it("installed from a tarball that is still there: that tarball; gone, or no lockfile: the installed package, packed", () => {
    const tree = temp();
    const tarball = fakeTarball(tree, "kubebuilder-ts", "0.1.0");
    expect(detectKbSource(installedIn(tree, "file:kubebuilder-ts-0.1.0.tgz"), false).source).toEqual({ kind: "tarball", path: tarball });
    const gone = temp();
    const pkg = installedIn(gone, "file:../elsewhere/kubebuilder-ts-0.1.0.tgz");
    expect(detectKbSource(pkg, false).source).toEqual({ kind: "directory", path: pkg });
    // A global install (npm keeps no lockfile there).
    const global = temp();
    const globalPkg = installedIn(join(global, "lib"), undefined);
    expect(detectKbSource(globalPkg, false).source).toEqual({ kind: "directory", path: globalPkg });
  });
});

describe("--kb-source", () => {
  it("takes registry, a kubebuilder-ts tarball or a kubebuilder-ts folder, relative to the working directory", () => {
    const dir = temp();
    fakeTarball(dir);
    packageDir(join(dir, "checkout"));
    expect(kbSourceFromFlag("registry", dir)).toEqual({ kind: "registry" });
    expect(kbSourceFromFlag("kubebuilder-ts-9.9.9.tgz", dir)).toEqual({ kind: "tarball", path: join(dir, "kubebuilder-ts-9.9.9.tgz") });
    expect(kbSourceFromFlag("checkout", dir)).toEqual({ kind: "directory", path: join(dir, "checkout") });
  });

  it("refuses a path that is not there, a folder of another package, and a tarball of another package", () => {
    const dir = temp();
    expect(() => kbSourceFromFlag("nowhere.tgz", dir)).toThrow(/--kb-source nowhere\.tgz: .*nowhere\.tgz does not exist/);
    packageDir(join(dir, "other"), "left-pad");
    expect(() => kbSourceFromFlag("other", dir)).toThrow(/is the package left-pad, not kubebuilder-ts/);
    const other = fakeTarball(dir, "left-pad", "1.0.0");
    expect(() => kbPackageFor(kbSourceFromFlag(other, dir), "0.1.0")).toThrow(KbError);
    expect(() => kbPackageFor({ kind: "tarball", path: other }, "0.1.0")).toThrow(/the package left-pad, not kubebuilder-ts/);
    writeFileSync(join(dir, "junk.tgz"), "not gzip");
    expect(() => kbPackageFor({ kind: "tarball", path: join(dir, "junk.tgz") }, "0.1.0")).toThrow(/not an npm package tarball/);
  });
});

describe("the dependency a project gets", () => {
  it("the registry's caret range of kb's version, or the tarball in vendor/ named as npm pack names it (its own version)", () => {
    const dir = temp();
    const tarball = fakeTarball(dir, "kubebuilder-ts", "9.9.9");
    expect(kbDependencySpec(kbPackageFor({ kind: "registry" }, "0.1.0"))).toBe("^0.1.0");
    const vendored = kbPackageFor({ kind: "tarball", path: tarball }, "0.1.0");
    expect(vendored).toEqual({ kind: "vendored", version: "9.9.9", file: "vendor/kubebuilder-ts-9.9.9.tgz" });
    expect(kbDependencySpec(vendored)).toBe("file:vendor/kubebuilder-ts-9.9.9.tgz");
    expect(kbPackageFor({ kind: "directory", path: packageDir(join(dir, "co"), "kubebuilder-ts", "0.2.0") }, "0.1.0")).toEqual({
      kind: "vendored",
      version: "0.2.0",
      file: "vendor/kubebuilder-ts-0.2.0.tgz",
    });
  });

  it("reads a tarball's package.json without unpacking it", () => {
    const tarball = fakeTarball(temp(), "kubebuilder-ts", "3.2.1");
    expect(tarballPackageJson(readFileSync(tarball))).toEqual({ name: "kubebuilder-ts", version: "3.2.1" });
  });
});

describe("packing a kubebuilder-ts folder", () => {
  /** A built checkout: package.json's `files`, and what npm leaves out. */
  function checkout(root: string): string {
    const dir = join(root, "kubebuilder-ts");
    mkdirSync(join(dir, "dist", "a-folder-whose-name-is-long-enough-that-the-whole-path-passes-the-hundred-bytes-of-a-tar-name"), { recursive: true });
    mkdirSync(join(dir, "bin"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "kubebuilder-ts", version: "0.3.0", files: ["bin", "dist", "README.md"] }));
    writeFileSync(join(dir, "README.md"), "readme\n");
    writeFileSync(join(dir, "LICENSE"), "licence\n");
    writeFileSync(join(dir, "bin", "kb.js"), "#!/usr/bin/env node\n", { mode: 0o755 });
    writeFileSync(join(dir, "dist", "index.js"), "export {};\n");
    writeFileSync(join(dir, "dist", "a-folder-whose-name-is-long-enough-that-the-whole-path-passes-the-hundred-bytes-of-a-tar-name", "file.js"), "x\n");
    writeFileSync(join(dir, "dist", ".DS_Store"), "");
    writeFileSync(join(dir, "src", "index.ts"), "export {};\n");
    return dir;
  }

  it("packs what npm pack packs: `files`, package.json, README and licence; not the sources", () => {
    const dir = checkout(temp());
    expect(packageFiles(dir)).toEqual([
      "LICENSE",
      "README.md",
      "bin/kb.js",
      "dist/a-folder-whose-name-is-long-enough-that-the-whole-path-passes-the-hundred-bytes-of-a-tar-name/file.js",
      "dist/index.js",
      "package.json",
    ]);
  });

  it("gives a tarball tar and npm read, the same bytes every time, with the executable bit kept", () => {
    const root = temp();
    const dir = checkout(root);
    const tgz = kbTarball({ kind: "directory", path: dir });
    expect(kbTarball({ kind: "directory", path: dir }).equals(tgz)).toBe(true);
    expect(tarballPackageJson(tgz)).toMatchObject({ name: "kubebuilder-ts", version: "0.3.0" });
    writeFileSync(join(root, "packed.tgz"), tgz);
    const listed = spawnSync("tar", ["tzvf", join(root, "packed.tgz")], { encoding: "utf8" });
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^-rwxr-xr-x .* package\/bin\/kb\.js$/m);
    expect(listed.stdout).toContain("package/dist/a-folder-whose-name-is-long-enough-that-the-whole-path-passes-the-hundred-bytes-of-a-tar-name/file.js");
    expect(listed.stdout).not.toContain("src/");
  });

  it("refuses a checkout that is not built", () => {
    const dir = checkout(temp());
    rmSync(join(dir, "dist"), { recursive: true });
    expect(() => kbTarball({ kind: "directory", path: dir })).toThrow(/not built \(no dist\/index\.js\)/);
  });
});
