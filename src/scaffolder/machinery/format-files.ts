import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Options } from "prettier";
import { formatFile, parserFor } from "./format-file.js";

/** Parsers whose files go to the worker thread: the plugins that load slowest besides TypeScript's. */
const WORKER_PARSERS = new Set(["yaml", "markdown"]);
/** Below this many such files a worker costs more than it saves. */
const MIN_WORKER_FILES = 8;

/**
 * Formats every file with prettier. With enough YAML and Markdown (kb init writes dozens of
 * files), those are formatted in a worker thread while this thread formats the TypeScript
 * and JSON, so the two sets of prettier plugins load on two cores. The output is the same
 * either way; where the compiled worker is missing (tests run the sources), all runs here.
 */
export async function formatFiles(files: readonly { path: string; text: string }[], options: Options): Promise<string[]> {
  const entry = fileURLToPath(new URL("./format-worker.js", import.meta.url));
  const toWorker = files.map((f) => WORKER_PARSERS.has(parserFor(f.path) ?? ""));
  if (toWorker.filter(Boolean).length < MIN_WORKER_FILES || !existsSync(entry)) {
    return Promise.all(files.map((f) => formatFile(f.path, f.text, options)));
  }
  const remote = files.filter((_, i) => toWorker[i]);
  const worker = new Worker(entry);
  const fromWorker = new Promise<string[]>((resolve, reject) => {
    worker.once("message", (answer: { texts: string[] } | { failure: string }) => {
      void worker.terminate();
      if ("failure" in answer) reject(new Error(answer.failure));
      else resolve(answer.texts);
    });
    worker.once("error", reject);
    worker.postMessage({ files: remote, options });
  });
  const local = await Promise.all(files.filter((_, i) => !toWorker[i]).map((f) => formatFile(f.path, f.text, options)));
  const remoteTexts = await fromWorker;
  let [l, r] = [0, 0];
  return files.map((_, i) => (toWorker[i] ? remoteTexts[r++]! : local[l++]!));
}
