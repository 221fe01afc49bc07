// The documentation's relative links lead somewhere: each file exists, and each `#anchor` names a
// heading of its target (GitHub's anchors: lower case, punctuation dropped, spaces as dashes).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** The README, CONTRIBUTING.md and every guide in docs/. */
const DOCS = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(REPO, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];

/** GitHub's anchor of a heading's text. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The text of a Markdown file without its fenced code blocks. */
function prose(text: string): string {
  return text.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

function anchors(path: string): Set<string> {
  const text = prose(readFileSync(path, "utf8"));
  return new Set([...text.matchAll(/^#{1,6}\s+(.*)$/gm)].map((m) => anchor(m[1]!)));
}

describe("relative links in the documentation", () => {
  it("lead to files that exist and headings they have", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const doc of DOCS) {
      const text = prose(readFileSync(join(REPO, doc), "utf8"));
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
        checked++;
        const [file, hash] = target!.split("#") as [string, string | undefined];
        const path = file === "" ? join(REPO, doc) : normalize(join(REPO, dirname(doc), file));
        if (!existsSync(path)) broken.push(`${doc}: ${target} (no such file)`);
        else if (hash !== undefined && path.endsWith(".md") && !anchors(path).has(hash)) broken.push(`${doc}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
    // The link pattern still finds the documentation's links (the README alone has dozens).
    expect(checked).toBeGreaterThan(20);
  });
});
