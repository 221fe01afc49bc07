import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../../src/model/index.js";
import {
  BuiltinCatalog,
  builtinSchema,
  descriptionsFromOpenApi,
  documentDescription,
  embeddedOpenApiCatalog,
  locateClientNodeModels,
  readEmbeddedOpenApiFolder,
  tableFromOpenApi,
} from "../../../../src/generator/crd/builtin/index.js";

/**
 * Small OpenAPI v3 documents of our own, shaped as an API server serves them (a property of
 * a named type is `allOf: [{$ref}]` beside the field's doc, or a bare `$ref` without one),
 * for definitions that client-node has models of, so that the fallback to client-node shows.
 */
const ref = (name: string) => `#/components/schemas/${name}`;
const CORE = "io.k8s.api.core.v1";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

const PROBE_DOCUMENT = {
  openapi: "3.0.0",
  components: {
    schemas: {
      [`${CORE}.Probe`]: {
        description: "Probe, as our made-up cluster describes it.",
        type: "object",
        properties: {
          httpGet: { allOf: [{ $ref: ref(`${CORE}.HTTPGetAction`) }], description: "The field's own doc of httpGet." },
          tcpSocket: { $ref: ref(`${CORE}.TCPSocketAction`) },
          exec: { allOf: [{ $ref: ref(`${CORE}.ExecAction`) }] },
          periodSeconds: { type: "integer", format: "int32" },
          timeoutSeconds: {
            type: "integer",
            format: "int32",
            description: 'Seconds before the probe times out.\n\nPossible enum values:\n - `"1"` one second\n - `"2"` two',
          },
          sandbox: { type: "string", description: "A field client-node has never heard of." },
        },
      },
      [`${CORE}.HTTPGetAction`]: {
        description: "HTTPGetAction, in our words.",
        type: "object",
        required: ["port"],
        properties: {
          path: { type: "string", description: "The path, in our words." },
          port: { allOf: [{ $ref: ref(INT_OR_STRING) }], description: "The port, in our words." },
        },
      },
      [`${CORE}.TCPSocketAction`]: {
        description: "TCPSocketAction, in our words.",
        type: "object",
        properties: { port: { allOf: [{ $ref: ref(INT_OR_STRING) }] } },
      },
      [`${CORE}.ExecAction`]: {
        type: "object",
        properties: { command: { type: "array", items: { type: "string", default: "" }, description: "The command, in our words." } },
      },
      [INT_OR_STRING]: { type: "string", format: "int-or-string", description: "The generic doc of int-or-string." },
    },
  },
};

const TEMPLATE_DOCUMENT = {
  openapi: "3.0.0",
  components: {
    schemas: {
      [`${CORE}.PodTemplateSpec`]: {
        description: "A template, in our words.",
        type: "object",
        properties: {
          metadata: { allOf: [{ $ref: ref(OBJECT_META) }], default: {}, description: "The template's metadata, in our words." },
          spec: { allOf: [{ $ref: ref(`${CORE}.PodSpec`) }], default: {}, description: "The template's spec, in our words." },
        },
      },
      [`${CORE}.PodSpec`]: {
        description: "A pod spec, in our words.",
        type: "object",
        required: ["containers"],
        properties: {
          containers: { type: "array", items: { allOf: [{ $ref: ref(`${CORE}.Container`) }], default: {} }, description: "The containers, in our words." },
          extras: { type: "object", additionalProperties: { $ref: ref(`${CORE}.Sidecar`) } },
        },
      },
      [`${CORE}.Container`]: {
        description: "A container, in our words.",
        type: "object",
        required: ["name"],
        properties: { name: { type: "string", description: "The name, in our words." } },
      },
      // a type client-node has no model of: its descriptions can only come from the documents
      [`${CORE}.Sidecar`]: {
        description: "A sidecar, in our words.",
        type: "object",
        properties: { image: { type: "string", description: "The sidecar's image, in our words." } },
      },
      [OBJECT_META]: { description: "The generic doc of object metadata.", type: "object", properties: { name: { type: "string" } } },
    },
  },
};

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A folder holding the documents as `kubectl get --raw` saves them. */
function folder(documents: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "kb-openapi-docs-"));
  made.push(dir);
  for (const [file, doc] of Object.entries(documents)) writeFileSync(join(dir, file), JSON.stringify(doc));
  return dir;
}

/** A catalog of kb's client-node with the facts and, unless `descriptions` is false, the docs of `documents`. */
function catalogOf(documents: readonly unknown[], descriptions = true): BuiltinCatalog {
  const table = tableFromOpenApi(documents, { kubernetes: "test" });
  return new BuiltinCatalog(locateClientNodeModels(), descriptions ? { table, descriptions: descriptionsFromOpenApi(documents) } : { table });
}

const prop = (s: JSONSchemaProps | undefined, name: string): JSONSchemaProps => {
  const p = s?.properties?.[name];
  if (!p) throw new Error(`no property ${name}`);
  return p;
};

describe("descriptionsFromOpenApi", () => {
  it("reads each definition's doc and its properties' own docs, beside an allOf $ref or not", () => {
    const docs = descriptionsFromOpenApi([PROBE_DOCUMENT]);
    const probe = docs.definitions[`${CORE}.Probe`];
    expect(probe?.description).toBe("Probe, as our made-up cluster describes it.");
    expect(probe?.properties).toEqual({
      httpGet: "The field's own doc of httpGet.",
      timeoutSeconds: "Seconds before the probe times out.",
      sandbox: "A field client-node has never heard of.",
    });
    expect(docs.definitions[`${CORE}.ExecAction`]).toEqual({ properties: { command: "The command, in our words." } });
  });

  it("takes a definition several documents carry from the first, and ignores documents without definitions", () => {
    const other = structuredClone(PROBE_DOCUMENT);
    other.components.schemas[`${CORE}.Probe`].description = "Another cluster's words.";
    const docs = descriptionsFromOpenApi([{ paths: {} }, PROBE_DOCUMENT, other, "not a document"]);
    expect(docs.definitions[`${CORE}.Probe`]?.description).toBe("Probe, as our made-up cluster describes it.");
  });

  it("cuts the enum values section an API server adds with OpenAPIEnums on", () => {
    expect(documentDescription('Restart policy.\n\nPossible enum values:\n - `"Always"` always')).toBe("Restart policy.");
    expect(documentDescription("Possible enum values:\n - `\"A\"`")).toBeUndefined();
    expect(documentDescription("  Plain.\n\nSecond paragraph.  ")).toBe("Plain.\n\nSecond paragraph.");
    expect(documentDescription(42)).toBeUndefined();
  });
});

describe("BuiltinCatalog with the documents' descriptions", () => {
  const probe = catalogOf([PROBE_DOCUMENT]).schema("V1Probe");

  it("gives a field of a named type its own doc from the documents, not its type's", () => {
    const httpGet = prop(probe, "httpGet");
    expect(httpGet.description).toBe("The field's own doc of httpGet.");
    expect(prop(httpGet, "port").description).toBe("The port, in our words.");
    expect(prop(httpGet, "port")["x-kubernetes-int-or-string"]).toBe(true);
    expect(prop(httpGet, "path").description).toBe("The path, in our words.");
  });

  it("gives a field without a doc of its own its type's doc, the documents' first", () => {
    expect(prop(probe, "tcpSocket").description).toBe("TCPSocketAction, in our words.");
    // IntOrString is a known type whose generic doc controller-gen never writes
    expect(prop(prop(probe, "tcpSocket"), "port")).not.toHaveProperty("description");
    expect(probe?.description).toBe("Probe, as our made-up cluster describes it.");
  });

  it("falls back to client-node where the documents have no description", () => {
    const clientNode = builtinSchema("V1Probe");
    expect(prop(probe, "periodSeconds").description).toBe(prop(clientNode, "periodSeconds").description);
    expect(prop(probe, "periodSeconds").description).toBeTruthy();
    // ExecAction has no doc in the documents: client-node's type doc, under the documents' field doc
    expect(prop(probe, "exec").description).toBe(builtinSchema("V1ExecAction")?.description);
    expect(prop(prop(probe, "exec"), "command").description).toBe("The command, in our words.");
  });

  it("describes fields newer than client-node, without the enum values section", () => {
    expect(prop(probe, "sandbox")).toEqual({ type: "string", description: "A field client-node has never heard of." });
    expect(prop(probe, "timeoutSeconds").description).toBe("Seconds before the probe times out.");
  });

  it("gives a template's metadata and spec their field docs, list items their type's, and types client-node lacks their docs", () => {
    const template = catalogOf([TEMPLATE_DOCUMENT]).schema("V1PodTemplateSpec");
    expect(prop(template, "metadata")).toEqual({ type: "object", description: "The template's metadata, in our words." });
    const spec = prop(template, "spec");
    expect(spec.description).toBe("The template's spec, in our words.");
    expect(prop(spec, "containers").description).toBe("The containers, in our words.");
    expect(prop(spec, "containers").items?.description).toBe("A container, in our words.");
    const extras = prop(spec, "extras");
    expect(extras).not.toHaveProperty("description");
    expect(extras.additionalProperties).toEqual({
      type: "object",
      description: "A sidecar, in our words.",
      properties: { image: { type: "string", description: "The sidecar's image, in our words." } },
    });
  });

  it("keeps client-node's descriptions without them, as the default mode does", () => {
    const plain = catalogOf([PROBE_DOCUMENT], false).schema("V1Probe");
    const clientNode = builtinSchema("V1Probe");
    expect(prop(plain, "httpGet").description).toBe(builtinSchema("V1HTTPGetAction")?.description);
    expect(prop(prop(plain, "httpGet"), "port")).not.toHaveProperty("description");
    expect(prop(plain, "sandbox")).not.toHaveProperty("description");
    expect(plain?.description).toBe(clientNode?.description);
  });

  it("is what --embedded-openapi reads from a folder, the same on every run", () => {
    const dir = folder({ "core-v1.json": PROBE_DOCUMENT, "template.json": TEMPLATE_DOCUMENT });
    const { descriptions } = readEmbeddedOpenApiFolder(dir);
    expect(descriptions.definitions[`${CORE}.Sidecar`]?.description).toBe("A sidecar, in our words.");
    const first = embeddedOpenApiCatalog(dir).schema("V1Probe");
    expect(first).toEqual(probe);
    expect(JSON.stringify(embeddedOpenApiCatalog(dir).schema("V1Probe"))).toBe(JSON.stringify(first));
  });
});
