import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import type { ts } from "ts-morph";

/**
 * The TypeScript compiler API the loader parses with: the copy ts-morph ships, in its
 * dependency @ts-morph/common. Its `dist/typescript.js` is loaded directly, not through
 * ts-morph or @ts-morph/common's index: those add 4 MB of wrappers (and minimatch and a glob
 * library) that the loader never calls, about 0.1 s per run.
 */
const COMPILER_FILE = join(dirname(createRequire(createRequire(import.meta.url).resolve("ts-morph")).resolve("@ts-morph/common")), "typescript.js");

/**
 * Compiling the compiler's 9 MB of JavaScript is most of what loading it costs (about
 * 0.25 s of 0.4 s on Node 20), and Node 20 has no compile cache. So it is compiled here with
 * a V8 code cache kept in the user's temporary directory: the first run writes it (see
 * {@link saveCompilerCache}), later runs start from it. Hand-written rather than taken from
 * v8-compile-cache because that package hooks every `require` in the process and hashes each
 * source file (50 ms more on this one); where Node has `module.enableCompileCache` (22.1 and
 * later), the `kb` entry turns Node's own cache on and the compiler is required as usual.
 * A cache that V8 rejects (another V8, other flags, damaged) is rewritten.
 */
function loadCompiler(): { compiler: typeof ts; script?: Script; cacheFile?: string } {
  const require = createRequire(COMPILER_FILE);
  const nodeCache = (Module as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir?.();
  const cacheDir = nodeCache === undefined ? privateCacheDir() : undefined;
  if (cacheDir === undefined) return { compiler: require(COMPILER_FILE) as typeof ts };
  // V8 checks a cache against its own version and flags, but the source only by its length:
  // the name holds what identifies the compiler's file (the version of the package that ships it).
  const { version } = JSON.parse(readFileSync(join(dirname(COMPILER_FILE), "../package.json"), "utf8")) as { version: string };
  const size = statSync(COMPILER_FILE).size;
  const cacheFile = join(cacheDir, `typescript-${process.version}-${process.arch}-ts-morph-common-${version}-${size}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: this run compiles from source and writes one.
  }
  const source = readFileSync(COMPILER_FILE, "utf8");
  const script = new Script(Module.wrap(source), { filename: COMPILER_FILE, cachedData });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, COMPILER_FILE, dirname(COMPILER_FILE));
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  return { compiler: module.exports as typeof ts, ...(fresh ? { script, cacheFile } : {}) };
}

/** A directory under the temporary directory that only this user can write, or undefined. */
function privateCacheDir(): string | undefined {
  try {
    const { uid } = userInfo();
    const dir = join(tmpdir(), `kubebuilder-ts-${uid}`, "compile-cache");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const owner = statSync(join(dir, "..")).uid;
    // Someone else's directory could hold a planted cache: compile from source instead.
    return uid === -1 || owner === uid ? dir : undefined;
  } catch {
    return undefined;
  }
}

const loaded = loadCompiler();

/** The TypeScript compiler API. */
export const compiler: typeof ts = loaded.compiler;

/** The compiler's node kinds. */
export const SyntaxKind: typeof ts.SyntaxKind = compiler.SyntaxKind;

/**
 * Writes the compiler's code cache when this run compiled it from source. Called after a
 * generation, so the cache also holds the parser functions V8 compiled lazily while parsing.
 * Written to a temporary name and renamed, so a concurrent run never reads half a file; a
 * failure to write only means the next run compiles from source again.
 */
export function saveCompilerCache(): void {
  const { script, cacheFile } = loaded;
  if (!script || !cacheFile) return;
  loaded.script = undefined;
  try {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, cacheFile);
  } catch {
    // Best effort: see above.
  }
}
