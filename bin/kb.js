#!/usr/bin/env node
// The `kb` entry: load the built CLI (bundled by npm run build into dist/kb/) and hand it the
// arguments. First, where Node has a compile cache (22.1 and later), turn it on: most of kb's
// start-up is compiling JavaScript (prettier's plugins, the TypeScript compiler). Then start
// loading, on other threads, the slowest modules this run will need: the TypeScript compiler
// (for the kb generate that `kb create` runs) and prettier's YAML and Markdown plugins.
import module from "node:module";

module.enableCompileCache?.();
const { startGeneratorEarly, startFormatterEarly } = await import("../dist/kb/early-workers.js");

const argv = process.argv.slice(2);
startGeneratorEarly(argv);
startFormatterEarly(argv);
const { main } = await import("../dist/kb/cli.js");
process.exitCode = await main(argv);
