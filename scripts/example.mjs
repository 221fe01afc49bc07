// `npm run example`: runs kb generate on the bundled CronJob example (the kubebuilder book's
// tutorial API, in TypeScript) into a scratch directory, and prints what it wrote.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../dist/cli/main.js";

const input = new URL("../fixtures/generate/cronjob-tutorial/input", import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), "kb-example-"));
const dirs = { crd: join(out, "config/crd/bases"), rbac: join(out, "config/rbac"), webhook: join(out, "config/webhook") };
const printed = [];
const io = {
  cwd: out,
  out: (text) => {
    printed.push(text);
    process.stdout.write(text);
  },
  err: (text) => process.stderr.write(text),
};
console.log(`$ kb generate --paths ${input}  (output in ${out})\n`);
const code = await main(
  ["generate", "--paths", `${input}/api`, "--paths", `${input}/src`, "--crd-dir", dirs.crd, "--rbac-dir", dirs.rbac, "--webhook-dir", dirs.webhook],
  io,
);
if (code === 0) {
  for (const line of printed.join("").split("\n")) {
    const m = /^(?:created|updated) (.+)$/.exec(line);
    if (!m) continue;
    const text = readFileSync(join(out, m[1]), "utf8");
    const lines = text.split("\n");
    console.log(`\n# ${m[1]} (${lines.length} lines)`);
    console.log(lines.slice(0, 40).join("\n") + (lines.length > 40 ? "\n..." : ""));
  }
}
rmSync(out, { recursive: true, force: true });
process.exitCode = code;
