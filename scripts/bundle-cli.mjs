// The second half of `npm run build`: bundles the `kb` command line (already compiled to
// dist/ by tsc) into dist/kb/, so that `kb` loads a few files instead of about a hundred
// modules. On Node 20, resolving and compiling many small ES modules is a tenth of a second
// of every `kb init`. The library entry points (kubebuilder-ts, /runtime, /testing) stay the
// unbundled dist/ files.
//
// Bundled: kb's own code and the small libraries only the CLI uses (commander, ejs, yaml).
// Left as imports: every other dependency (prettier, the TypeScript compiler, CEL, the
// Kubernetes client...), which load lazily or are shared with the runtime.
// The worker threads' entries are bundled beside the CLI, flat in one folder with their
// shared chunks, because the code that starts them finds them next to itself.
import { rmSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const outdir = join(root, "dist/kb");
const BUNDLED = new Set(["commander", "ejs", "yaml"]);
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const external = Object.keys(pkg.dependencies)
  .filter((d) => !BUNDLED.has(d))
  .flatMap((d) => [d, `${d}/*`]);

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    "early-workers": join(root, "dist/cli/early-workers.js"),
    cli: join(root, "dist/cli/main.js"),
    "format-worker": join(root, "dist/scaffolder/machinery/format-worker.js"),
    "generator-worker": join(root, "dist/generator/generator-worker.js"),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  external,
  chunkNames: "[name]-[hash]",
  // The bundled CommonJS libraries require Node's built-in modules.
  banner: { js: 'import { createRequire as __kbCreateRequire } from "node:module";\nconst require = __kbCreateRequire(import.meta.url);' },
  legalComments: "inline",
  logLevel: "warning",
});
