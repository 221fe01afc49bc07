// `node scripts/ci-summary.mjs <vitest JSON report>...`: CI's closing line, the plain
// "N passed, N failed, N skipped" summed over every report (vitest's --reporter=json files),
// after one line per report when there are several. A report that is missing (its run stopped
// before vitest wrote it, e.g. on a type error) counts as one failure, and is named.
import { existsSync, readFileSync } from "node:fs";

/**
 * @param {readonly string[]} files
 * @returns {string[]} the lines to print, the summary last
 */
export function summarize(files) {
  const lines = [];
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const file of files) {
    if (!existsSync(file)) {
      lines.push(`${file}: missing, as its run stopped before vitest wrote it: counted as 1 failed`);
      total.failed++;
      continue;
    }
    const r = JSON.parse(readFileSync(file, "utf8"));
    const counts = { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
    if (files.length > 1) lines.push(`${file}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    for (const key of Object.keys(total)) total[key] += counts[key];
  }
  lines.push(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return lines;
}

process.stdout.write(`${summarize(process.argv.slice(2)).join("\n")}\n`);
