#!/usr/bin/env node
// The `kb` entry: load the built CLI and hand it the arguments. The one thing done first is
// to start loading, on other threads, the slowest modules this run will need: the TypeScript
// compiler (for the kb generate that `kb create` runs) and prettier's YAML and Markdown plugins.
import { startGeneratorEarly } from "../dist/generator/generate-async.js";
import { startFormatterEarly } from "../dist/scaffolder/machinery/format-files.js";

const argv = process.argv.slice(2);
startGeneratorEarly(argv);
startFormatterEarly(argv);
const { main } = await import("../dist/cli/main.js");
process.exitCode = await main(argv);
