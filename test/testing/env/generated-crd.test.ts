import { fileURLToPath } from "node:url";
import { CustomObjectsApi } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { startTestEnv } from "../../../src/testing/index.js";

/** The CronJob CRD that `kb generate` writes for the kubebuilder tutorial (a golden file of the generator). */
const GENERATED = fileURLToPath(new URL("../../../fixtures/generate/cronjob-tutorial/expected/crd", import.meta.url));

describe("a CRD written by kb generate", () => {
  it("installs, defaults and validates CronJobs as its schema says", async () => {
    const env = await startTestEnv({ crdDirectoryPaths: [GENERATED], env: {} });
    try {
      const api = env.kubeConfig.makeApiClient(CustomObjectsApi);
      const target = { group: "batch.tutorial.kubebuilder.io", version: "v1", plural: "cronjobs", namespace: "default" };
      const created = (await api.createNamespacedCustomObject({
        ...target,
        body: {
          apiVersion: "batch.tutorial.kubebuilder.io/v1",
          kind: "CronJob",
          metadata: { name: "nightly" },
          spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox" }], restartPolicy: "OnFailure" } } } } },
        },
      })) as { spec: Record<string, unknown> };
      expect(created.spec).toMatchObject({ concurrencyPolicy: "Allow", successfulJobsHistoryLimit: 3 });
      await expect(
        api.createNamespacedCustomObject({
          ...target,
          body: { apiVersion: "batch.tutorial.kubebuilder.io/v1", kind: "CronJob", metadata: { name: "broken" }, spec: { concurrencyPolicy: "Sometimes" } },
        }),
      ).rejects.toMatchObject({ code: 422 });
    } finally {
      await env.stop();
    }
  });
});
