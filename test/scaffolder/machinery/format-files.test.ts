import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { formatFile } from "../../../src/scaffolder/machinery/format-file.js";

// The worker threads only exist compiled (dist/); the sources format in one thread.
const DIST = join(import.meta.dirname, "../../../dist/scaffolder/machinery/format-files.js");

describe.skipIf(!existsSync(DIST))("formatFiles (compiled, with its worker thread; skipped before npm run build)", () => {
  it("formats YAML and Markdown in a worker exactly as prettier does in this thread, in order", async () => {
    const { formatFiles } = (await import(pathToFileURL(DIST).href)) as typeof import("../../../src/scaffolder/machinery/format-files.js");
    const files = [
      ...Array.from({ length: 10 }, (_, i) => ({ path: `config/f${i}.yaml`, text: `resources:\n-   a${i}.yaml\n# +kubebuilder:scaffold:x\n` })),
      { path: "README.md", text: "# T\n\n*  a\n*  b\n" },
      { path: "src/main.ts", text: "const  x = {a:1}\n" },
      { path: "package.json", text: '{"name":"x","private":true}' },
      { path: "Dockerfile", text: "FROM  scratch\n" },
    ];
    const options = { printWidth: 100 };
    const expected = await Promise.all(files.map((f) => formatFile(f.path, f.text, options)));
    expect(await formatFiles(files, options)).toEqual(expected);
    expect(expected[0]).toBe("resources:\n  - a0.yaml\n# +kubebuilder:scaffold:x\n");
  });

  it("gives the same files in the same order when this thread takes some of the worker's (nothing else to do here)", async () => {
    const { formatFiles } = (await import(pathToFileURL(DIST).href)) as typeof import("../../../src/scaffolder/machinery/format-files.js");
    const files = Array.from({ length: 40 }, (_, i) => ({ path: `config/f${i}.yaml`, text: `name:   f${i}\nitems:\n-   ${i}\n` }));
    const formatted = await formatFiles(files, {});
    expect(formatted).toEqual(files.map((_, i) => `name: f${i}\nitems:\n  - ${i}\n`));
  });
});
