import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { KbError } from "../../../diagnostics/index.js";

/** The package a scaffolded project depends on. */
export const KB_PACKAGE_NAME = "kubebuilder-ts";

/** Where a project's kubebuilder-ts tarball goes, committed with the project. */
export const VENDOR_DIR = "vendor";

/**
 * How a scaffolded project gets kubebuilder-ts, as its package.json says it:
 * - `registry`: `"kubebuilder-ts": "^<version>"`, from the npm registry.
 * - `vendored`: `"kubebuilder-ts": "file:vendor/kubebuilder-ts-<version>.tgz"`, a tarball kept in
 *   the project, so that `npm install` and the image build (whose context is the project) find it.
 */
export type KbPackage =
  | { readonly kind: "registry"; readonly version: string }
  | { readonly kind: "vendored"; readonly version: string; readonly file: string };

/** The `dependencies` value of kubebuilder-ts in a scaffolded package.json. */
export function kbDependencySpec(pkg: KbPackage): string {
  return pkg.kind === "registry" ? `^${pkg.version}` : `file:${pkg.file}`;
}

/**
 * Where the kubebuilder-ts a project depends on comes from:
 * - `registry`: the npm registry (kb itself was installed from one);
 * - `tarball`: a packed kubebuilder-ts (`npm pack`'s `.tgz`), copied into the project;
 * - `directory`: a kubebuilder-ts package folder (a checkout, or an installed copy), packed
 *   with `npm pack` into the project.
 */
export type KbSource =
  | { readonly kind: "registry" }
  | { readonly kind: "tarball"; readonly path: string }
  | { readonly kind: "directory"; readonly path: string };

/** What the detection found, and why, for kb init's output. */
export interface DetectedSource {
  readonly source: KbSource;
  /** e.g. "kb runs from the checkout /src/kubebuilder-ts". */
  readonly why: string;
}

/**
 * How the running kb was installed, from the folder of its package.json:
 * - run from its TypeScript sources (kb's own tests): there is no built package to pack, and
 *   the project gets the registry's range;
 * - a folder outside any `node_modules` (a checkout, `npm link`ed or run as `bin/kb.js`): packed;
 * - inside a `node_modules`: npm's lockfile of that tree (`node_modules/.package-lock.json`, or
 *   `package-lock.json` beside it) says where it was resolved from: an `http(s)` URL is a
 *   registry; a `file:` tarball that is still there is copied; anything else (the tarball is
 *   gone, no lockfile) packs the installed package, which holds what its tarball held.
 * @example
 * ```ts
 * detectKbSource("/usr/lib/node_modules/kubebuilder-ts", false)
 * // { source: { kind: "tarball", path: "/home/me/kubebuilder-ts-0.1.0.tgz" }, why: "kb was installed from /home/me/kubebuilder-ts-0.1.0.tgz" }
 * ```
 */
export function detectKbSource(packageRoot: string, fromSources: boolean): DetectedSource {
  if (fromSources) return { source: { kind: "registry" }, why: "kb runs from its TypeScript sources" };
  const real = realpathSync(packageRoot);
  const parts = real.split(sep);
  if (!parts.includes("node_modules")) return { source: { kind: "directory", path: real }, why: `kb runs from the folder ${real}` };
  // The tree's root: the folder above the outermost node_modules (nested installs share its lockfile).
  const treeRoot = parts.slice(0, parts.indexOf("node_modules")).join(sep) || sep;
  const key = relative(treeRoot, real).split(sep).join("/");
  const resolved = lockedResolved(treeRoot, key);
  if (resolved !== undefined && /^https?:\/\//.test(resolved)) return { source: { kind: "registry" }, why: `kb was installed from the registry (${resolved})` };
  if (resolved?.startsWith("file:")) {
    const tarball = resolve(treeRoot, resolved.slice("file:".length));
    if (isFile(tarball)) return { source: { kind: "tarball", path: tarball }, why: `kb was installed from ${tarball}` };
  }
  return { source: { kind: "directory", path: real }, why: `kb is the package installed in ${real}${resolved ? ` (from ${resolved})` : ""}` };
}

/** `resolved` of the package at `key` (e.g. `node_modules/kubebuilder-ts`) in the tree's lockfiles. */
function lockedResolved(treeRoot: string, key: string): string | undefined {
  for (const file of [join(treeRoot, "node_modules", ".package-lock.json"), join(treeRoot, "package-lock.json")]) {
    try {
      const lock = JSON.parse(readFileSync(file, "utf8")) as { packages?: Record<string, { resolved?: unknown }> };
      const resolved = lock.packages?.[key]?.resolved;
      if (typeof resolved === "string") return resolved;
    } catch {
      // no lockfile there, or not one npm wrote: try the next
    }
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The source `--kb-source` names: `registry`, a `.tgz` file, or a kubebuilder-ts folder
 * (relative paths from `cwd`).
 */
export function kbSourceFromFlag(value: string, cwd: string): KbSource {
  if (value === "registry") return { kind: "registry" };
  const path = resolve(cwd, value);
  if (!existsSync(path)) throw new KbError("kb-source", `--kb-source ${value}: ${path} does not exist`, { hint: KB_SOURCE_HINT });
  if (statSync(path).isDirectory()) {
    readPackageJsonAt(path, `--kb-source ${value}`);
    return { kind: "directory", path };
  }
  return { kind: "tarball", path };
}

const KB_SOURCE_HINT = "--kb-source takes registry, a packed kubebuilder-ts (.tgz, from npm pack) or a kubebuilder-ts folder (a checkout)";

/** The name and version in the package.json of the folder `dir`; throws unless it is kubebuilder-ts. */
function readPackageJsonAt(dir: string, what: string): { version: string } {
  let pkg: { name?: unknown; version?: unknown };
  try {
    pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as typeof pkg;
  } catch (e) {
    throw new KbError("kb-source", `${what}: ${dir} has no readable package.json (${(e as Error).message})`, { hint: KB_SOURCE_HINT });
  }
  if (pkg.name !== KB_PACKAGE_NAME || typeof pkg.version !== "string") {
    throw new KbError("kb-source", `${what}: ${dir} is the package ${String(pkg.name)}, not ${KB_PACKAGE_NAME}`, { hint: KB_SOURCE_HINT });
  }
  return { version: pkg.version };
}

/**
 * The package.json of an npm tarball (`package/package.json` in a gzipped tar), read without
 * unpacking anything else.
 */
export function tarballPackageJson(bytes: Buffer): { name?: unknown; version?: unknown } | undefined {
  const tar = gunzipSync(bytes);
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const body = at + 512;
    if (/^[^/]+\/package\.json$/.test(name)) return JSON.parse(tar.subarray(body, body + size).toString("utf8")) as { name?: unknown; version?: unknown };
    at = body + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** The version in a kubebuilder-ts tarball; throws when it is not one. */
function tarballVersion(path: string): string {
  let pkg: { name?: unknown; version?: unknown } | undefined;
  try {
    pkg = tarballPackageJson(readFileSync(path));
  } catch (e) {
    throw new KbError("kb-source", `${path} is not an npm package tarball (${(e as Error).message})`, { hint: KB_SOURCE_HINT });
  }
  if (pkg?.name !== KB_PACKAGE_NAME || typeof pkg.version !== "string") {
    throw new KbError("kb-source", `${path} is ${pkg ? `the package ${String(pkg.name)}` : "not an npm package tarball"}, not ${KB_PACKAGE_NAME}`, { hint: KB_SOURCE_HINT });
  }
  return pkg.version;
}

/**
 * What the project's package.json says for `source`, found without packing anything (so that
 * `--dry-run` is quick): the registry's range of `kbVersion`, or the vendored tarball's name
 * (`npm pack`'s, `kubebuilder-ts-<version>.tgz`).
 */
export function kbPackageFor(source: KbSource, kbVersion: string): KbPackage {
  if (source.kind === "registry") return { kind: "registry", version: kbVersion };
  const version = source.kind === "tarball" ? tarballVersion(source.path) : readPackageJsonAt(source.path, "kubebuilder-ts").version;
  return { kind: "vendored", version, file: `${VENDOR_DIR}/${KB_PACKAGE_NAME}-${version}.tgz` };
}

/**
 * The bytes of the tarball to vendor: the tarball itself, or the folder packed as `npm pack`
 * packs it (a checkout must be built first: the package holds dist/). Packing is done here, not
 * by spawning npm, which would take seconds of every kb init.
 */
export function kbTarball(source: Exclude<KbSource, { kind: "registry" }>): Buffer {
  if (source.kind === "tarball") return readFileSync(source.path);
  if (!existsSync(join(source.path, "dist", "index.js"))) {
    throw new KbError("kb-source", `${source.path} is a kubebuilder-ts folder that is not built (no dist/index.js)`, { hint: `run npm install (or npm run build) in ${source.path} first` });
  }
  return packFolder(source.path, packageFiles(source.path));
}

/** Names npm never packs, wherever they are. */
const NEVER_PACKED = new Set([".git", "node_modules", ".DS_Store", ".npmrc", "npm-debug.log", "package-lock.json"]);

/**
 * The files of the package in `dir`, relative, sorted, as npm pack chooses them: an installed
 * package (under node_modules) holds just what its tarball held, so all of it; a checkout, what
 * package.json's `files` lists, with package.json and the README and licence files.
 */
export function packageFiles(dir: string): string[] {
  const walk = (rel: string): string[] => {
    const abs = join(dir, rel);
    if (!existsSync(abs)) return [];
    if (!statSync(abs).isDirectory()) return [rel];
    return readdirSync(abs)
      .filter((name) => !NEVER_PACKED.has(name))
      .flatMap((name) => walk(rel ? `${rel}/${name}` : name));
  };
  const installed = realpathSync(dir).split(sep).includes("node_modules");
  const { files } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { files?: string[] };
  const roots = installed || !files ? [""] : [...files.map((f) => f.replace(/^\.?\/+|\/+$/g, "")), "package.json", ...readdirSync(dir).filter((n) => /^(readme|license|licence|notice)(\..*)?$/i.test(n))];
  return [...new Set(roots.flatMap(walk))].sort();
}

/** npm's fixed modification time for packed files (1985-10-26T08:15:00Z), so that the same files give the same tarball. */
const PACK_MTIME = 499162500;

/** A gzipped tar of `files` (relative to `dir`) under `package/`, as npm packs. */
function packFolder(dir: string, files: readonly string[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const body = readFileSync(join(dir, file));
    const executable = (statSync(join(dir, file)).mode & 0o111) !== 0;
    blocks.push(tarHeader(`package/${file}`, body.length, executable ? 0o755 : 0o644), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A ustar header; a long path is split into the prefix and name fields. */
function tarHeader(path: string, size: number, mode: number): Buffer {
  let name = path;
  let prefix = "";
  if (Buffer.byteLength(name) > 100) {
    const at = [...path.matchAll(/\//g)].map((m) => m.index).find((i) => Buffer.byteLength(path.slice(i + 1)) <= 100 && Buffer.byteLength(path.slice(0, i)) <= 155);
    if (at === undefined) throw new KbError("kb-source", `cannot pack ${path}: its path is too long for a tar header`);
    prefix = path.slice(0, at);
    name = path.slice(at + 1);
  }
  const header = Buffer.alloc(512);
  const put = (value: string, offset: number, length: number) => header.write(value, offset, length, "utf8");
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, "0");
  put(name, 0, 100);
  put(octal(mode, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(PACK_MTIME, 12), 136, 12);
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  put(prefix, 345, 155);
  const checksum = header.reduce((sum, b) => sum + b, 0);
  put(`${octal(checksum, 7)}\0 `, 148, 8);
  return header;
}

/** Where kb init says the package came from. */
export function describeSource(source: KbSource): string {
  switch (source.kind) {
    case "registry":
      return "the npm registry";
    case "tarball":
      return `the tarball ${source.path}`;
    case "directory":
      return `${source.path}, packed`;
  }
}
