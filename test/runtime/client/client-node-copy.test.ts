// The runtime and the testing kit use the one @kubernetes/client-node that the program loads:
// the KubeConfig a user makes is the class the runtime takes. CI runs the runtime's suites once
// more with client-node 2.x in place of kb's locked 1.4 (scripts/ci-node-lines.sh sets
// KB_CLIENT_NODE_VERSION then); this checks that those runs really load that major version.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { loadKubeConfig } from "../../../src/runtime/client/load-kube-config.js";
import { startTestEnv } from "../../../src/testing/index.js";

describe("@kubernetes/client-node, one copy", () => {
  it("the runtime's loadKubeConfig and the testing kit give the KubeConfig class the program imports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kb-kubeconfig-"));
    const env = await startTestEnv();
    try {
      expect(env.kubeConfig).toBeInstanceOf(KubeConfig);
      writeFileSync(join(dir, "config"), env.kubeConfig.exportConfig());
      const loaded = loadKubeConfig({ env: { KUBECONFIG: join(dir, "config") } });
      expect(loaded).toBeInstanceOf(KubeConfig);
      expect(loaded.getCurrentCluster()?.server).toBe(env.kubeConfig.getCurrentCluster()?.server);
    } finally {
      await env.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const asked = process.env.KB_CLIENT_NODE_VERSION;
  it.runIf(asked !== undefined)(`is the client-node ${asked ?? ""} this run asked for`, () => {
    // 2.0 added exec credential plugin policies to KubeConfig; 1.x has none.
    const has2 = typeof (KubeConfig.prototype as unknown as Record<string, unknown>).setExecCredentialPluginPolicy === "function";
    expect(has2).toBe(Number(asked!.split(".")[0]) >= 2);
  });
});
