import { describe, expect, it } from "vitest";
import { collectFields, fromFieldsV1, toFieldsV1 } from "../../../src/testing/patch/field-set.js";
import { formatPath } from "../../../src/testing/patch/field-path.js";
import { applyConfiguration, type ApplyOptions } from "../../../src/testing/patch/server-side-apply.js";
import { builtinStructure, schemaStructure } from "../../../src/testing/patch/structure.js";
import { recordUpdate } from "../../../src/testing/patch/managed-fields.js";
import type { JsonObject } from "../../../src/testing/store/json.js";
import { statusOf } from "../helpers.js";

const structure = schemaStructure({
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        ports: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object" } },
        tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
        args: { type: "array", items: { type: "string" } },
        selector: { type: "object", "x-kubernetes-map-type": "atomic" },
      },
    },
  },
});

const opts = (manager: string, extra: Partial<ApplyOptions> = {}): ApplyOptions => ({
  manager,
  force: false,
  apiVersion: "example.com/v1",
  time: "2025-01-01T00:00:00Z",
  scope: "all",
  structure,
  ...extra,
});

const base = (spec: JsonObject): JsonObject => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "default" }, spec });

describe("field sets", () => {
  it("count leaves, keyed items, set members and atomic values, and round-trip through FieldsV1", () => {
    const obj = base({ a: 1, ports: [{ name: "http", port: 80 }], tags: ["x"], args: ["--v"], selector: { k: "v" } });
    const set = collectFields(obj, structure);
    expect([...set.values()].map((f) => formatPath(f.path)).sort()).toEqual(
      ['.spec.a', '.spec.args', '.spec.ports[name="http"]', '.spec.ports[name="http"].name', '.spec.ports[name="http"].port', '.spec.selector', '.spec.tags[="x"]'].sort(),
    );
    const v1 = toFieldsV1(set);
    expect(v1).toEqual({
      "f:spec": {
        "f:a": {},
        "f:args": {},
        "f:ports": { 'k:{"name":"http"}': { ".": {}, "f:name": {}, "f:port": {} } },
        "f:selector": {},
        "f:tags": { 'v:"x"': {} },
      },
    });
    expect([...fromFieldsV1(v1).keys()].sort()).toEqual([...set.keys()].sort());
  });

  it("leave out system metadata, apiVersion and kind", () => {
    const obj = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", uid: "u", resourceVersion: "1", labels: { x: "1" } } };
    expect([...collectFields(obj, builtinStructure()).values()].map((f) => formatPath(f.path))).toEqual([".metadata.labels.x"]);
  });
});

describe("server-side apply", () => {
  it("merges keyed lists by key and sets by value, and replaces atomic lists", () => {
    const live = base({ ports: [{ name: "http", port: 80 }], tags: ["a"], args: ["x"] });
    const out = applyConfiguration(live, base({ ports: [{ name: "grpc", port: 90 }], tags: ["b"], args: ["y"] }), opts("m"));
    expect(out["spec"]).toEqual({ ports: [{ name: "http", port: 80 }, { name: "grpc", port: 90 }], tags: ["a", "b"], args: ["y"] });
  });

  it("removes fields the manager stops applying, unless another manager owns them", () => {
    const first = applyConfiguration(undefined, base({ a: 1, b: 2 }), opts("m"));
    const shared = applyConfiguration(first, base({ b: 2 }), opts("other"));
    const second = applyConfiguration(shared, base({}), opts("m"));
    expect(second["spec"]).toEqual({ b: 2 });
  });

  it("reports a conflict with another manager's field, and takes it over with force", () => {
    const live = applyConfiguration(undefined, base({ a: 1 }), opts("first"));
    const status = statusOf(() => applyConfiguration(live, base({ a: 2 }), opts("second")));
    expect(status).toMatchObject({
      code: 409,
      reason: "Conflict",
      message: 'Apply failed with 1 conflict: conflict with "first": .spec.a',
      details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "first"', field: ".spec.a" }] },
    });
    const forced = applyConfiguration(live, base({ a: 2 }), opts("second", { force: true }));
    expect(forced["spec"]).toEqual({ a: 2 });
    const managers = (forced["metadata"] as JsonObject)["managedFields"] as JsonObject[];
    expect(managers.map((m) => m["manager"])).toEqual(["second"]);
  });

  it("shares ownership without conflict when values agree, and groups several conflicts by manager", () => {
    const live = applyConfiguration(undefined, base({ a: 1, b: 1 }), opts("first"));
    expect(() => applyConfiguration(live, base({ a: 1 }), opts("second"))).not.toThrow();
    const status = statusOf(() => applyConfiguration(live, base({ a: 2, b: 2 }), opts("second")));
    expect(status.message).toBe('Apply failed with 2 conflicts: conflicts with "first":\n- .spec.a\n- .spec.b');
  });

  it("conflicts with fields an Update took, naming the manager, version and time", () => {
    const created = base({ a: 1 });
    recordUpdate(undefined, created, { manager: "kubectl", apiVersion: "example.com/v1", time: "2025-01-01T00:00:00Z", structure });
    const status = statusOf(() => applyConfiguration(created, base({ a: 5 }), opts("ssa")));
    expect(status.message).toBe('Apply failed with 1 conflict: conflict with "kubectl" using example.com/v1: .spec.a');
  });
});

describe("recordUpdate", () => {
  it("gives the writer the fields it changed (and the maps it added) and takes them from others", () => {
    const v1 = base({ a: 1, b: 1 });
    recordUpdate(undefined, v1, { manager: "one", apiVersion: "v", time: "t1", structure });
    const v2: JsonObject = JSON.parse(JSON.stringify(v1));
    (v2["spec"] as JsonObject)["b"] = 2;
    recordUpdate(v1, v2, { manager: "two", apiVersion: "v", time: "t2", structure });
    const entries = (v2["metadata"] as JsonObject)["managedFields"] as JsonObject[];
    expect(entries.map((e) => [e["manager"], e["operation"], e["fieldsV1"]])).toEqual([
      ["one", "Update", { "f:spec": { ".": {}, "f:a": {} } }],
      ["two", "Update", { "f:spec": { "f:b": {} } }],
    ]);
  });
});
