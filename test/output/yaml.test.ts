import { describe, expect, it } from "vitest";
import { looksLikeOtherScalar, toYaml } from "../../src/output/yaml.js";

describe("toYaml", () => {
  it("writes controller-gen's layout: ---, sorted keys, unindented sequences, |- blocks", () => {
    expect(toYaml([{ spec: { b: 1, a: ["x", "z"], s: {} }, kind: "K", d: "one\ntwo" }])).toBe(
      "---\nd: |-\n  one\n  two\nkind: K\nspec:\n  a:\n  - x\n  - z\n  b: 1\n  s: {}\n",
    );
    expect(toYaml([{ a: 1 }, { b: 2 }])).toBe("---\na: 1\n---\nb: 2\n");
  });

  it("double-quotes strings a YAML 1.1 reader would take for something else, single-quotes syntax", () => {
    expect(toYaml([{ list: ["", "true", "yes", "1", "1.5", "1:20", "null", "~", "*", "a: b", "v1"] }])).toBe(
      `---\nlist:\n- ""\n- "true"\n- "yes"\n- "1"\n- "1.5"\n- "1:20"\n- "null"\n- "~"\n- '*'\n- 'a: b'\n- v1\n`,
    );
    expect(looksLikeOtherScalar("On")).toBe(true);
    expect(looksLikeOtherScalar("Online")).toBe(false);
  });

  it("folds long scalars as go-yaml does: at the first space past column 80", () => {
    const text = "Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it.";
    const out = toYaml([{ properties: { field: { description: text } } }]);
    const lines = out.split("\n");
    // "...startTime" ends at column 76, so " that" is written; after it the column is 81
    expect(lines[3]).toBe("    description: Specifies the duration in seconds relative to the startTime that");
    expect(lines[4]).toBe("      the job may be continuously active before the system tries to terminate it.");
    // every folded line breaks at the first space after column 80
    for (const line of lines.slice(3, -2)) {
      const lastSpace = line.lastIndexOf(" ");
      expect(line.slice(0, lastSpace).trimEnd().length).toBeLessThanOrEqual(80);
    }
    // a sequence item continues two past its dash; a key in an item two past the key
    const item = toYaml([{ l: [`${"word ".repeat(20)}end`], v: [{ w: `${"word ".repeat(20)}end` }] }]);
    expect(item).toContain("\n  word");
    expect(item).toContain("- w: word");
    expect(item).toMatch(/\n {4}word/);
  });

  it("never folds block literals", () => {
    const long = `${"x ".repeat(60)}end`;
    const out = toYaml([{ d: `${long}\nsecond` }]);
    expect(out).toBe(`---\nd: |-\n  ${long}\n  second\n`);
  });

  it("is deterministic", () => {
    const doc = { z: [{ b: 2, a: 1 }], a: { y: "x", x: "y" } };
    expect(toYaml([doc])).toBe(toYaml([structuredClone(doc)]));
  });
});

describe("round trip", () => {
  it("reads back every golden manifest as the data it was written from", async () => {
    const { readFileSync } = await import("node:fs");
    const { execSync } = await import("node:child_process");
    const { parseAllDocuments } = await import("yaml");
    const files = execSync("find fixtures/generate -name '*.yaml'", { cwd: `${import.meta.dirname}/../..` })
      .toString()
      .trim()
      .split("\n");
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(`${import.meta.dirname}/../../${f}`, "utf8");
      const docs = parseAllDocuments(text).map((d) => d.toJS());
      expect(toYaml(docs), f).toBe(text);
    }
    const odd = [{ a: "- x", q: "it's: 'quoted'", t: "tab\there", n: "two\nlines\n\n", s: " lead", e: "", u: "x\u2028y", l: `${"long words ".repeat(12)}it's` }];
    expect(parseAllDocuments(toYaml(odd)).map((d) => d.toJS())).toEqual(odd);
  });
});
