import { describe, expect, it } from "vitest";
import { defineResource, Pod, Deployment } from "../../../src/runtime/resource.js";
import { CONVERSION_PATH, defaultingPath, validatingPath } from "../../../src/runtime/webhook/paths.js";

describe("webhook paths", () => {
  const CronJob = defineResource({ group: "batch.tutorial.kubebuilder.io", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true });

  it("names a custom resource's webhooks as kubebuilder scaffolds them", () => {
    expect(defaultingPath(CronJob)).toBe("/mutate-batch-tutorial-kubebuilder-io-v1-cronjob");
    expect(validatingPath(CronJob)).toBe("/validate-batch-tutorial-kubebuilder-io-v1-cronjob");
  });

  it("gives the core group a double dash and lower-cases the kind", () => {
    expect(defaultingPath(Pod)).toBe("/mutate--v1-pod");
    expect(validatingPath(Pod)).toBe("/validate--v1-pod");
    expect(defaultingPath(Deployment)).toBe("/mutate-apps-v1-deployment");
  });

  it("serves conversion on /convert", () => {
    expect(CONVERSION_PATH).toBe("/convert");
  });
});
