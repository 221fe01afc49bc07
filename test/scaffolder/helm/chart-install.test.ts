// `helm install` of the chart on a real API server (kube-apiserver and etcd from
// KUBEBUILDER_ASSETS): the server accepts every object the chart renders, and `helm uninstall`
// keeps the CRDs (crd.keep). cert-manager is not in that cluster, so certManager.enable=false.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlPlane } from "../../../src/testing/index.js";
import { realAssets, skipReal } from "../../helpers/real-kubernetes.js";
import { runKb } from "../../helpers/temp-project.js";
import { hasKubectl } from "../config/support.js";
import { HELM } from "./support.js";

const NS = "shop-system";

describe.skipIf(skipReal("helm install of the scaffolded chart") || !HELM || !hasKubectl)("the Helm chart installs on a real API server (skipped without KUBEBUILDER_ASSETS, helm or kubectl)", () => {
  const parent = mkdtempSync(join(tmpdir(), "kb-helm-install-"));
  const dir = join(parent, "shop");
  const kubeconfig = join(parent, "kubeconfig");
  // helm's own cache, configuration and data stay in the test's folder.
  const env = { ...process.env, HELM_CACHE_HOME: join(parent, "helm-cache"), HELM_CONFIG_HOME: join(parent, "helm-config"), HELM_DATA_HOME: join(parent, "helm-data") };
  let cp: ControlPlane | undefined;

  const run = (command: string, ...args: string[]) => {
    const r = spawnSync(command, [...args, "--kubeconfig", kubeconfig], { encoding: "utf8", env });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  };

  beforeAll(async () => {
    const found = realAssets();
    if (!("directory" in found)) throw new Error(found.skip);
    cp = await ControlPlane.start({ assetsDirectory: found.directory });
    writeFileSync(kubeconfig, cp.kubeConfig().exportConfig());
    mkdirSync(dir);
    for (const argv of [
      ["init", "--domain", "example.com", "--skip-install"],
      ["create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob"],
      ["create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--controller=false"],
      ["create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting", "--programmatic-validation"],
      ["create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--conversion", "--spoke", "v2"],
      ["edit", "--plugins=helm/v2-alpha"],
    ]) {
      const r = await runKb(dir, ...argv);
      expect(r.code, `kb ${argv.join(" ")}\n${r.err}`).toBe(0);
    }
  }, 180_000);
  afterAll(async () => {
    await cp?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it("helm install creates every object; helm uninstall removes them but the CRDs", () => {
    const install = run(HELM!, "install", "shop", join(dir, "dist/chart"), "--namespace", NS, "--create-namespace", "--set", "certManager.enable=false", "--set", "prometheus.enable=false");
    expect(install.status, install.out).toBe(0);
    const got = run("kubectl", "get", "crd/cronjobs.batch.example.com", "-n", NS, "deployment/shop-controller-manager", "service/shop-webhook-service", "validatingwebhookconfiguration/shop-validating-webhook-configuration", "-o", "name");
    expect(got.status, got.out).toBe(0);
    const uninstall = run(HELM!, "uninstall", "shop", "--namespace", NS);
    expect(uninstall.status, uninstall.out).toBe(0);
    expect(run("kubectl", "get", "crd/cronjobs.batch.example.com", "-o", "name").status).toBe(0);
    expect(run("kubectl", "get", "-n", NS, "deployment/shop-controller-manager").out).toMatch(/NotFound/);
  }, 120_000);
});
