// The entry of the worker thread that formats YAML and Markdown files for `formatFiles`,
// so that prettier's YAML and Markdown plugins load on the second core. It loads them as
// soon as it starts, before the first files arrive.
import { parentPort } from "node:worker_threads";
import type { Options } from "prettier";
import { formatFile } from "./format-file.js";
import { CLAIMED_BY_WORKER, UNCLAIMED } from "./format-files.js";

interface FormatRequest {
  readonly id: number;
  readonly files: readonly { path: string; text: string }[];
  readonly options: Options;
  /** One Int32 per file: this thread claims each before formatting it; the sender may take the rest. */
  readonly claims: SharedArrayBuffer;
}

/** Formats the files first to last, each one it claims; null for those the sender took. */
async function formatClaimed(req: FormatRequest): Promise<(string | null)[]> {
  const claims = new Int32Array(req.claims);
  const texts: (string | null)[] = [];
  for (const [i, f] of req.files.entries()) {
    const mine = Atomics.compareExchange(claims, i, UNCLAIMED, CLAIMED_BY_WORKER) === UNCLAIMED;
    texts.push(mine ? await formatFile(f.path, f.text, req.options) : null);
  }
  return texts;
}

const warm = Promise.all([formatFile("warm-up.yaml", "a: 1\n", {}), formatFile("warm-up.md", "# a\n", {})]).catch(() => undefined);

parentPort?.on("message", (req: FormatRequest) => {
  warm
    .then(() => formatClaimed(req))
    .then(
      (texts) => parentPort!.postMessage({ id: req.id, texts }),
      (e: unknown) => parentPort!.postMessage({ id: req.id, failure: (e as Error)?.message ?? String(e) }),
    );
});
