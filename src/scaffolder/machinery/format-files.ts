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

/** The worker's answer: a text for each file it formatted, null for each the caller took back. */
type Answer = { id: number; texts: (string | null)[] } | { id: number; failure: string };

/** Who formats a file sent to the worker: nobody yet, the worker, or the sending thread. */
export const UNCLAIMED = 0;
export const CLAIMED_BY_WORKER = 1;
const CLAIMED_HERE = 2;

/** The format worker: one per process, started on first need, never keeping the process alive. */
class FormatWorker {
  private readonly worker = new Worker(ENTRY);
  private readonly waiting = new Map<number, { resolve: (t: (string | null)[]) => void; reject: (e: Error) => void }>();
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

  /**
   * Sends `files` to the worker, which formats them first to last, claiming each in `claims`
   * (one Int32 per file) before it starts on it; the caller may claim files from the other
   * end meanwhile (see {@link formatFiles}). Resolves with null for the files the caller took.
   */
  format(files: readonly { path: string; text: string }[], options: Options, claims: SharedArrayBuffer): Promise<(string | null)[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, files, options, claims });
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
 * formats the TypeScript and JSON, so the two sets of prettier plugins load on two cores.
 * When this thread is done first, it takes the worker's files that it has not started yet,
 * from the end of its list, so neither core waits for the other. The output is the same
 * either way; where the compiled worker is missing (tests run the sources), all runs here.
 */
export async function formatFiles(files: readonly { path: string; text: string }[], options: Options): Promise<string[]> {
  const toWorker = files.map((f) => WORKER_PARSERS.has(parserFor(f.path) ?? ""));
  const count = toWorker.filter(Boolean).length;
  if (count > 0 && !worker && count >= MIN_WORKER_FILES && existsSync(ENTRY)) worker = new FormatWorker();
  if (count === 0 || !worker) return Promise.all(files.map((f) => formatFile(f.path, f.text, options)));
  const sent = files.filter((_, i) => toWorker[i]);
  const claims = new Int32Array(new SharedArrayBuffer(sent.length * Int32Array.BYTES_PER_ELEMENT));
  const fromWorker = worker.format(sent, options, claims.buffer as SharedArrayBuffer);
  const local = await Promise.all(files.filter((_, i) => !toWorker[i]).map((f) => formatFile(f.path, f.text, options)));
  const taken = new Map<number, string>();
  for (let i = sent.length - 1; i >= 0 && Atomics.compareExchange(claims, i, UNCLAIMED, CLAIMED_HERE) === UNCLAIMED; i--) {
    taken.set(i, await formatFile(sent[i]!.path, sent[i]!.text, options));
  }
  const remote = await fromWorker;
  let [l, r] = [0, 0];
  return files.map((_, i) => {
    if (!toWorker[i]) return local[l++]!;
    const k = r++;
    return taken.get(k) ?? remote[k]!;
  });
}
