// docs/markers.md is `kb markers --markdown`: the committed page must be what kb prints today.
// UPDATE_GOLDEN=1 rewrites it (then read the diff).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runKb } from "../helpers/temp-project.js";

const PAGE = join(import.meta.dirname, "..", "..", "docs", "markers.md");

describe("the marker reference, docs/markers.md", () => {
  it("is what kb markers --markdown prints", async () => {
    const run = await runKb("/", "markers", "--markdown");
    expect(run.code).toBe(0);
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(PAGE, run.out);
    expect(readFileSync(PAGE, "utf8"), "docs/markers.md is stale: UPDATE_GOLDEN=1 npx vitest run test/cli/markers-reference.test.ts").toBe(run.out);
  });

  it("names every marker kb knows, and the foreign ones it ignores", async () => {
    const page = readFileSync(PAGE, "utf8");
    const list = JSON.parse((await runKb("/", "markers", "--json")).out) as { name: string }[];
    for (const m of list) expect(page).toContain(`\`+${m.name}`);
    expect(page).toContain("| deepcopy-gen | `+k8s:deepcopy-gen` |");
  });
});
