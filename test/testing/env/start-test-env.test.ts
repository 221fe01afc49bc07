import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { installCrds, readCrdFiles, shouldUseExistingCluster, startTestEnv } from "../../../src/testing/index.js";
import { CRD_DIR } from "../helpers.js";

describe("startTestEnv", () => {
  it("starts in well under a second with CRDs and objects, and stops", async () => {
    // CPU time: a loaded machine stretches wall-clock time, not this process's work.
    const t0 = process.cpuUsage();
    const env = await startTestEnv({
      crdDirectoryPaths: [CRD_DIR],
      objects: [{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "seeded", namespace: "apps" }, spec: { size: 2 } } as never],
      env: {},
    });
    const used = process.cpuUsage(t0);
    const elapsed = (used.user + used.system) / 1000;
    try {
      expect(elapsed).toBeLessThan(1000);
      expect(env.existingCluster).toBe(false);
      expect(env.kubeConfig.getCurrentCluster()?.server).toBe(env.server.url);
      const co = env.kubeConfig.makeApiClient(CustomObjectsApi);
      const w = (await co.getNamespacedCustomObject({ group: "example.com", version: "v1", namespace: "apps", plural: "widgets", name: "seeded" })) as Record<string, unknown>;
      expect(w["spec"]).toEqual({ size: 2, color: "blue" });
      expect(env.kubeConfig.getContextObject(env.kubeConfig.getCurrentContext())?.namespace).toBe("default");
    } finally {
      await env.stop();
    }
    await expect(fetch(`${env.server.url}/version`)).rejects.toThrow();
  });

  it("runs many environments side by side on OS-chosen ports", async () => {
    const envs = await Promise.all([1, 2, 3].map(() => startTestEnv({ env: {} })));
    expect(new Set(envs.map((e) => e.server.port)).size).toBe(3);
    await Promise.all(envs.map((e) => e.stop()));
  });
});

describe("USE_EXISTING_CLUSTER", () => {
  it("selects the existing cluster from the option, else from the environment variable", () => {
    expect(shouldUseExistingCluster({})).toBe(false);
    expect(shouldUseExistingCluster({ USE_EXISTING_CLUSTER: "true" })).toBe(true);
    expect(shouldUseExistingCluster({ USE_EXISTING_CLUSTER: "TRUE " })).toBe(true);
    expect(shouldUseExistingCluster({ USE_EXISTING_CLUSTER: "1" })).toBe(false);
    expect(shouldUseExistingCluster({ USE_EXISTING_CLUSTER: "false" })).toBe(false);
    expect(shouldUseExistingCluster({ USE_EXISTING_CLUSTER: "true" }, false)).toBe(false);
    expect(shouldUseExistingCluster({}, true)).toBe(true);
  });

  it("installs CRDs (create, then replace) as written, and waits until they are Established", async () => {
    const host = await startTestEnv({ env: {} });
    try {
      const crds = readCrdFiles([CRD_DIR]);
      await installCrds(host.kubeConfig, crds as never, { pollIntervalMs: 5 });
      await installCrds(host.kubeConfig, crds as never, { pollIntervalMs: 5 });
      expect(host.store.registry.resolve("example.com", "v1", "widgets")).toBeDefined();
      // Sent as written: client-node's typed models would drop default, enum and x-kubernetes-* keys.
      const stored = host.store.get(host.store.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions"), undefined, "widgets.example.com");
      expect(JSON.stringify(stored)).toEqual(expect.stringContaining('"color":{"type":"string","enum":["red","blue","green"],"default":"blue"}'));
      expect(JSON.stringify(stored)).toEqual(expect.stringContaining('"x-kubernetes-list-type":"set"'));
    } finally {
      await host.stop();
    }
  });

  it("uses the current kubeconfig's cluster (here: another in-process server, found through KUBECONFIG)", async () => {
    const host = await startTestEnv({ env: {} });
    const dir = mkdtempSync(join(tmpdir(), "kb-testing-"));
    const file = join(dir, "config");
    writeFileSync(file, host.kubeConfig.exportConfig());
    const saved = process.env["KUBECONFIG"];
    process.env["KUBECONFIG"] = file;
    try {
      const env = await startTestEnv({
        env: { USE_EXISTING_CLUSTER: "true" },
        crdDirectoryPaths: [CRD_DIR],
        objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "made-there", namespace: "default" } }],
      });
      expect(env.existingCluster).toBe(true);
      expect(env.kubeConfig.getCurrentCluster()?.server).toBe(host.server.url);
      expect(() => env.server).toThrow(/existing cluster/);
      expect(() => env.store).toThrow(/no in-process server/);
      const core = env.kubeConfig.makeApiClient(CoreV1Api);
      expect((await core.readNamespacedConfigMap({ namespace: "default", name: "made-there" })).metadata?.name).toBe("made-there");
      expect(host.store.registry.resolve("example.com", "v1", "widgets")).toBeDefined();
      await env.stop();
    } finally {
      if (saved === undefined) delete process.env["KUBECONFIG"];
      else process.env["KUBECONFIG"] = saved;
      rmSync(dir, { recursive: true, force: true });
      await host.stop();
    }
  });
});
