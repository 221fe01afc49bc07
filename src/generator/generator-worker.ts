// The entry of the worker thread that `kb create` starts to generate manifests: it loads the
// generator (and with it the TypeScript compiler, about half a second) while the main thread
// renders templates, then runs one generation per message.
import { parentPort } from "node:worker_threads";
import { DiagnosticList } from "../diagnostics/index.js";
import { saveCompilerCache } from "../loader/index.js";
import { generateManifests, type GenerateOptions } from "./generate-manifests.js";

parentPort?.on("message", (options: GenerateOptions) => {
  const diagnostics = new DiagnosticList();
  try {
    const files = generateManifests(options, diagnostics);
    // Before answering: the main thread ends this thread once it has the answer.
    saveCompilerCache();
    parentPort!.postMessage({ files, diagnostics: diagnostics.all() });
  } catch (e) {
    // A stack overflow is input nested too deeply (see runGenerate): passed on as one.
    const overflow = e instanceof RangeError && /call stack/i.test(e.message);
    parentPort!.postMessage({ failure: (e as Error)?.stack ?? String(e), ...(overflow ? { overflow: true } : {}) });
  }
});
