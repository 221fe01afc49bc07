// `node scripts/ci-node.mjs <major>`: a Node.js of that release line for CI, so that the tests
// that depend on the Node.js version also run on the lines kb and scaffolded projects support.
// It comes from the npm registry's `node` package (each of its versions installs the official
// binary of that Node.js release, from the registry too), installed with npm into a cache
// folder outside git, and the folder that holds its `node` binary is printed as the last line
// of stdout, to put first on PATH:
//
//   PATH="$(node scripts/ci-node.mjs 24):$PATH" npx vitest run test/runtime
//
// Every run asks the registry for the newest release of the line and installs it when the
// cache holds another; a cache that holds it already is used as it is (one registry request).
// Progress goes to stderr. Exit 3, with a note saying so, when the registry cannot be reached
// and the cache holds no release of the line (CI then skips that line), or the cached one
// when it does. Exit 2 on a wrong argument, a line the registry does not have, or an install
// that fails otherwise. The cache root is $KUBEBUILDER_TS_CACHE, else
// $XDG_CACHE_HOME/kubebuilder-ts, else ~/.cache/kubebuilder-ts; each line has its own folder
// node/<major> in it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Exit code when the registry cannot be reached and nothing is cached: the caller skips the line. */
export const UNREACHABLE = 3;

/** npm's network errors: the registry could not be reached (as opposed to an answer that says no). */
const NETWORK_ERROR = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|UND_ERR_CONNECT_TIMEOUT)\b|network request to .* failed|request to .* failed, reason:/;

/** How long npm waits on the registry: a registry that does not answer must not hold CI for long. */
const NPM_NETWORK_FLAGS = ["--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=10000", "--fetch-timeout=60000"];

/** A failure that ends the script with exit code `code` (2, or UNREACHABLE). */
export class Failure extends Error {
  /** @param {string} message @param {number} code */
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

function log(message) {
  process.stderr.write(`ci-node: ${message}\n`);
}

/** The cache root (see the top of this file). */
export function cacheRoot() {
  if (process.env.KUBEBUILDER_TS_CACHE) return process.env.KUBEBUILDER_TS_CACHE;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, "kubebuilder-ts");
  return join(homedir(), ".cache", "kubebuilder-ts");
}

/**
 * The newest version of `major`'s line among `versions` (what `npm view node@<major> version
 * --json` prints: one string, or a list in no useful order), compared numerically; undefined
 * when none is of that line. Pre-releases are left out.
 *
 * @example newestRelease(["24.9.0", "24.21.0", "22.23.3"], 24) // "24.21.0"
 * @param {string | readonly string[]} versions
 * @param {number} major
 * @returns {string | undefined}
 */
export function newestRelease(versions, major) {
  const parts = (v) => v.split(".").map(Number);
  let newest;
  for (const v of typeof versions === "string" ? [versions] : versions) {
    if (!/^\d+\.\d+\.\d+$/.test(v) || parts(v)[0] !== major) continue;
    if (newest === undefined) newest = v;
    else {
      const [a, b] = [parts(v), parts(newest)];
      const i = a.findIndex((n, k) => n !== b[k]);
      if (i >= 0 && a[i] > b[i]) newest = v;
    }
  }
  return newest;
}

/** The version a node binary reports (`v24.21.0`), or undefined when it does not run or is of another line. */
function versionOf(binary, major) {
  if (!existsSync(binary)) return undefined;
  const r = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000 });
  const version = r.status === 0 ? r.stdout.trim() : "";
  return version.startsWith(`v${major}.`) ? version : undefined;
}

/** Runs npm; returns its output, or throws a Failure (UNREACHABLE for a network error). */
export function npm(args, what) {
  const r = spawnSync("npm", [...args, ...NPM_NETWORK_FLAGS], { encoding: "utf8", timeout: 10 * 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: "false" } });
  const output = `${r.stderr ?? ""}${r.stdout ?? ""}`;
  if (r.error) throw new Failure(`${what}: npm ${args.join(" ")}: ${r.error.message}`, r.error.code === "ETIMEDOUT" ? UNREACHABLE : 2);
  if (r.status !== 0) {
    const reason = output.split("\n").filter((l) => /npm error/.test(l)).slice(0, 3).join("; ") || output.trim().split("\n").slice(-3).join("; ");
    throw new Failure(`${what}: ${reason}`, NETWORK_ERROR.test(output) ? UNREACHABLE : 2);
  }
  return r.stdout;
}

/**
 * Installs `spec` with npm into a fresh folder beside `dir`, whose package.json is `manifest`,
 * and puts it in place of `dir` only once `check(folder)` passes (it throws a Failure otherwise):
 * an install that fails leaves `dir` as it was, and nothing beside it.
 * @param {string} dir @param {object} manifest @param {readonly string[]} flags @param {string} spec @param {string} what
 * @param {(folder: string) => void} check
 */
export function installInPlaceOf(dir, manifest, flags, spec, what, check) {
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, "package.json"), `${JSON.stringify(manifest)}\n`);
  try {
    npm(["install", "--prefix", partial, "--no-save", "--no-audit", "--no-fund", "--no-package-lock", ...flags, spec], what);
    check(partial);
    const old = `${dir}.old-${process.pid}`;
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(partial, dir);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Installs node@`version` into `dir` (replacing what is there only once the new binary runs); returns the binary. */
function install(dir, version, major) {
  // The `node` package installs its binary from a preinstall script: allow it (npm 11 asks that
  // dependencies' install scripts be allowed by name).
  installInPlaceOf(dir, { private: true, allowScripts: { node: true } }, [], `node@${version}`, `installing Node.js ${version}`, (partial) => {
    const installed = versionOf(join(partial, "node_modules", "node", "bin", "node"), major);
    if (installed !== `v${version}`) throw new Failure(`installing Node.js ${version}: npm installed the node package, but its bin/node reports ${installed ?? "nothing"}`, 2);
  });
  return join(dir, "node_modules", "node", "bin", "node");
}

/** Returns the folder of a node binary of the `major` line (see the top of this file). */
export function nodeOfLine(major) {
  const dir = join(cacheRoot(), "node", String(major));
  const binary = join(dir, "node_modules", "node", "bin", "node");
  const cached = versionOf(binary, major);
  let newest;
  try {
    const out = npm(["view", `node@${major}`, "version", "--json", "--prefer-online"], `asking the npm registry for the releases of Node.js ${major}`);
    newest = newestRelease(out.trim() === "" ? [] : JSON.parse(out), major);
    if (newest === undefined) throw new Failure(`the npm registry's node package has no release of Node.js ${major}`, 2);
    if (cached === `v${newest}`) {
      log(`Node.js ${newest}, the newest of its line: cached in ${dir}`);
      return dirname(binary);
    }
    log(`Node.js ${newest}: installing from the npm registry into ${dir}${cached ? ` (in place of ${cached})` : ""}`);
    const started = Date.now();
    install(dir, newest, major);
    log(`Node.js ${newest}: installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return dirname(binary);
  } catch (err) {
    if (!(err instanceof Failure) || err.code !== UNREACHABLE) throw err;
    if (cached) {
      log(`${err.message}\nci-node: the npm registry cannot be reached: using the cached Node.js ${cached}, which may not be the newest of its line`);
      return dirname(binary);
    }
    throw new Failure(`${err.message}\nci-node: the npm registry cannot be reached and no Node.js ${major} is cached in ${dir}: the Node.js ${major} tests are skipped`, UNREACHABLE);
  }
}

function main(argv) {
  if (argv.length !== 1 || !/^[1-9]\d*$/.test(argv[0])) {
    log(`takes one argument, a Node.js major version such as 24; got ${argv.length === 0 ? "none" : argv.map((a) => JSON.stringify(a)).join(" ")}`);
    return 2;
  }
  try {
    process.stdout.write(`${nodeOfLine(Number(argv[0]))}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof Failure)) throw err;
    log(err.message);
    return err.code;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) process.exitCode = main(process.argv.slice(2));
