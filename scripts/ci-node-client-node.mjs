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
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot, Failure, installInPlaceOf, newestRelease, npm, UNREACHABLE } from "./ci-node.mjs";

const PACKAGE = "@kubernetes/client-node";

function log(message) {
  process.stderr.write(`ci-node-client-node: ${message}\n`);
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
    const newest = newestRelease(out.trim() === "" ? [] : JSON.parse(out), major);
    if (!newest) throw new Failure(`the npm registry has no ${PACKAGE} ${major}.x`, 2);
    if (cached === newest) {
      log(`${PACKAGE} ${newest}, the newest ${major}.x: cached in ${dir}`);
      return packageDir;
    }
    log(`${PACKAGE} ${newest}: installing into ${dir}${cached ? ` (in place of ${cached})` : ""}`);
    installInPlaceOf(dir, { private: true }, ["--ignore-scripts", "--engine-strict=false"], `${PACKAGE}@${newest}`, `installing ${PACKAGE} ${newest}`, (partial) => {
      if (installedVersion(partial) !== newest) throw new Failure(`installing ${PACKAGE} ${newest}: npm did not install it`, 2);
    });
    return packageDir;
  } catch (err) {
    if (!(err instanceof Failure) || err.code !== UNREACHABLE) throw err;
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
    if (!(err instanceof Failure)) throw err;
    log(err.message);
    return err.code;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) process.exitCode = main(process.argv.slice(2));
