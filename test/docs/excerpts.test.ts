// Code the documentation quotes from a file of the repository stays what that file holds.
//
// A fenced block right after an HTML comment `<!-- from: <path> -->` (the path from the
// repository's root) is an excerpt of that file: its lines must appear in the file, in order
// and together, exactly as written (indentation included). So a guide that walks through an
// example project (docs/tutorial-cronjob.md through examples/cronjob, which CI builds and
// tests) cannot drift from it. test/docs/code-blocks.test.ts leaves such blocks to this test:
// they compile as part of their own project.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");
const DOCS = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(REPO, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const FROM = /^<!--\s*from:\s*(\S+)\s*-->$/;

interface Excerpt {
  /** Where the block's first line is, as `doc:line`. */
  readonly at: string;
  /** The file it quotes, relative to the repository. */
  readonly from: string;
  readonly lines: readonly string[];
}

/** The excerpts of a Markdown text: fenced blocks right after a `<!-- from: ... -->` line. */
export function excerptsOf(doc: string, text: string): Excerpt[] {
  const lines = text.split("\n");
  const found: Excerpt[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(open[2]!)) end++;
    const from = i > 0 ? FROM.exec(lines[i - 1]!.trim()) : null;
    if (from) found.push({ at: `${doc}:${i + 2}`, from: from[1]!, lines: lines.slice(i + 1, end) });
    i = end;
  }
  return found;
}

/** Whether `lines` occur in `file`'s lines, together and in order. */
export function quotes(file: string, lines: readonly string[]): boolean {
  const all = file.split("\n");
  if (lines.length === 0) return false;
  for (let start = all.indexOf(lines[0]!); start >= 0; start = all.indexOf(lines[0]!, start + 1)) {
    if (lines.every((line, k) => all[start + k] === line)) return true;
  }
  return false;
}

const excerpts = DOCS.flatMap((doc) => excerptsOf(doc, readFileSync(join(REPO, doc), "utf8")));

describe("excerpts in the documentation", () => {
  it("the CronJob tutorial quotes its example project", () => {
    const tutorial = excerpts.filter((e) => e.at.startsWith("docs/tutorial-cronjob.md:"));
    expect(tutorial.length).toBeGreaterThan(10);
    expect(tutorial.every((e) => e.from.startsWith("examples/cronjob/"))).toBe(true);
  });

  it("each excerpt is in its file, word for word", () => {
    const wrong: string[] = [];
    for (const e of excerpts) {
      const path = join(REPO, e.from);
      if (!existsSync(path)) wrong.push(`${e.at}: ${e.from} does not exist`);
      else if (!quotes(readFileSync(path, "utf8"), e.lines)) wrong.push(`${e.at}: not found as written in ${e.from}`);
    }
    expect(wrong).toEqual([]);
  });

  it("finds an excerpt only after its marker, and only lines together and in order", () => {
    const text = ["<!-- from: a.ts -->", "```ts", "const a = 1;", "const b = 2;", "```", "", "```ts", "other", "```"].join("\n");
    expect(excerptsOf("x.md", text)).toEqual([{ at: "x.md:3", from: "a.ts", lines: ["const a = 1;", "const b = 2;"] }]);
    expect(quotes("x\nconst a = 1;\nconst b = 2;\n", ["const a = 1;", "const b = 2;"])).toBe(true);
    expect(quotes("const a = 1;\nx\nconst b = 2;\n", ["const a = 1;", "const b = 2;"])).toBe(false);
    expect(quotes("  const a = 1;\n", ["const a = 1;"])).toBe(false);
  });
});
