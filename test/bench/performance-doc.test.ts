import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BENCH_END, BENCH_START, machine, PERFORMANCE_DOC, renderSection, updatePerformanceDoc } from "../../bench/framework.js";
import { PROJECT_ROOT } from "../../bench/synthetic-tree.js";

// `npm run bench` publishes its tables in docs/performance.md, between two markers; the README
// only links there. These tests run the writing step on small results instead of the suites.

const scratch = mkdtempSync(join(tmpdir(), "kb-bench-doc-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const body = renderSection(
  [
    {
      title: "Example",
      intro: ["What ran."],
      table: { columns: ["tool", "median"], rows: [["kb generate", "1.00 s"]], numeric: [1] },
      notes: ["**Target — met.**"],
    },
  ],
  machine(0.5),
  "2026-12-07",
);

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe("the published benchmark figures", () => {
  it("replace only what lies between the markers, keeping the page around them", () => {
    const path = join(scratch, "kept.md");
    writeFileSync(path, `# Performance\n\nHand-written intro.\n\n${BENCH_START}\nold figures\n${BENCH_END}\n\nHand-written end.\n`);
    updatePerformanceDoc(path, body);
    const text = readFileSync(path, "utf8");
    expect(text.startsWith("# Performance\n\nHand-written intro.\n\n")).toBe(true);
    expect(text.endsWith(`${BENCH_END}\n\nHand-written end.\n`)).toBe(true);
    expect(text).not.toContain("old figures");
    expect(text).toContain("| kb generate | 1.00 s |");
    expect(text).toContain("Measured by `npm run bench` on 2026-12-07");
    // A second run replaces the block again, never adds one.
    updatePerformanceDoc(path, body.replace("1.00 s", "2.00 s"));
    const again = readFileSync(path, "utf8");
    expect(count(again, BENCH_START)).toBe(1);
    expect(again).toContain("| kb generate | 2.00 s |");
    expect(again).not.toContain("1.00 s");
  });

  it("create the page, or the block at its end, when missing", () => {
    const fresh = join(scratch, "fresh.md");
    updatePerformanceDoc(fresh, body);
    const created = readFileSync(fresh, "utf8");
    expect(created.startsWith("# Performance\n")).toBe(true);
    expect(created.endsWith(`${BENCH_START}\n${body}\n${BENCH_END}\n`)).toBe(true);

    const bare = join(scratch, "bare.md");
    writeFileSync(bare, "# Numbers\n\nSome text.\n\n\n");
    updatePerformanceDoc(bare, body);
    expect(readFileSync(bare, "utf8")).toBe(`# Numbers\n\nSome text.\n\n${BENCH_START}\n${body}\n${BENCH_END}\n`);
  });

  it("refuse a page with only one marker (or the end before the start), leaving it as it was", () => {
    for (const [name, text] of [
      ["start-only.md", `intro\n${BENCH_START}\nfigures\n`],
      ["end-only.md", `intro\nfigures\n${BENCH_END}\n`],
      ["reversed.md", `${BENCH_END}\nfigures\n${BENCH_START}\n`],
    ] as const) {
      const path = join(scratch, name);
      writeFileSync(path, text);
      expect(() => updatePerformanceDoc(path, body)).toThrow(/fix the file by hand/);
      expect(readFileSync(path, "utf8")).toBe(text);
    }
  });

  it("live in docs/performance.md, and the README holds no generated bench block but links there", () => {
    const doc = readFileSync(join(PROJECT_ROOT, PERFORMANCE_DOC), "utf8");
    expect(count(doc, BENCH_START)).toBe(1);
    expect(count(doc, BENCH_END)).toBe(1);
    expect(doc.indexOf(BENCH_START)).toBeLessThan(doc.indexOf(BENCH_END));
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    expect(readme).not.toContain(BENCH_START);
    expect(readme).not.toContain(BENCH_END);
    expect(readme).toContain("(docs/performance.md)");
  });
});
