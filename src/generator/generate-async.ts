import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Diagnostic, DiagnosticList } from "../diagnostics/index.js";
import type { GeneratedFile, GenerateOptions } from "./generate-manifests.js";

/** Runs the generate pipeline, filling `diagnostics` as `generateManifests` does. */
export type Generate = (options: GenerateOptions, diagnostics: DiagnosticList) => Promise<GeneratedFile[]>;

/** The generator in this thread, loaded on first use. */
export const generateHere: Generate = async (options, diagnostics) => {
  const [{ generateManifests }, { saveCompilerCache }] = await Promise.all([import("./generate-manifests.js"), import("../loader/index.js")]);
  const files = generateManifests(options, diagnostics);
  saveCompilerCache();
  return files;
};

type WorkerAnswer = { files: GeneratedFile[]; diagnostics: Diagnostic[] } | { failure: string; overflow?: true };

/**
 * Starts loading the generator in a worker thread now, and returns a {@link Generate} that
 * runs there. The commands that scaffold and then generate use it so the compiler loads on
 * the second core while templates render on the first. The worker never keeps the process
 * alive. Where the compiled worker is missing (sources run through a TypeScript loader, as
 * in tests), the generator runs in this thread.
 */
export function startGenerator(): Generate {
  started ??= spawnGenerator();
  return started;
}

let started: Generate | undefined;

/**
 * Starts the generator's worker before the CLI has even loaded, when the arguments show that
 * this run will generate (`kb create api|webhook` without `--dry-run`): the compiler is the
 * slowest thing such a run loads. {@link startGenerator} then returns the same worker.
 */
export function startGeneratorEarly(argv: readonly string[]): void {
  if (argv[0] === "create" && (argv[1] === "api" || argv[1] === "webhook") && !argv.includes("--dry-run")) startGenerator();
}

function spawnGenerator(): Generate {
  const entry = fileURLToPath(new URL("./generator-worker.js", import.meta.url));
  if (!existsSync(entry)) return generateHere;
  const worker = new Worker(entry);
  worker.unref();
  return (options, diagnostics) =>
    new Promise<GeneratedFile[]>((resolve, reject) => {
      // Listening refs the worker again, so the process waits for the answer.
      worker.once("message", (answer: WorkerAnswer) => {
        void worker.terminate();
        if ("failure" in answer) {
          if (answer.overflow) return reject(new RangeError("Maximum call stack size exceeded (in the generator's worker thread)"));
          return reject(new Error(`kb generate failed in its worker thread:\n${answer.failure}`));
        }
        for (const d of answer.diagnostics) diagnostics.add(d);
        resolve(answer.files);
      });
      worker.once("error", reject);
      worker.postMessage(options);
    });
}
