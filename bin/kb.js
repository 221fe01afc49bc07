#!/usr/bin/env node
// The `kb` entry: load the built CLI (bundled by npm run build into dist/kb/) and hand it the
// arguments. First, where Node has a compile cache (22.1 and later), turn it on: most of kb's
// start-up is compiling JavaScript (prettier's plugins, the TypeScript compiler). Then start
// loading, on other threads, the slowest modules this run will need: the TypeScript compiler
// (for the kb generate that `kb create` runs) and prettier's YAML and Markdown plugins.
import module from "node:module";
import v8 from "node:v8";

const argv = process.argv.slice(2);

// kb init is short and does the same work every time: V8's optimizing compiler spends more on
// it than it saves (a fifth of kb init on two cores), so it runs without it (on every thread:
// V8's flags are per process). Commands that run kb generate keep it: its work grows with the
// project (without it, 500 kinds take 30% longer). Set before anything else is loaded.
if (argv[0] === "init") v8.setFlagsFromString("--no-opt");

module.enableCompileCache?.();
const { startGeneratorEarly, startFormatterEarly } = await import("../dist/kb/early-workers.js");
startGeneratorEarly(argv);
startFormatterEarly(argv);
const { main } = await import("../dist/kb/cli.js");
process.exitCode = await main(argv);
