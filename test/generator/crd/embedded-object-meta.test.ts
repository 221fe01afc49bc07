// `kb generate --generate-embedded-object-meta` (controller-gen's crd:generateEmbeddedObjectMeta):
// an ObjectMeta that is not a kind's own metadata gets name, namespace, labels, annotations and
// finalizers, and every later step (CEL type-checking, the structural check) sees that schema.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DiagnosticList } from "../../../src/diagnostics/index.js";
import { GENERATE_TARGETS, generateManifests } from "../../../src/generator/index.js";
import { BuiltinCatalog, builtinSchema, locateClientNodeModels } from "../../../src/generator/crd/builtin/index.js";
import { embeddedObjectMetaSchema, knownTypeSchema } from "../../../src/generator/crd/known-types.js";
import { writeSourceTree } from "../../helpers/source-tree.js";
import { runKb } from "../../helpers/temp-project.js";

/** The schema controller-gen v0.21.0 writes for an embedded ObjectMeta with the option. */
const EMBEDDED = {
  type: "object",
  properties: {
    annotations: { type: "object", additionalProperties: { type: "string" } },
    finalizers: { type: "array", items: { type: "string" } },
    labels: { type: "object", additionalProperties: { type: "string" } },
    name: { type: "string" },
    namespace: { type: "string" },
  },
};

const GROUP_VERSION = `// +groupName=meta.example.com
export const groupVersion = { group: "meta.example.com", version: "v1" } as const;
`;

/** A kind `Runner` whose spec has a job template and fields of type ObjectMeta; `specMarkers` above the spec type. */
function project(specMarkers = ""): string {
  return writeSourceTree({
    "api/v1/groupversion-info.ts": GROUP_VERSION,
    "api/v1/runner-types.ts": `import type { V1JobTemplateSpec } from "@kubernetes/client-node";
import type { ObjectMeta } from "kubebuilder-ts";

/** A stamp of metadata. */
export interface Stamp {
  /** metadata of the object made for this stamp. */
  metadata: ObjectMeta;
}

${specMarkers}
/** RunnerSpec holds a template. */
export interface RunnerSpec {
  /** jobTemplate of the jobs to create. */
  jobTemplate?: V1JobTemplateSpec;
  /** objectMeta copied onto what the runner makes. */
  objectMeta?: ObjectMeta;
  /** stamps, each with its metadata. */
  stamps?: Stamp[];
}

// +kubebuilder:object:root=true

/** Runner is a kind. */
export interface Runner {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: RunnerSpec;
}
`,
  });
}

function generate(dir: string, generateEmbeddedObjectMeta?: boolean) {
  const diagnostics = new DiagnosticList();
  const files = generateManifests(
    {
      paths: [dir],
      targets: GENERATE_TARGETS,
      crdDir: "/out/crd",
      rbacDir: "/out/rbac",
      webhookDir: "/out/webhook",
      roleName: "manager-role",
      kbVersion: "0.0.0-test",
      generateEmbeddedObjectMeta,
    },
    diagnostics,
  );
  const crd = files.find((f) => f.path.startsWith("/out/crd/"));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc = crd ? (parse(crd.content) as any) : undefined;
  const schema = doc?.spec.versions[0].schema.openAPIV3Schema;
  return { text: crd?.content, schema, spec: schema?.properties.spec, errors: diagnostics.errors().map((d) => `${d.code}: ${d.message}`) };
}

describe("generateEmbeddedObjectMeta", () => {
  it("gives a template's metadata, and the pod template's inside it, the five fields", () => {
    const { spec, errors } = generate(project(), true);
    expect(errors).toEqual([]);
    const jobTemplate = spec.properties.jobTemplate;
    expect(jobTemplate.properties.metadata).toEqual(EMBEDDED);
    expect(jobTemplate.properties.spec.properties.template.properties.metadata).toEqual(EMBEDDED);
  });

  it("gives a field of type ObjectMeta the five fields, keeping the field's description", () => {
    const { spec } = generate(project(), true);
    expect(spec.properties.objectMeta).toEqual({ description: "objectMeta copied onto what the runner makes.", ...EMBEDDED });
    expect(spec.properties.stamps.items.properties.metadata).toEqual({ description: "metadata of the object made for this stamp.", ...EMBEDDED });
    expect(spec.properties.stamps.items.required).toEqual(["metadata"]);
  });

  it("leaves the kind's own metadata {type: object}", () => {
    const { schema } = generate(project(), true);
    expect(schema.properties.metadata).toEqual({ type: "object" });
  });

  it("is off by default: every ObjectMeta is {type: object}, as before", () => {
    const { spec, errors } = generate(project());
    expect(errors).toEqual([]);
    expect(spec.properties.jobTemplate.properties.metadata).toEqual({ type: "object" });
    expect(spec.properties.objectMeta).toEqual({ description: "objectMeta copied onto what the runner makes.", type: "object" });
  });

  it("type-checks CEL rules against the embedded metadata: a rule on its labels compiles only with the option", () => {
    const dir = project(`// +kubebuilder:validation:XValidation:rule="!has(self.jobTemplate) || !has(self.jobTemplate.metadata) || !has(self.jobTemplate.metadata.labels) || 'app' in self.jobTemplate.metadata.labels",message="a job template needs an app label"`);
    const without = generate(dir);
    expect(without.errors.length).toBeGreaterThan(0);
    expect(without.errors.join("\n")).toMatch(/labels/);
    const withOption = generate(dir, true);
    expect(withOption.errors).toEqual([]);
    expect(withOption.spec["x-kubernetes-validations"]).toEqual([
      {
        rule: "!has(self.jobTemplate) || !has(self.jobTemplate.metadata) || !has(self.jobTemplate.metadata.labels) || 'app' in self.jobTemplate.metadata.labels",
        message: "a job template needs an app label",
      },
    ]);
  });

  it("gives the same bytes on every run, and leaves the default output as it was after a run with it", () => {
    const dir = project();
    const before = generate(dir).text;
    const a = generate(dir, true).text;
    const b = generate(dir, true).text;
    expect(a).toBe(b);
    expect(a).not.toBe(before);
    expect(generate(dir).text).toBe(before);
  });

  it("is kb generate's --generate-embedded-object-meta flag", async () => {
    const dir = project();
    const r = await runKb(dir, "generate", "crd", "--crd-dir", "out", "--generate-embedded-object-meta");
    expect(r.code, r.err).toBe(0);
    const doc = parse(readFileSync(join(dir, "out", "meta.example.com_runners.yaml"), "utf8"));
    expect(doc.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.jobTemplate.properties.metadata).toEqual(EMBEDDED);
  });
});

describe("the schemas behind the option", () => {
  it("knownTypeSchema gives ObjectMeta the five fields only when asked, a fresh object each time", () => {
    expect(knownTypeSchema("ObjectMeta")).toEqual({ type: "object" });
    expect(knownTypeSchema("ObjectMeta", { embeddedObjectMeta: true })).toEqual(EMBEDDED);
    const a = embeddedObjectMetaSchema();
    a.properties!.labels!.type = "string";
    expect(embeddedObjectMetaSchema()).toEqual(EMBEDDED);
  });

  it("builtinSchema keeps a catalog per option: asking with it does not change the answers without it", () => {
    expect(builtinSchema("V1PodTemplateSpec", { embeddedObjectMeta: true })?.properties?.metadata).toEqual(EMBEDDED);
    expect(builtinSchema("V1PodTemplateSpec")?.properties?.metadata).toEqual({ type: "object" });
    expect(builtinSchema("V1ObjectMeta", { embeddedObjectMeta: true })).toEqual(EMBEDDED);
    expect(builtinSchema("V1ObjectMeta")).toEqual({ type: "object" });
  });

  it("expands ObjectMeta so from the table of facts and from client-node's metadata alone", () => {
    const dir = locateClientNodeModels();
    for (const table of [undefined, null]) {
      const catalog = new BuiltinCatalog(dir, { table, embeddedObjectMeta: true });
      const job = catalog.schema("V1JobTemplateSpec")!;
      expect(job.properties!.metadata, `table ${table}`).toEqual(EMBEDDED);
      expect(job.properties!.spec!.properties!.template!.properties!.metadata, `table ${table}`).toEqual(EMBEDDED);
    }
  });
});
