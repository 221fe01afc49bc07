import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadKubeConfig } from "../../../src/runtime/client/load-kube-config.js";
import { Manager } from "../../../src/runtime/manager/manager.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const emptyHome = (): string => {
  const d = mkdtempSync(join(tmpdir(), "kb-home-"));
  dirs.push(d);
  return d;
};
const KUBECONFIG_TEXT = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://example.invalid:6443" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;

describe("loadKubeConfig", () => {
  it("refuses to fall back to localhost:8080 when there is no kubeconfig, naming where it looked", () => {
    const home = emptyHome();
    expect(() => loadKubeConfig({ env: {}, home, inClusterTokenPath: join(home, "no-token") })).toThrow(
      `no kubeconfig found: KUBECONFIG is not set, this is not a pod in a cluster (no KUBERNETES_SERVICE_HOST and service account token), and ${join(home, ".kube", "config")} does not exist`,
    );
    expect(() => loadKubeConfig({ env: { KUBECONFIG: "/nonexistent/config" }, home })).toThrow("KUBECONFIG names /nonexistent/config, which does not exist");
  });

  it("reads ~/.kube/config when KUBECONFIG is unset", () => {
    const home = emptyHome();
    mkdirSync(join(home, ".kube"));
    writeFileSync(join(home, ".kube", "config"), KUBECONFIG_TEXT);
    expect(loadKubeConfig({ env: {}, home }).getCurrentCluster()?.server).toBe("https://example.invalid:6443");
  });

  it("reads the files of the KUBECONFIG it is given (not this process's), skipping those that are not there", () => {
    const home = emptyHome();
    writeFileSync(join(home, "config"), KUBECONFIG_TEXT);
    const kc = loadKubeConfig({ env: { KUBECONFIG: `${join(home, "missing")}:${join(home, "config")}` }, home });
    expect(kc.getCurrentCluster()?.server).toBe("https://example.invalid:6443");
  });

  it("makes a Manager without a kubeconfig fail at once instead of retrying 127.0.0.1:8080", () => {
    const saved = { KUBECONFIG: process.env["KUBECONFIG"], HOME: process.env["HOME"], KUBERNETES_SERVICE_HOST: process.env["KUBERNETES_SERVICE_HOST"] };
    process.env["HOME"] = emptyHome();
    delete process.env["KUBECONFIG"];
    delete process.env["KUBERNETES_SERVICE_HOST"];
    try {
      expect(() => new Manager({ metricsBindAddress: "0", healthProbeBindAddress: "0", handleSignals: false })).toThrow(/^no kubeconfig found/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
