// `node scripts/ci-node-client-node.mjs <major>`: the newest @kubernetes/client-node of that major
// version, for CI's runs of the runtime and testing kit against a client-node other than the one
// kb's lockfile pins (scaffolded projects on Node.js 24 pin 2.x; kb's lockfile has 1.4, which
// Node.js 20 needs). It is installed with npm into a cache folder outside git (with its own
// dependencies beside it), never into kb's node_modules, and the package's folder is printed as
// the last line of stdout, for scripts/ci-node-vitest.config.mjs (KB_CLIENT_NODE_DIR):
//
//   KB_CLIENT_NODE_DIR="$(node scripts/ci-node-client-node.mjs 2)" npx vitest run --config scripts/ci-node-vitest.config.mjs test/runtime
//
// Every run asks the registry for the newest release of the major version and installs it when
// the cache holds another. Exit 3 when the registry cannot be reached and nothing is cached (the
// cached release is used when one is), 2 on any other failure. The cache root is the one of
// scripts/ci-node.mjs; the folder is client-node/<major> in it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UNREACHABLE } from "./ci-node.mjs";

const PACKAGE = "@kubernetes/client-node";
const NETWORK_ERROR = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|UND_ERR_CONNECT_TIMEOUT)\b|network request to .* failed|request to .* failed, reason:/;
const NPM_NETWORK_FLAGS = ["--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=10000", "--fetch-timeout=60000"];

function log(message) {
  process.stderr.write(`ci-node-client-node: ${message}\n`);
}

function cacheRoot() {
  if (process.env.KUBEBUILDER_TS_CACHE) return process.env.KUBEBUILDER_TS_CACHE;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, "kubebuilder-ts");
  return join(homedir(), ".cache", "kubebuilder-ts");
}

/** Runs npm; returns stdout, or throws an error whose `code` is UNREACHABLE for a network error, else 2. */
function npm(args, what) {
  const r = spawnSync("npm", [...args, ...NPM_NETWORK_FLAGS], { encoding: "utf8", timeout: 10 * 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: "false" } });
  const output = `${r.stderr ?? ""}${r.stdout ?? ""}`;
  if (r.status === 0) return r.stdout;
  const reason = r.error?.message ?? (output.split("\n").filter((l) => /npm error/.test(l)).slice(0, 3).join("; ") || output.trim().split("\n").slice(-3).join("; "));
  throw Object.assign(new Error(`${what}: ${reason}`), { exitCode: NETWORK_ERROR.test(output) || r.error?.code === "ETIMEDOUT" ? UNREACHABLE : 2 });
}

/** The version of the package installed in `dir`, or undefined. */
function installedVersion(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, "node_modules", PACKAGE, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

/** Returns the folder of the newest `PACKAGE`@`major` (see the top of this file). */
export function clientNodeOfMajor(major) {
  const dir = join(cacheRoot(), "client-node", String(major));
  const cached = installedVersion(dir);
  const packageDir = join(dir, "node_modules", PACKAGE);
  try {
    const out = npm(["view", `${PACKAGE}@^${major}.0.0`, "version", "--json", "--prefer-online"], `asking the npm registry for ${PACKAGE} ${major}.x`);
    const versions = out.trim() === "" ? [] : [JSON.parse(out)].flat();
    const newest = versions.at(-1);
    if (!newest) throw Object.assign(new Error(`the npm registry has no ${PACKAGE} ${major}.x`), { exitCode: 2 });
    if (cached === newest) {
      log(`${PACKAGE} ${newest}, the newest ${major}.x: cached in ${dir}`);
      return packageDir;
    }
    log(`${PACKAGE} ${newest}: installing into ${dir}${cached ? ` (in place of ${cached})` : ""}`);
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, "package.json"), `${JSON.stringify({ private: true })}\n`);
    try {
      npm(["install", "--prefix", partial, "--no-save", "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts", "--engine-strict=false", `${PACKAGE}@${newest}`], `installing ${PACKAGE} ${newest}`);
      if (installedVersion(partial) !== newest) throw Object.assign(new Error(`installing ${PACKAGE} ${newest}: npm did not install it`), { exitCode: 2 });
      const old = `${dir}.old-${process.pid}`;
      if (existsSync(dir)) renameSync(dir, old);
      renameSync(partial, dir);
      rmSync(old, { recursive: true, force: true });
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
    return packageDir;
  } catch (err) {
    if (err.exitCode !== UNREACHABLE) throw err;
    if (cached) {
      log(`${err.message}\nci-node-client-node: the npm registry cannot be reached: using the cached ${PACKAGE} ${cached}`);
      return packageDir;
    }
    throw err;
  }
}

function main(argv) {
  if (argv.length !== 1 || !/^[1-9]\d*$/.test(argv[0])) {
    log(`takes one argument, a major version of ${PACKAGE} such as 2; got ${argv.length === 0 ? "none" : argv.map((a) => JSON.stringify(a)).join(" ")}`);
    return 2;
  }
  try {
    process.stdout.write(`${clientNodeOfMajor(Number(argv[0]))}\n`);
    return 0;
  } catch (err) {
    if (err.exitCode === undefined) throw err;
    log(err.message);
    return err.exitCode;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) process.exitCode = main(process.argv.slice(2));
