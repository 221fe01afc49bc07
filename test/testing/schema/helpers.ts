import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { JSONSchemaProps } from "../../../src/model/schema.js";
import { admitObject, type SchemaCause } from "../../../src/testing/schema/index.js";

/** A custom resource of kind Widget with the given spec (and optional extra top-level fields). */
export function widget(spec: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w", namespace: "default" },
    spec,
    ...extra,
  };
}

/** A root schema with the given `spec` schema (and optional other root properties). */
export function rootSchema(
  spec: JSONSchemaProps,
  more: Record<string, JSONSchemaProps> = {},
  root: Partial<JSONSchemaProps> = {},
): JSONSchemaProps {
  return {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec,
      ...more,
    },
    ...root,
  };
}

/** The causes of admitting `spec` under a root whose spec schema is `spec`. */
export function causesOf(spec: JSONSchemaProps, value: unknown, old?: unknown): SchemaCause[] {
  const schema = rootSchema(spec);
  return admitObject(schema, widget(value), old === undefined ? undefined : widget(old)).causes;
}

/** `field: message` lines, for readable expectations. */
export function lines(causes: readonly SchemaCause[]): string[] {
  return causes.map((c) => `${c.field}: ${c.reason}: ${c.message}`);
}

/** The openAPIV3Schema of the first version of a golden CRD under fixtures/generate. */
export function goldenSchema(fixture: string, file: string): JSONSchemaProps {
  const path = join(import.meta.dirname, "../../../fixtures/generate", fixture, "expected/crd", file);
  const crd = parse(readFileSync(path, "utf8")) as {
    spec: { versions: { schema: { openAPIV3Schema: JSONSchemaProps } }[] };
  };
  return crd.spec.versions[0]!.schema.openAPIV3Schema;
}

/** A CronJob as the kubebuilder tutorial creates it. */
export function cronJob(name = "job"): Record<string, unknown> {
  return {
    apiVersion: "batch.tutorial.kubebuilder.io/v1",
    kind: "CronJob",
    metadata: { name, namespace: "default", labels: { app: "demo" } },
    spec: {
      schedule: "*/1 * * * *",
      startingDeadlineSeconds: 60,
      concurrencyPolicy: "Forbid",
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          template: {
            metadata: { labels: { app: "demo" } },
            spec: {
              restartPolicy: "OnFailure",
              containers: [
                {
                  name: "hello",
                  image: "busybox:1.36",
                  args: ["/bin/sh", "-c", "date; echo Hello"],
                  resources: { limits: { cpu: "100m", memory: "64Mi" } },
                  ports: [{ containerPort: 8080, protocol: "TCP" }],
                  env: [{ name: "A", value: "1" }],
                },
              ],
            },
          },
        },
      },
    },
  };
}
