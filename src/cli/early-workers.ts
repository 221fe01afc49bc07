// What the `kb` entry loads before the CLI: the two functions that start worker threads
// early (see bin/kb.js), in a module of their own so that loading it stays cheap.
export { startGeneratorEarly } from "../generator/generate-async.js";
export { startFormatterEarly } from "../scaffolder/machinery/format-files.js";
