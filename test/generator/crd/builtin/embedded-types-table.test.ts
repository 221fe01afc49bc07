import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../../src/model/index.js";
import {
  BuiltinCatalog,
  DefinitionIndex,
  KUBERNETES_TYPES,
  TABLE_FORMAT,
  locateClientNodeModels,
  serializeTable,
  tableFromOpenApi,
  type FactSchema,
} from "../../../../src/generator/crd/builtin/index.js";
import { TABLE_FILE, tableSource } from "../../../../scripts/embedded-types.js";

/** The Kubernetes version the committed table describes; `npm run embedded-types` pins it. */
const PINNED = "1.36.3";

/** The schema at a path of property names; `[]` steps into items, `{}` into map values. */
function at(schema: JSONSchemaProps | undefined, path: string): JSONSchemaProps {
  let node = schema;
  for (const step of path.split(".")) {
    if (!node) break;
    if (step === "[]") node = node.items;
    else if (step === "{}") node = typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
    else node = node.properties?.[step];
  }
  if (!node) throw new Error(`no schema at ${path}`);
  return node;
}

const catalog = new BuiltinCatalog(locateClientNodeModels());
function mustSchema(name: string): JSONSchemaProps {
  const schema = catalog.schema(name);
  if (!schema) throw new Error(`${name} is not a model`);
  return schema;
}

describe("the committed table of Kubernetes types", () => {
  it("is of the current layout and the pinned Kubernetes version", () => {
    expect(KUBERNETES_TYPES.format).toBe(TABLE_FORMAT);
    expect(KUBERNETES_TYPES.kubernetes).toBe(PINNED);
    expect(Object.keys(KUBERNETES_TYPES.definitions).length).toBeGreaterThan(700);
  });

  it("is written as the script writes it: one sorted definition a line, no descriptions", () => {
    const text = readFileSync(TABLE_FILE, "utf8");
    expect(text).toContain(serializeTable(KUBERNETES_TYPES));
    const described: string[] = [];
    const visit = (node: FactSchema, path: string): void => {
      if ("description" in node) described.push(path);
      for (const [k, v] of Object.entries(node.properties ?? {})) visit(v, `${path}.${k}`);
      if (node.items) visit(node.items, `${path}[]`);
      if (typeof node.additionalProperties === "object") visit(node.additionalProperties, `${path}{}`);
    };
    for (const [name, def] of Object.entries(KUBERNETES_TYPES.definitions)) visit(def, name);
    expect(described).toEqual([]);
    const names = Object.keys(KUBERNETES_TYPES.definitions);
    expect(names).toEqual([...names].sort());
  });

  // Only where the go command's module cache has the modules the script reads: nothing is downloaded here.
  const go = spawnSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" });
  const cache = go.error || go.status !== 0 ? "" : go.stdout.trim();
  const cached =
    cache !== "" &&
    existsSync(join(cache, `k8s.io/kubernetes@v${PINNED}`)) &&
    ["api", "apimachinery", "apiextensions-apiserver"].every((m) => existsSync(join(cache, `k8s.io/${m}@v0.${PINNED.slice(2)}`)));
  it.skipIf(!cached)(
    "is what the script makes from Kubernetes' OpenAPI documents (needs them in the go command's module cache)",
    () => {
      expect(tableSource(PINNED)).toBe(readFileSync(TABLE_FILE, "utf8"));
    },
    120_000,
  );

  it("keeps list and map semantics, int-or-string and the defaults of +default markers", () => {
    const d = KUBERNETES_TYPES.definitions;
    const podSpec = d["io.k8s.api.core.v1.PodSpec"]!.properties!;
    expect(podSpec.containers).toMatchObject({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] });
    const container = d["io.k8s.api.core.v1.Container"]!.properties!;
    expect(container.ports).toMatchObject({ "x-kubernetes-list-map-keys": ["containerPort", "protocol"] });
    const port = d["io.k8s.api.core.v1.ContainerPort"]!;
    expect(port.properties!.protocol!.default).toBe("TCP");
    // openapi-gen's zero value for a required field is not a default controller-gen writes
    expect(port.properties!.containerPort).not.toHaveProperty("default");
    expect(port.required).toEqual(["containerPort"]);
    expect(d["io.k8s.api.core.v1.LocalObjectReference"]).toMatchObject({ "x-kubernetes-map-type": "atomic" });
    // atomic through the LocalObjectReference it embeds inline, as controller-gen flattens it
    expect(d["io.k8s.api.core.v1.SecretEnvSource"]).toMatchObject({ "x-kubernetes-map-type": "atomic" });
    // LocalObjectReference.name's +default="" is the embedder's too
    expect(d["io.k8s.api.core.v1.ConfigMapKeySelector"]!.properties!.name!.default).toBe("");
    // +default=ref(...) is not a literal controller-gen can write
    expect(d["io.k8s.api.core.v1.AzureDiskVolumeSource"]!.properties!.cachingMode).not.toHaveProperty("default");
    expect(d["io.k8s.api.core.v1.AzureDiskVolumeSource"]!.properties!.fsType!.default).toBe("ext4");
    expect(d["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]).toMatchObject({ "x-kubernetes-int-or-string": true });
  });
});

describe("expanding Kubernetes types from the table", () => {
  it("gives a pod template's lists their list type and keys, and their items' defaults", () => {
    const spec = mustSchema("V1PodTemplateSpec");
    expect(at(spec, "spec.containers")).toMatchObject({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] });
    expect(at(spec, "spec.containers.[].ports")).toMatchObject({
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
    });
    expect(at(spec, "spec.containers.[].ports.[].protocol")).toMatchObject({ type: "string", default: "TCP" });
    expect(at(spec, "spec.containers.[].env")).toMatchObject({ "x-kubernetes-list-map-keys": ["name"] });
    expect(at(spec, "spec.containers.[].args")).toMatchObject({ "x-kubernetes-list-type": "atomic" });
    expect(at(spec, "spec.imagePullSecrets.[]")).toMatchObject({ "x-kubernetes-map-type": "atomic" });
    expect(at(spec, "spec.nodeSelector")).toMatchObject({ "x-kubernetes-map-type": "atomic" });
  });

  it("keeps client-node's descriptions, and the table's types, formats and Quantities", () => {
    const spec = mustSchema("V1PodTemplateSpec");
    expect(at(spec, "spec.containers.[].name").description).toMatch(/^Name of the container specified as a DNS_LABEL/);
    expect(at(spec, "spec.containers.[].ports.[].containerPort")).toMatchObject({ type: "integer", format: "int32" });
    expect(at(spec, "spec.containers.[].resources.limits.{}")).toMatchObject({ "x-kubernetes-int-or-string": true });
    expect(at(spec, "spec.containers.[].livenessProbe.httpGet.port")).toMatchObject({ "x-kubernetes-int-or-string": true });
    expect(at(spec, "metadata")).toEqual({ type: "object" });
  });

  it("follows the table's Kubernetes version where client-node's is older", () => {
    const job = mustSchema("V1JobTemplateSpec");
    // a field of 1.36 that client-node 1.4 (Kubernetes 1.34) does not have
    expect(at(job, "spec.template.spec").properties).toHaveProperty("schedulingGroup");
    // status became optional in 1.36
    const pattern = at(job, "spec.podFailurePolicy.rules.[].onPodConditions.[]");
    expect(pattern.required).toEqual(["type"]);
  });

  it("expands from client-node alone without a table, as before", () => {
    const plain = new BuiltinCatalog(locateClientNodeModels(), { table: null });
    const spec = plain.schema("V1PodSpec")!;
    expect(at(spec, "containers")).not.toHaveProperty("x-kubernetes-list-type");
    expect(at(spec, "containers.[].name").type).toBe("string");
  });
});

describe("tableFromOpenApi", () => {
  const doc = {
    components: {
      schemas: {
        "io.example.v1.Widget": {
          description: "dropped",
          type: "object",
          required: ["size", "name"],
          "x-kubernetes-map-type": "atomic",
          properties: {
            name: { type: "string", default: "", description: "dropped" },
            size: { type: "integer", format: "int32", default: 0 },
            mode: { type: "string", default: "Fast", enum: ["Fast", "Slow"] },
            parts: {
              type: "array",
              items: { allOf: [{ $ref: "#/components/schemas/io.example.v1.Part" }], default: {} },
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["id"],
              "x-kubernetes-patch-strategy": "merge",
            },
            spec: { allOf: [{ $ref: "#/components/schemas/io.example.v1.Part" }], default: {} },
          },
        },
        "io.example.v1.Part": { type: "object", properties: { id: { type: "string" } } },
      },
    },
  };

  it("keeps the facts, drops descriptions, patch strategies, +enum values and openapi-gen's zero-value defaults", () => {
    const table = tableFromOpenApi([doc, { paths: {} }], { kubernetes: "test" });
    expect(table.definitions["io.example.v1.Widget"]).toEqual({
      type: "object",
      required: ["name", "size"],
      "x-kubernetes-map-type": "atomic",
      properties: {
        mode: { type: "string", default: "Fast" },
        name: { type: "string" },
        parts: {
          type: "array",
          items: { $ref: "io.example.v1.Part" },
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["id"],
        },
        size: { type: "integer", format: "int32" },
        spec: { $ref: "io.example.v1.Part" },
      },
    });
  });

  it("is deterministic whatever the order of keys in the documents", () => {
    const reversed = JSON.parse(JSON.stringify(doc, (_k, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)));
    expect(serializeTable(tableFromOpenApi([reversed], { kubernetes: "t" }))).toBe(serializeTable(tableFromOpenApi([doc], { kubernetes: "t" })));
  });

  it("says what it expected when the documents have no definitions", () => {
    expect(() => tableFromOpenApi([{ openapi: "3.0.0" }], { kubernetes: "t" })).toThrow(/components\.schemas/);
  });
});

describe("DefinitionIndex", () => {
  const index = new DefinitionIndex(KUBERNETES_TYPES);
  it("maps client-node model names to definitions and back", () => {
    expect(index.definitionOf("V1JobTemplateSpec")).toBe("io.k8s.api.batch.v1.JobTemplateSpec");
    expect(index.definitionOf("V1Condition")).toBe("io.k8s.apimachinery.pkg.apis.meta.v1.Condition");
    expect(index.definitionOf("CoreV1EventSeries")).toBe("io.k8s.api.core.v1.EventSeries");
    expect(index.definitionOf("EventsV1EventSeries")).toBe("io.k8s.api.events.v1.EventSeries");
    expect(index.definitionOf("V1NoSuchThing")).toBeUndefined();
    expect(index.modelOf("io.k8s.api.core.v1.EventSeries", (m) => m === "CoreV1EventSeries")).toBe("CoreV1EventSeries");
  });
});
