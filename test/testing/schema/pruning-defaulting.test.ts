import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../src/model/schema.js";
import { admitObject } from "../../../src/testing/schema/index.js";
import { rootSchema, widget } from "./helpers.js";

function admitted(spec: JSONSchemaProps, value: unknown, extraRoot: Record<string, JSONSchemaProps> = {}): unknown {
  const r = admitObject(rootSchema(spec, extraRoot), widget(value), undefined);
  expect(r.causes).toEqual([]);
  return (r.object as { spec: unknown }).spec;
}

describe("pruning", () => {
  it("drops fields the schema does not know, at every depth", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        a: { type: "string" },
        nested: { type: "object", properties: { keep: { type: "integer" } } },
        list: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
      },
    };
    const out = admitted(spec, {
      a: "x",
      extra: 1,
      nested: { keep: 1, drop: { deep: true } },
      list: [{ name: "n", junk: "j" }, { other: 1 }],
    });
    expect(out).toEqual({ a: "x", nested: { keep: 1 }, list: [{ name: "n" }, {}] });
  });

  it("never prunes apiVersion, kind and metadata at the root, and drops unknown root fields", () => {
    const schema: JSONSchemaProps = { type: "object", properties: { spec: { type: "object" } } };
    const r = admitObject(schema, { ...widget({}), bogus: 1, status: { x: 1 } }, undefined);
    expect(r.object).toEqual({
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w", namespace: "default" },
      spec: {},
    });
  });

  it("round-trips root metadata through ObjectMeta: unknown and empty fields go", () => {
    const schema = rootSchema({ type: "object" });
    const r = admitObject(
      schema,
      {
        ...widget({}),
        metadata: {
          name: "w",
          labels: {},
          annotations: { a: "b" },
          bogus: 1,
          creationTimestamp: "2024-01-02T03:04:05.123+01:00",
        },
      },
      undefined,
    );
    expect((r.object as { metadata: unknown }).metadata).toEqual({
      name: "w",
      annotations: { a: "b" },
      creationTimestamp: "2024-01-02T02:04:05Z",
    });
  });

  it("reports root metadata of the wrong type", () => {
    const r = admitObject(rootSchema({ type: "object" }), { ...widget({}), metadata: { name: 5 } }, undefined);
    expect(r.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "metadata",
        message:
          'Invalid value: {"name":5}: json: cannot unmarshal number into Go struct field ObjectMeta.name of type string',
      },
    ]);
  });

  it("keeps everything under x-kubernetes-preserve-unknown-fields, but prunes known properties inside", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
      properties: { typed: { type: "object", properties: { a: { type: "string" } } } },
    };
    expect(admitted(spec, { free: { any: [1, { x: 2 }] }, typed: { a: "x", b: "pruned" } })).toEqual({
      free: { any: [1, { x: 2 }] },
      typed: { a: "x" },
    });
  });

  it("keeps apiVersion, kind and (normalized) metadata of embedded resources", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        template: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { spec: { type: "object", properties: { image: { type: "string" } } } },
        },
      },
    };
    const out = admitted(spec, {
      template: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p", labels: { a: "b" }, unknownMeta: 1 },
        spec: { image: "nginx", junk: 1 },
        junk: 2,
      },
    });
    expect(out).toEqual({
      template: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p", labels: { a: "b" } },
        spec: { image: "nginx" },
      },
    });
  });

  it("embedded resource with preserve-unknown-fields keeps its unknown fields", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        raw: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
      },
    };
    const value = { raw: { apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: 1, anything: ["x"] } } };
    expect(admitted(spec, value)).toEqual(value);
  });

  it("prunes map values by additionalProperties", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        byName: { type: "object", additionalProperties: { type: "object", properties: { port: { type: "integer" } } } },
      },
    };
    expect(admitted(spec, { byName: { a: { port: 1, x: 1 }, b: {} } })).toEqual({ byName: { a: { port: 1 }, b: {} } });
  });

  it("keeps both shapes of int-or-string", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: { a: { "x-kubernetes-int-or-string": true }, b: { "x-kubernetes-int-or-string": true } },
    };
    expect(admitted(spec, { a: 5, b: "50%" })).toEqual({ a: 5, b: "50%" });
  });

  it("drops nulls the schema does not allow, keeps nullable ones", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        a: { type: "string" },
        b: { type: "string", nullable: true },
        c: { type: "object", properties: { d: { type: "integer" } } },
      },
    };
    expect(admitted(spec, { a: null, b: null, c: { d: null } })).toEqual({ b: null, c: {} });
  });

  it("does not modify its input", () => {
    const input = widget({ a: 1, b: 2 });
    const copy = structuredClone(input);
    admitObject(rootSchema({ type: "object", properties: { a: { type: "integer" } } }), input, undefined);
    expect(input).toEqual(copy);
  });
});

describe("defaulting", () => {
  it("fills missing fields with deep copies of their defaults, recursively", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        replicas: { type: "integer", default: 1 },
        strategy: {
          type: "object",
          default: {},
          properties: {
            type: { type: "string", default: "RollingUpdate" },
            rolling: {
              type: "object",
              default: { maxSurge: 1 },
              properties: { maxSurge: { type: "integer" }, maxUnavailable: { type: "integer", default: 0 } },
            },
          },
        },
        tags: { type: "array", items: { type: "string" }, default: ["a"] },
      },
    };
    const a = admitted(spec, {}) as Record<string, unknown>;
    expect(a).toEqual({
      replicas: 1,
      strategy: { type: "RollingUpdate", rolling: { maxSurge: 1, maxUnavailable: 0 } },
      tags: ["a"],
    });
    const b = admitted(spec, {}) as { tags: string[] };
    b.tags.push("mutated");
    expect((admitted(spec, {}) as { tags: string[] }).tags).toEqual(["a"]);
  });

  it("does not override values that are present", () => {
    const spec: JSONSchemaProps = { type: "object", properties: { replicas: { type: "integer", default: 1 } } };
    expect(admitted(spec, { replicas: 3 })).toEqual({ replicas: 3 });
  });

  it("defaults a null in a non-nullable field, keeps a null in a nullable one", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: { a: { type: "string", default: "x" }, b: { type: "string", nullable: true, default: "y" } },
    };
    expect(admitted(spec, { a: null, b: null })).toEqual({ a: "x", b: null });
  });

  it("defaults inside arrays of objects and map values", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        ports: {
          type: "array",
          items: {
            type: "object",
            properties: { port: { type: "integer" }, protocol: { type: "string", default: "TCP" } },
          },
        },
        byName: {
          type: "object",
          additionalProperties: { type: "object", properties: { on: { type: "boolean", default: true } } },
        },
      },
    };
    expect(admitted(spec, { ports: [{ port: 80 }, { port: 53, protocol: "UDP" }], byName: { a: {} } })).toEqual({
      ports: [
        { port: 80, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
      ],
      byName: { a: { on: true } },
    });
  });

  it("prunes defaults by the schema, as the server does when it loads the CRD", () => {
    const spec: JSONSchemaProps = {
      type: "object",
      properties: {
        opts: { type: "object", default: { known: 1, unknown: 2 }, properties: { known: { type: "integer" } } },
      },
    };
    expect(admitted(spec, {})).toEqual({ opts: { known: 1 } });
  });

  it("defaults the spec itself when it is missing", () => {
    const schema = rootSchema({ type: "object", default: {}, properties: { size: { type: "string", default: "M" } } });
    const r = admitObject(schema, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }, undefined);
    expect((r.object as { spec: unknown }).spec).toEqual({ size: "M" });
  });

  it("defaults before validating: a default that breaks a rule is reported", () => {
    const spec: JSONSchemaProps = { type: "object", properties: { n: { type: "integer", default: 10, maximum: 5 } } };
    const r = admitObject(rootSchema(spec), widget({}), undefined);
    expect(r.causes.map((c) => c.field)).toEqual(["spec.n"]);
  });
});
