// The entry of the worker thread that formats YAML and Markdown files for `formatFiles`,
// so that prettier's YAML and Markdown plugins load on the second core.
import { parentPort } from "node:worker_threads";
import type { Options } from "prettier";
import { formatFile } from "./format-file.js";

interface FormatRequest {
  readonly files: readonly { path: string; text: string }[];
  readonly options: Options;
}

parentPort?.on("message", (req: FormatRequest) => {
  Promise.all(req.files.map((f) => formatFile(f.path, f.text, req.options))).then(
    (texts) => parentPort!.postMessage({ texts }),
    (e: unknown) => parentPort!.postMessage({ failure: (e as Error)?.message ?? String(e) }),
  );
});
