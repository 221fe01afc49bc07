import { describe, expect, it } from "vitest";
import { admitObject } from "../../../src/testing/schema/index.js";
import { cronJob, goldenSchema, lines } from "./helpers.js";

const gadgetSchema = goldenSchema("validation-markers", "validation.example.com_gadgets.yaml");
const cronJobSchema = goldenSchema("cronjob-tutorial", "batch.tutorial.kubebuilder.io_cronjobs.yaml");

/** A Gadget that satisfies every marker of the validation-markers fixture. */
function gadget(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "validation.example.com/v1",
    kind: "Gadget",
    metadata: { name: "g", namespace: "default" },
    spec: {
      name: "abc",
      explicitRequired: "x",
      k8sRequired: "y",
      schedule: "*/5 * * * *",
      backend: { image: "nginx" },
      range: { min: 1, max: 2 },
      ports: [{ name: "http", port: 80, protocol: "TCP" }],
      ...spec,
    },
  };
}

describe("the validation-markers CRD", () => {
  it("admits a valid Gadget, applying defaults", () => {
    const r = admitObject(gadgetSchema, gadget(), undefined);
    expect(r.causes).toEqual([]);
    expect(r.object).toMatchObject({
      spec: { k8sDefault: "fast", pullPolicy: "IfNotPresent", defaultsList: ["a", "b"] },
    });
  });

  it("reports marker violations with the server's messages", () => {
    const r = admitObject(gadgetSchema, gadget({ name: "AB", port: 0, mode: "Slow", percent: 7 }), undefined);
    expect(lines(r.causes)).toEqual([
      'spec.mode: FieldValueNotSupported: Unsupported value: "Slow": supported values: "Fast", "Safe"',
      'spec.name: FieldValueInvalid: Invalid value: "AB": spec.name in body should be at least 3 chars long',
      "spec.percent: FieldValueInvalid: Invalid value: 7: spec.percent in body should be a multiple of 5",
      "spec.port: FieldValueInvalid: Invalid value: 0: spec.port in body should be greater than or equal to 1",
      "<nil>: FieldValueInvalid: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
    ]);
  });

  it("evaluates its CEL rules (XValidation markers, fieldPath, transition rules)", () => {
    const r = admitObject(
      gadgetSchema,
      gadget({ backend: { image: "a", digest: "b" }, range: { min: 3, max: 2 } }),
      undefined,
    );
    expect(lines(r.causes)).toEqual([
      "spec.backend: FieldValueInvalid: Invalid value: at most one of the fields in [image digest] may be set",
      "spec.range.min: FieldValueInvalid: Invalid value: min must not exceed max",
    ]);
    const stored = admitObject(gadgetSchema, gadget({ storageClass: "fast" }), undefined).object;
    const update = admitObject(gadgetSchema, gadget({ storageClass: "slow" }), stored);
    expect(lines(update.causes)).toEqual([
      'spec.storageClass: FieldValueInvalid: Invalid value: "slow": field is immutable',
    ]);
  });
});

describe("the CronJob tutorial CRD", () => {
  it("admits the tutorial's CronJob and defaults it", () => {
    const r = admitObject(cronJobSchema, cronJob(), undefined);
    expect(r.causes).toEqual([]);
    expect(r.object).toMatchObject({ spec: { successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 } });
  });

  it("reports nested errors with full paths", () => {
    const job = cronJob();
    const containers = (
      job as { spec: { jobTemplate: { spec: { template: { spec: { containers: Record<string, unknown>[] } } } } } }
    ).spec.jobTemplate.spec.template.spec.containers;
    delete containers[0]!.name;
    containers[0]!.ports = [{ containerPort: "http" }];
    const r = admitObject(cronJobSchema, job, undefined);
    expect(r.causes.map((c) => `${c.field}: ${c.reason}`)).toEqual([
      "spec.jobTemplate.spec.template.spec.containers[0].ports[0].containerPort: FieldValueTypeInvalid",
      "spec.jobTemplate.spec.template.spec.containers[0].name: FieldValueRequired",
    ]);
  });
});
