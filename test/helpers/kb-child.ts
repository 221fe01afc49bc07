// Runs `kb` from the sources in a process of its own (through tsx), for tests that kill it or
// run two at once: `node --import tsx test/helpers/kb-child.ts create api ...`.
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
