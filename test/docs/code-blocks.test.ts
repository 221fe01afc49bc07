// The TypeScript in the documentation compiles against this repository's sources.
//
// Every fenced block whose info string starts with `ts` or `typescript` in README.md, CONTRIBUTING.md and docs/*.md
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
// Such blocks are not compiled; the test only checks that the reason is given. An excerpt of a
// file of the repository, marked `<!-- from: <path> -->` (test/docs/excerpts.test.ts checks it
// is in that file, which compiles with its own project), is not compiled here either.
//
// A guide whose snippets share the same givens (a `mgr`, a `client`, a `req`) may declare them
// once, in a hidden prelude: an HTML comment that opens with `<!-- ts-check: prelude` on a line
// of its own and ends at the next `-->`. Its statements (imports, `declare const ...;`,
// declarations) are put in front of every block of that file, except those statements whose
// names the block imports or declares itself, so a block that defines its own `client` keeps
// it. The README has no prelude: each of its blocks stands alone.
//
// Errors are reported at the line of the Markdown file (`README.md:123:5`), the prelude's at
// its own lines.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** The Markdown files whose TypeScript blocks must compile: the README, CONTRIBUTING.md and every guide. */
const DOCS = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(REPO, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];

const FRAGMENT = /^<!--\s*ts-check:\s*fragment\b(.*?)-->\s*$/;
const PRELUDE = /^<!--\s*ts-check:\s*prelude\s*$/;
const EXCERPT = /^<!--\s*from:\s*(\S+)\s*-->\s*$/;

interface CodeBlock {
  /** The Markdown file, relative to the repository. */
  readonly doc: string;
  /** 1-based line of the block's first code line in `doc`. */
  readonly line: number;
  readonly code: string;
  /** Set for a block marked as a fragment: the reason given (may be empty, which the test refuses). */
  readonly fragment?: string;
  /** The file's prelude, when it has one. */
  readonly prelude?: Prelude;
}

interface Prelude {
  /** 1-based line of the prelude's first code line in its Markdown file. */
  readonly line: number;
  readonly code: string;
}

/** The hidden `<!-- ts-check: prelude ... -->` of a Markdown text, if any. */
function preludeOf(text: string): Prelude | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => PRELUDE.test(l.trim()));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.trim() === "-->");
  if (end < 0) throw new Error("<!-- ts-check: prelude has no --> on a line of its own");
  return { line: start + 2, code: lines.slice(start + 1, end).join("\n") };
}

/** The names a module's top level imports or declares. */
function topLevelNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st) && st.importClause) {
      const { name, namedBindings } = st.importClause;
      if (name) names.add(name.text);
      if (namedBindings && ts.isNamespaceImport(namedBindings)) names.add(namedBindings.name.text);
      if (namedBindings && ts.isNamedImports(namedBindings)) for (const e of namedBindings.elements) names.add(e.name.text);
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) bind(d.name);
    } else if (
      (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEnumDeclaration(st)) &&
      st.name
    ) {
      names.add(st.name.text);
    }
  }
  return names;
}

/**
 * The prelude without what `block` imports or declares itself: such statements, and such
 * names of an import, are blanked (line breaks kept, so that lines still map to the Markdown).
 */
function preludeFor(prelude: Prelude, block: string): string {
  const own = topLevelNames(ts.createSourceFile("block.mts", block, ts.ScriptTarget.Latest));
  const file = ts.createSourceFile("prelude.mts", prelude.code, ts.ScriptTarget.Latest, true);
  const cuts: [number, number][] = [];
  for (const st of file.statements) {
    const named = topLevelNames(ts.createSourceFile("statement.mts", st.getText(), ts.ScriptTarget.Latest));
    const clash = [...named].filter((n) => own.has(n));
    if (clash.length === 0) continue;
    const bindings = ts.isImportDeclaration(st) ? st.importClause?.namedBindings : undefined;
    if (bindings && ts.isNamedImports(bindings) && clash.length < named.size) {
      // Blank only the clashing names of the import (with their commas).
      for (const e of bindings.elements) {
        if (!own.has(e.name.text)) continue;
        const next = prelude.code.slice(e.getEnd()).match(/^\s*,/);
        cuts.push([e.getStart(), e.getEnd() + (next ? next[0].length : 0)]);
      }
    } else {
      cuts.push([st.getStart(), st.getEnd()]);
    }
  }
  let code = prelude.code;
  for (const [from, to] of cuts.sort((a, b) => b[0] - a[0])) code = code.slice(0, from) + code.slice(from, to).replace(/[^\n]/g, " ") + code.slice(to);
  return code;
}

/** The `ts`/`typescript` fenced blocks of a Markdown text, with the line each starts on. */
function typeScriptBlocks(doc: string, text: string): CodeBlock[] {
  const lines = text.split("\n");
  const prelude = preludeOf(text);
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
      const excerpt = i > 0 ? EXCERPT.exec(lines[i - 1]!.trim()) : null;
      const block = { doc, line: i + 2, code: lines.slice(i + 1, end).join("\n"), ...(prelude ? { prelude } : {}) };
      if (excerpt) blocks.push({ ...block, fragment: `an excerpt of ${excerpt[1]}` });
      else blocks.push(marker ? { ...block, fragment: marker[1]!.trim().replace(/^\((.*)\)$/, "$1").trim() } : block);
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
  // Each file: the prelude fitted to the block (if any), then the block.
  const files = new Map<string, { block: CodeBlock; code: string; preludeLines: number }>();
  blocks.forEach((b, n) => {
    const before = b.prelude ? `${preludeFor(b.prelude, b.code)}\n` : "";
    const preludeLines = before === "" ? 0 : before.split("\n").length - 1;
    files.set(join(REPO, ".docs-check", `${b.doc.replace(/\W/g, "-")}-${n}.mts`), { block: b, code: before + b.code, preludeLines });
  });
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) => {
    const file = files.get(name);
    return file ? ts.createSourceFile(name, file.code, language) : getSourceFile(name, language, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name)?.code ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const out: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? files.get(d.file.fileName) : undefined;
    if (d.file && !file) continue; // the sources' own errors are tsc's to report
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!file || d.start === undefined) {
      out.push(`error TS${d.code}: ${message}`);
      continue;
    }
    const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start);
    const { block, preludeLines } = file;
    const at = line < preludeLines ? `${block.doc}:${block.prelude!.line + line}` : `${block.doc}:${block.line + line - preludeLines}`;
    out.push(`${at}:${character + 1}: error TS${d.code}: ${message}`);
  }
  return out;
}

const blocks = DOCS.flatMap((doc) => typeScriptBlocks(doc, readFileSync(join(REPO, doc), "utf8")));

describe("TypeScript in the documentation", () => {
  it("finds the blocks, and each fragment says why it is one", () => {
    for (const doc of ["README.md", "docs/runtime-guide.md"]) expect(blocks.filter((b) => b.doc === doc && b.fragment === undefined).length, doc).toBeGreaterThan(0);
    const unexplained = blocks.filter((b) => b.fragment === "").map((b) => `${b.doc}:${b.line - 2}`);
    expect(unexplained, "<!-- ts-check: fragment (why) --> needs its reason").toEqual([]);
  });

  it("compiles against the sources: every name imported or defined, every call well-typed", () => {
    const errors = compile(blocks.filter((b) => b.fragment === undefined));
    expect(errors.join("\n")).toBe("");
  }, 120_000);

  it("reports an error at its Markdown line, and skips marked fragments and excerpts", () => {
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
      "<!-- from: examples/x/a.ts -->",
      "```ts",
      "const wrongHereRightThere: string = 1;",
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
      [15, "an excerpt of examples/x/a.ts"],
    ]);
    const errors = compile(found.filter((b) => b.fragment === undefined));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^x\.md:5:7: error TS2322: /);
  }, 120_000);

  it("puts the prelude before each block, less what the block imports or declares itself", () => {
    const text = [
      "<!-- ts-check: prelude",
      'import { ConfigMap, Pod, type Client } from "kubebuilder-ts/runtime";',
      "declare const client: Client;",
      "declare const count: number;",
      "-->",
      "",
      "```ts",
      'await client.get(ConfigMap, { namespace: "default", name: "x" });',
      "const n: number = count;",
      "```",
      "",
      "```ts",
      'import { ConfigMap } from "kubebuilder-ts/runtime";',
      "const client = { get: (name: string) => name.length };",
      "const n: number = client.get(ConfigMap.kind);",
      "const p: string = Pod.kind;",
      "const wrong: string = count;",
      "```",
    ].join("\n");
    const found = typeScriptBlocks("y.md", text);
    expect(found.map((b) => b.prelude?.line)).toEqual([2, 2]);
    // Only the last line is wrong: the second block's own client and ConfigMap replace the prelude's.
    const errors = compile(found);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^y\.md:17:7: error TS2322: Type 'number' is not assignable to type 'string'/);
  }, 120_000);
});
