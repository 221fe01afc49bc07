// The entry of the worker thread that formats YAML and Markdown files for `formatFiles`,
// so that prettier's YAML and Markdown plugins load on the second core. It loads them as
// soon as it starts, before the first files arrive.
import { parentPort } from "node:worker_threads";
import type { Options } from "prettier";
import { formatFile } from "./format-file.js";

interface FormatRequest {
  readonly id: number;
  readonly files: readonly { path: string; text: string }[];
  readonly options: Options;
}

const warm = Promise.all([formatFile("warm-up.yaml", "a: 1\n", {}), formatFile("warm-up.md", "# a\n", {})]).catch(() => undefined);

parentPort?.on("message", (req: FormatRequest) => {
  warm
    .then(() => Promise.all(req.files.map((f) => formatFile(f.path, f.text, req.options))))
    .then(
      (texts) => parentPort!.postMessage({ id: req.id, texts }),
      (e: unknown) => parentPort!.postMessage({ id: req.id, failure: (e as Error)?.message ?? String(e) }),
    );
});
