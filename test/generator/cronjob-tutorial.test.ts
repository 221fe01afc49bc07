import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { JSONSchemaProps } from "../../src/model/index.js";

/**
 * The CronJob tutorial of the kubebuilder book, ported to TypeScript, read field by field
 * against what the tutorial says controller-gen produces for its Go types.
 */
const crd = parse(
  readFileSync(
    join(import.meta.dirname, "../../fixtures/generate/cronjob-tutorial/expected/crd/batch.tutorial.kubebuilder.io_cronjobs.yaml"),
    "utf8",
  ),
) as {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: Record<string, string>;
    versions: { name: string; served: boolean; storage: boolean; subresources: unknown; schema: { openAPIV3Schema: JSONSchemaProps } }[];
  };
};
const version = crd.spec.versions[0]!;
const root = version.schema.openAPIV3Schema;
const spec = root.properties!.spec!;
const status = root.properties!.status!;
const prop = (s: JSONSchemaProps, name: string) => s.properties![name]!;

describe("CronJob tutorial CRD", () => {
  it("names the resource as the tutorial shows", () => {
    expect(crd.metadata.name).toBe("cronjobs.batch.tutorial.kubebuilder.io");
    expect(crd.spec.group).toBe("batch.tutorial.kubebuilder.io");
    expect(crd.spec.names).toEqual({ kind: "CronJob", listKind: "CronJobList", plural: "cronjobs", singular: "cronjob" });
    expect(crd.spec.scope).toBe("Namespaced");
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([["v1", true, true]]);
    expect(version.subresources).toEqual({ status: {} });
  });

  it("has TypeMeta and ObjectMeta as controller-gen writes them", () => {
    expect(prop(root, "apiVersion").type).toBe("string");
    expect(prop(root, "kind").type).toBe("string");
    expect(prop(root, "apiVersion").description).toMatch(/^APIVersion defines the versioned schema/);
    expect(prop(root, "metadata")).toEqual({ type: "object" });
    expect(root.required).toEqual(["spec"]);
  });

  it("validates the spec: schedule, deadline, policy, limits", () => {
    expect(spec.required).toEqual(["jobTemplate", "schedule"]);
    expect(prop(spec, "schedule")).toMatchObject({ type: "string", minLength: 0 });
    expect(prop(spec, "startingDeadlineSeconds")).toMatchObject({ type: "integer", format: "int64", minimum: 0 });
    expect(prop(spec, "concurrencyPolicy")).toMatchObject({ type: "string", enum: ["Allow", "Forbid", "Replace"], default: "Allow" });
    expect(prop(spec, "suspend")).toMatchObject({ type: "boolean" });
    expect(prop(spec, "successfulJobsHistoryLimit")).toMatchObject({ type: "integer", format: "int32", minimum: 0, default: 3 });
    expect(prop(spec, "failedJobsHistoryLimit")).toMatchObject({ type: "integer", format: "int32", minimum: 0, default: 1 });
  });

  it("expands the job template from batch/v1 JobTemplateSpec", () => {
    const jobTemplate = prop(spec, "jobTemplate");
    expect(jobTemplate.type).toBe("object");
    expect(prop(jobTemplate, "metadata").type).toBe("object");
    const jobSpec = prop(jobTemplate, "spec");
    expect(jobSpec.required).toEqual(["template"]);
    expect(prop(jobSpec, "backoffLimit")).toMatchObject({ type: "integer", format: "int32" });
    expect(prop(jobSpec, "activeDeadlineSeconds")).toMatchObject({ type: "integer", format: "int64" });
    const podSpec = prop(prop(jobSpec, "template"), "spec");
    expect(podSpec.required).toEqual(["containers"]);
    const container = prop(podSpec, "containers").items!;
    expect(container.required).toEqual(["name"]);
    expect(prop(container, "ports").items!.required).toEqual(["containerPort"]);
    expect(prop(prop(container, "ports").items!, "containerPort")).toMatchObject({ type: "integer", format: "int32" });
    const limits = prop(prop(container, "resources"), "limits").additionalProperties as JSONSchemaProps;
    expect(limits["x-kubernetes-int-or-string"]).toBe(true);
    expect(limits.anyOf).toEqual([{ type: "integer" }, { type: "string" }]);
    const probePort = prop(prop(prop(container, "livenessProbe"), "httpGet"), "port");
    expect(probePort).toMatchObject({ anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true });
  });

  it("records status: active jobs, last schedule time, conditions", () => {
    expect(status.required).toBeUndefined();
    const active = prop(status, "active");
    expect(active).toMatchObject({ type: "array", minItems: 1, maxItems: 10, "x-kubernetes-list-type": "atomic" });
    expect(Object.keys(active.items!.properties!).sort()).toEqual(["apiVersion", "fieldPath", "kind", "name", "namespace", "resourceVersion", "uid"]);
    expect(prop(status, "lastScheduleTime")).toMatchObject({ type: "string", format: "date-time" });
    const conditions = prop(status, "conditions");
    expect(conditions).toMatchObject({ type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] });
    const condition = conditions.items!;
    expect(condition.required).toEqual(["lastTransitionTime", "message", "reason", "status", "type"]);
    expect(prop(condition, "status").enum).toEqual(["True", "False", "Unknown"]);
    expect(prop(condition, "type")).toMatchObject({ maxLength: 316 });
    expect(prop(condition, "reason")).toMatchObject({ minLength: 1, maxLength: 1024 });
    expect(prop(condition, "message")).toMatchObject({ maxLength: 32768 });
    expect(prop(condition, "observedGeneration")).toMatchObject({ format: "int64", minimum: 0 });
  });
});
