// Preloaded into the commands bench/framework.ts times (`node --require bench/cpu-usage.cjs …`):
// when the process exits, it writes the CPU time it used (user + system, all threads) to the
// file named by KB_BENCH_CPU_FILE. Wall-clock time suffers when other work shares the
// machine; CPU time much less.
"use strict";
const { writeFileSync } = require("node:fs");

const file = process.env.KB_BENCH_CPU_FILE;
if (file) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
