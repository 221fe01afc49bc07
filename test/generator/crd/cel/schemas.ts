import { DiagnosticList, type Diagnostic } from "../../../../src/diagnostics/index.js";
import { checkValidationRules, type RuleSite } from "../../../../src/generator/crd/cel/index.js";
import type { JSONSchemaProps, ValidationRule } from "../../../../src/model/schema.js";

/** Schemas shaped like what the CRD generator emits for a few realistic API types. */

/** An autoscaler-like spec: bounded and unbounded fields, a listMap, a map, an int-or-string. */
export function scalerSpec(): JSONSchemaProps {
  return {
    type: "object",
    required: ["minReplicas", "maxReplicas"],
    properties: {
      minReplicas: { type: "integer", format: "int32", minimum: 0 },
      maxReplicas: { type: "integer", format: "int32" },
      targetRef: {
        type: "object",
        properties: {
          apiVersion: { type: "string", maxLength: 253 },
          kind: { type: "string", maxLength: 63 },
          name: { type: "string", maxLength: 253 },
        },
      },
      metrics: {
        type: "array",
        maxItems: 16,
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["name"],
        items: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string", maxLength: 63 },
            target: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
            selector: {
              type: "object",
              maxProperties: 8,
              additionalProperties: { type: "string", maxLength: 63 },
            },
          },
        },
      },
      // unbounded on purpose: cost warnings
      tags: { type: "array", items: { type: "string" } },
      annotations: { type: "object", additionalProperties: { type: "string" } },
      description: { type: "string" },
      mode: { type: "string", enum: ["Auto", "Manual"] },
      schedule: { type: "string", maxLength: 64 },
      // names that need escaping
      "node-selector": { type: "string", maxLength: 63 },
      "app.kubernetes.io/name": { type: "string", maxLength: 63 },
      namespace: { type: "string", maxLength: 63 },
      x__y: { type: "integer" },
      // schema-less and preserved values
      config: { "x-kubernetes-preserve-unknown-fields": true },
      extension: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      template: {
        type: "object",
        "x-kubernetes-embedded-resource": true,
        "x-kubernetes-preserve-unknown-fields": true,
      },
      port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
      suspendUntil: { type: "string", format: "date-time" },
      timeout: { type: "string", format: "duration" },
      caBundle: { type: "string", format: "byte" },
      weight: { type: "number" },
      paused: { type: "boolean" },
    },
  };
}

/** A kind's root schema, as the CRD generator builds it. */
export function rootSchema(spec: JSONSchemaProps = scalerSpec()): JSONSchemaProps {
  return {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec,
      status: { type: "object", properties: { replicas: { type: "integer" } } },
    },
  };
}

export const LOCATION = { file: "/project/api/v1/scaler-types.ts", line: 12, column: 4 } as const;

/** Runs the checks over rules on one schema node; returns every diagnostic. */
export function check(
  schema: JSONSchemaProps,
  rules: readonly (string | ValidationRule)[],
  extra: Partial<RuleSite> = {},
): Diagnostic[] {
  const diagnostics = new DiagnosticList();
  const sites: RuleSite[] = rules.map((r) => ({
    rule: typeof r === "string" ? { rule: r } : r,
    schema,
    location: LOCATION,
    ...extra,
  }));
  checkValidationRules(sites, diagnostics);
  return diagnostics.all();
}

/** `code: message (hint)` lines, for compact assertions. */
export function lines(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ""}`);
}
