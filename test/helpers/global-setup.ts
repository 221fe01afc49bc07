// Vitest global setup: gives the test files a place to note the suites they skip (those that
// need a real API server or controller-gen when their binaries are missing), and prints
// which were skipped and why at the end of the run, so that a green run says what it left out.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "kb-test-notes-"));
  const file = join(dir, "skipped.jsonl");
  process.env["KB_TEST_SKIPPED_NOTES"] = file;
  return () => {
    let lines: string[] = [];
    try {
      lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    } catch {
      // nothing was skipped
    }
    rmSync(dir, { recursive: true, force: true });
    const byReason = new Map<string, Set<string>>();
    for (const line of lines) {
      const { suite, reason } = JSON.parse(line) as { suite: string; reason: string };
      byReason.set(reason, (byReason.get(reason) ?? new Set()).add(suite));
    }
    if (byReason.size === 0) return;
    const text = [...byReason].map(([reason, suites]) => `  ${[...suites].sort().join(", ")}\n    because ${reason}`).join("\n");
    process.stdout.write(`\nSkipped suites that need real Kubernetes components:\n${text}\n`);
  };
}
