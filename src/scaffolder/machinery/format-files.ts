import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Options } from "prettier";
import { formatFile, parserFor } from "./format-file.js";

/** Parsers whose files go to the worker thread: the plugins that load slowest besides TypeScript's. */
const WORKER_PARSERS = new Set(["yaml", "markdown"]);
/** Below this many such files a worker costs more than it saves (unless it was started early). */
const MIN_WORKER_FILES = 8;
const ENTRY = fileURLToPath(new URL("./format-worker.js", import.meta.url));

type Answer = { id: number; texts: string[] } | { id: number; failure: string };

/** The format worker: one per process, started on first need, never keeping the process alive. */
class FormatWorker {
  private readonly worker = new Worker(ENTRY);
  private readonly waiting = new Map<number, { resolve: (t: string[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor() {
    this.worker.on("message", (answer: Answer) => {
      const w = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) this.worker.unref();
      if ("failure" in answer) w?.reject(new Error(answer.failure));
      else w?.resolve(answer.texts);
    });
    this.worker.on("error", (e) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
    // Idle, it must not keep the process alive; with a request pending, it must (see format).
    // (After the listeners: adding a "message" listener refs the worker again.)
    this.worker.unref();
  }

  format(files: readonly { path: string; text: string }[], options: Options): Promise<string[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, files, options });
    });
  }
}

let worker: FormatWorker | undefined;

/**
 * Starts the format worker now, so prettier's YAML and Markdown plugins load while the CLI
 * itself loads: for the commands that write whole projects (`kb init`, `kb alpha generate`).
 * (`kb create` writes a few YAML files and loads the compiler on the second core instead.)
 */
export function startFormatterEarly(argv: readonly string[]): void {
  if ((argv[0] === "init" || argv[0] === "alpha") && existsSync(ENTRY)) worker ??= new FormatWorker();
}

/**
 * Formats every file with prettier. YAML and Markdown go to a worker thread (when it was
 * started early, or when there are enough of them to pay for starting it), while this thread
 * formats the TypeScript and JSON, so the two sets of prettier plugins load on two cores. The
 * output is the same either way; where the compiled worker is missing (tests run the
 * sources), all runs here.
 */
export async function formatFiles(files: readonly { path: string; text: string }[], options: Options): Promise<string[]> {
  const toWorker = files.map((f) => WORKER_PARSERS.has(parserFor(f.path) ?? ""));
  const count = toWorker.filter(Boolean).length;
  if (count > 0 && !worker && count >= MIN_WORKER_FILES && existsSync(ENTRY)) worker = new FormatWorker();
  if (count === 0 || !worker) return Promise.all(files.map((f) => formatFile(f.path, f.text, options)));
  const fromWorker = worker.format(files.filter((_, i) => toWorker[i]), options);
  const local = await Promise.all(files.filter((_, i) => !toWorker[i]).map((f) => formatFile(f.path, f.text, options)));
  const remote = await fromWorker;
  let [l, r] = [0, 0];
  return files.map((_, i) => (toWorker[i] ? remote[r++]! : local[l++]!));
}
