// vitest's configuration (vitest.config.ts) with `@kubernetes/client-node` taken from the folder
// KB_CLIENT_NODE_DIR names (scripts/ci-node-client-node.mjs installs one) instead of kb's own
// node_modules: the runtime, the testing kit and the tests then load that client-node (its
// KubeConfig, its API clients), its dependencies resolved beside it. Used by
// scripts/ci-node-lines.sh for the line that runs on client-node 2.x.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mergeConfig } from "vitest/config";
import base from "../vitest.config.ts";

const dir = process.env.KB_CLIENT_NODE_DIR;
if (!dir) throw new Error("scripts/ci-node-vitest.config.mjs: set KB_CLIENT_NODE_DIR to the folder of the @kubernetes/client-node to test with");
const { name, version, exports } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
if (name !== "@kubernetes/client-node") throw new Error(`scripts/ci-node-vitest.config.mjs: ${dir} holds ${name}, not @kubernetes/client-node`);
const entry = join(dir, exports?.["."]?.import ?? exports?.["."]?.default ?? "dist/index.js");
console.log(`@kubernetes/client-node ${version} from ${dir}`);

export default mergeConfig(base, {
  resolve: { alias: [{ find: /^@kubernetes\/client-node$/, replacement: entry }] },
  test: { env: { KB_CLIENT_NODE_VERSION: version } },
});
