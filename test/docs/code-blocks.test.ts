// The TypeScript in the documentation compiles against this repository's sources.
//
// Every fenced block whose info string starts with `ts` or `typescript` in the files of `DOCS`
// is an ES module of its own (top-level `await` allowed), type-checked with the repository's
// tsconfig.json, the package's entry points mapped to src/ (`kubebuilder-ts`,
// `kubebuilder-ts/runtime`, `kubebuilder-ts/testing`). So a block imports, or defines, every name
// it uses; `declare const client: Client;` is the honest way to stand for something the example
// takes as given.
//
// A block that is deliberately not a whole module (a method of a class, two lines of a longer
// program) is marked by an HTML comment on the line right before its opening fence, invisible
// once rendered, that says why:
//
//     <!-- ts-check: fragment (a method of a reconciler) -->
//     ```ts
//     async reconcile(req: Request, ctx: ReconcileContext<Client>) { ... }
//     ```
//
// Such blocks are not compiled; the test only checks that the reason is given. Errors are
// reported at the line of the Markdown file (`README.md:123:5`).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** The Markdown files whose TypeScript blocks must compile. */
const DOCS = ["README.md"] as const;

const FRAGMENT = /^<!--\s*ts-check:\s*fragment\b(.*?)-->\s*$/;

interface CodeBlock {
  /** The Markdown file, relative to the repository. */
  readonly doc: string;
  /** 1-based line of the block's first code line in `doc`. */
  readonly line: number;
  readonly code: string;
  /** Set for a block marked as a fragment: the reason given (may be empty, which the test refuses). */
  readonly fragment?: string;
}

/** The `ts`/`typescript` fenced blocks of a Markdown text, with the line each starts on. */
function typeScriptBlocks(doc: string, text: string): CodeBlock[] {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence)) end++;
    const lang = open[3]!.toLowerCase();
    if (lang === "ts" || lang === "typescript") {
      const marker = i > 0 ? FRAGMENT.exec(lines[i - 1]!.trim()) : null;
      const block = { doc, line: i + 2, code: lines.slice(i + 1, end).join("\n") };
      blocks.push(marker ? { ...block, fragment: marker[1]!.trim().replace(/^\((.*)\)$/, "$1").trim() } : block);
    }
    i = end;
  }
  return blocks;
}

/** Type-checks the blocks as modules; the formatted diagnostics at their Markdown lines, empty when they compile. */
function compile(blocks: readonly CodeBlock[]): string[] {
  const config = ts.readConfigFile(join(REPO, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    paths: {
      "kubebuilder-ts": [join(REPO, "src/index.ts")],
      "kubebuilder-ts/runtime": [join(REPO, "src/runtime/index.ts")],
      "kubebuilder-ts/testing": [join(REPO, "src/testing/index.ts")],
    },
  };
  // Virtual files next to the repository's sources, so that node_modules resolves as for them.
  const files = new Map<string, CodeBlock>();
  blocks.forEach((b, n) => files.set(join(REPO, ".docs-check", `${b.doc.replace(/\W/g, "-")}-${n}.mts`), b));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) => {
    const block = files.get(name);
    return block ? ts.createSourceFile(name, block.code, language) : getSourceFile(name, language, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name)?.code ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const out: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const block = d.file ? files.get(d.file.fileName) : undefined;
    if (d.file && !block) continue; // the sources' own errors are tsc's to report
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!block || d.start === undefined) {
      out.push(`error TS${d.code}: ${message}`);
      continue;
    }
    const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start);
    out.push(`${block.doc}:${block.line + line}:${character + 1}: error TS${d.code}: ${message}`);
  }
  return out;
}

const blocks = DOCS.flatMap((doc) => typeScriptBlocks(doc, readFileSync(join(REPO, doc), "utf8")));

describe("TypeScript in the documentation", () => {
  it("finds the blocks, and each fragment says why it is one", () => {
    for (const doc of DOCS) expect(blocks.filter((b) => b.doc === doc).length, doc).toBeGreaterThan(0);
    const unexplained = blocks.filter((b) => b.fragment === "").map((b) => `${b.doc}:${b.line - 2}`);
    expect(unexplained, "<!-- ts-check: fragment (why) --> needs its reason").toEqual([]);
  });

  it("compiles against the sources: every name imported or defined, every call well-typed", () => {
    const errors = compile(blocks.filter((b) => b.fragment === undefined));
    expect(errors.join("\n")).toBe("");
  }, 120_000);

  it("reports an error at its Markdown line, and skips marked fragments", () => {
    const text = [
      "# Doc",
      "",
      "```ts",
      'import { ConfigMap } from "kubebuilder-ts/runtime";',
      "const n: number = ConfigMap;",
      "```",
      "",
      "<!-- ts-check: fragment (a method) -->",
      "```typescript",
      "async reconcile() {}",
      "```",
      "",
      "```sh",
      "npm test",
      "```",
    ].join("\n");
    const found = typeScriptBlocks("x.md", text);
    expect(found.map((b) => [b.line, b.fragment])).toEqual([
      [4, undefined],
      [10, "a method"],
    ]);
    const errors = compile(found.filter((b) => b.fragment === undefined));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^x\.md:5:7: error TS2322: /);
  }, 120_000);
});
