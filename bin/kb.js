#!/usr/bin/env node
// The `kb` entry: load the built CLI and hand it the arguments. First, where Node has a
// compile cache (22.1 and later), turn it on: most of kb's start-up is compiling JavaScript
// (prettier's plugins, the TypeScript compiler). Then start loading, on other threads, the
// slowest modules this run will need: the TypeScript compiler (for the kb generate that
// `kb create` runs) and prettier's YAML and Markdown plugins.
import module from "node:module";

module.enableCompileCache?.();
const { startGeneratorEarly } = await import("../dist/generator/generate-async.js");
const { startFormatterEarly } = await import("../dist/scaffolder/machinery/format-files.js");

const argv = process.argv.slice(2);
startGeneratorEarly(argv);
startFormatterEarly(argv);
const { main } = await import("../dist/cli/main.js");
process.exitCode = await main(argv);
