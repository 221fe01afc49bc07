import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DiagnosticList } from "../../../src/diagnostics/index.js";
import { GENERATE_TARGETS, generateManifests } from "../../../src/generator/index.js";
import { writeSourceTree } from "../../helpers/source-tree.js";

const GROUP_VERSION = `// +groupName=fidelity.example.com
export const groupVersion = { group: "fidelity.example.com", version: "v1" } as const;
`;

/** A kind `Widget` whose spec is `spec`, with `kindMarkers` above it. */
function project(spec: string, kindMarkers = ""): string {
  return writeSourceTree({
    "api/v1/groupversion-info.ts": GROUP_VERSION,
    "api/v1/widget-types.ts": `import type { IntOrString, ObjectMeta, RawExtension } from "kubebuilder-ts";

export interface WidgetSpec {
${spec}
}

// +kubebuilder:object:root=true
${kindMarkers}
/** Widget is a kind. */
export interface Widget {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: WidgetSpec;
}
`,
  });
}

function generate(dir: string) {
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
    },
    diagnostics,
  );
  const crd = files.find((f) => f.path.startsWith("/out/crd/"));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc = crd ? (parse(crd.content) as any) : undefined;
  return { doc, errors: diagnostics.errors(), warnings: diagnostics.warnings() };
}

describe("CRDs as controller-gen v0.21.0 writes them", () => {
  it("gives a version with printer columns and no subresource an empty subresources object", () => {
    const { doc, errors } = generate(project("  size?: string;", '// +kubebuilder:printcolumn:name="Size",type=string,JSONPath=`.spec.size`'));
    expect(errors).toEqual([]);
    expect(doc.spec.versions[0].subresources).toEqual({});
    expect(doc.spec.versions[0].additionalPrinterColumns).toEqual([{ jsonPath: ".spec.size", name: "Size", type: "string" }]);
  });

  it("writes no subresources for a version with neither columns nor subresources", () => {
    const { doc } = generate(project("  size?: string;"));
    expect(doc.spec.versions[0]).not.toHaveProperty("subresources");
  });
});

describe("schemas the API server refuses are refused at generation, at the field", () => {
  it("refuses an embedded resource that is not an object", () => {
    const dir = project(`  /** a string that claims to be an object. */
  // +kubebuilder:validation:EmbeddedResource
  name?: string;`);
    const { errors } = generate(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe(
      "the schema of Widget.spec.name is an embedded resource of type string; the API server accepts x-kubernetes-embedded-resource only with type: object",
    );
    expect(errors[0]!.location).toMatchObject({ file: expect.stringMatching(/widget-types\.ts$/), line: 6 });
  });

  it("refuses an embedded resource without a type", () => {
    const { errors } = generate(
      project(`  // +kubebuilder:validation:Schemaless
  // +kubebuilder:validation:EmbeddedResource
  // +kubebuilder:pruning:PreserveUnknownFields
  object?: unknown;`),
    );
    expect(errors.map((e) => e.message)).toEqual([
      "the schema of Widget.spec.object is an embedded resource without a type; the API server accepts x-kubernetes-embedded-resource only with type: object",
    ]);
  });

  it("refuses an embedded resource with neither properties nor preserved unknown fields", () => {
    const { errors } = generate(
      project(`  // +kubebuilder:validation:EmbeddedResource
  // +kubebuilder:validation:Type=object
  // +kubebuilder:validation:Schemaless
  object?: unknown;`),
    );
    expect(errors.map((e) => e.message)).toEqual([
      "the schema of Widget.spec.object is an embedded resource with no properties and without x-kubernetes-preserve-unknown-fields, which the API server refuses",
    ]);
  });

  it("accepts an embedded RawExtension, an object that preserves unknown fields", () => {
    const { errors, doc } = generate(
      project(`  // +kubebuilder:validation:EmbeddedResource
  object?: RawExtension;`),
    );
    expect(errors).toEqual([]);
    expect(doc.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.object).toEqual({
      type: "object",
      "x-kubernetes-embedded-resource": true,
      "x-kubernetes-preserve-unknown-fields": true,
    });
  });

  it("refuses uniqueItems: true on a list, on the field or its items", () => {
    for (const marker of ["+kubebuilder:validation:UniqueItems=true", "+kubebuilder:validation:items:UniqueItems=true"]) {
      const target = marker.includes("items:") ? "grid?: string[][];" : "tags?: string[];";
      const { errors } = generate(project(`  // ${marker}\n  ${target}`));
      expect(errors, marker).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/uniqueItems: true in a CRD/);
      expect(errors[0]!.hint).toMatch(/\+listType=set/);
      expect(errors[0]!.location?.line).toBe(4);
    }
  });
});

describe("string markers on IntOrString need XIntOrString, as in controller-gen", () => {
  it("refuses Pattern, MaxLength and MinLength on an IntOrString field without XIntOrString", () => {
    const { errors } = generate(
      project(`  // +kubebuilder:validation:Pattern=\`^\\d+%?$\`
  share?: IntOrString;
  // +kubebuilder:validation:MaxLength=4
  // +kubebuilder:validation:MinLength=1
  size?: IntOrString | null;`),
    );
    expect(errors.map((e) => [e.message, e.location?.line])).toEqual([
      ["+kubebuilder:validation:Pattern: applies to an IntOrString field only beside +kubebuilder:validation:XIntOrString, as in controller-gen", 4],
      ["+kubebuilder:validation:MaxLength: applies to an IntOrString field only beside +kubebuilder:validation:XIntOrString, as in controller-gen", 6],
      ["+kubebuilder:validation:MinLength: applies to an IntOrString field only beside +kubebuilder:validation:XIntOrString, as in controller-gen", 7],
    ]);
    expect(errors[0]!.hint).toBe("add +kubebuilder:validation:XIntOrString to the field");
  });

  it("applies them beside XIntOrString, wherever it stands among the field's markers", () => {
    const { errors, doc } = generate(
      project(`  // +kubebuilder:validation:Pattern=\`^\\d+%?$\`
  // +kubebuilder:validation:XIntOrString
  share?: IntOrString;`),
    );
    expect(errors).toEqual([]);
    expect(doc.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.share).toEqual({
      anyOf: [{ type: "integer" }, { type: "string" }],
      pattern: "^\\d+%?$",
      "x-kubernetes-int-or-string": true,
    });
  });

  it("asks items: markers on a list of IntOrString for items:XIntOrString", () => {
    const refused = generate(project(`  // +kubebuilder:validation:items:Pattern=\`^\\d+%?$\`\n  shares?: IntOrString[];`));
    expect(refused.errors.map((e) => e.hint)).toEqual(["add +kubebuilder:validation:items:XIntOrString to the field"]);
    const accepted = generate(
      project(`  // +kubebuilder:validation:items:XIntOrString
  // +kubebuilder:validation:items:Pattern=\`^\\d+%?$\`
  shares?: IntOrString[];`),
    );
    expect(accepted.errors).toEqual([]);
    expect(accepted.doc.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.shares.items.pattern).toBe("^\\d+%?$");
  });

  it("keeps string markers on plain strings as they were", () => {
    const { errors } = generate(project("  // +kubebuilder:validation:MaxLength=4\n  name?: string;"));
    expect(errors).toEqual([]);
  });
});

describe("Schemaless fields", () => {
  it("leave the field's type unread, as controller-gen leaves the Go type", () => {
    const dir = writeSourceTree({
      "api/v1/groupversion-info.ts": GROUP_VERSION,
      "api/v1/widget-types.ts": `import type { ObjectMeta } from "kubebuilder-ts";

export interface Circle { radius: number }
export interface Square { side: number }

export interface WidgetSpec {
  // +kubebuilder:validation:Schemaless
  // +kubebuilder:pruning:PreserveUnknownFields
  shape: Circle | Square;
  // +kubebuilder:validation:Schemaless
  // +kubebuilder:validation:Type=string
  when: Date | undefined;
  // +kubebuilder:validation:Schemaless
  // +kubebuilder:validation:Type=object
  // +kubebuilder:pruning:PreserveUnknownFields
  index?: Map<string, Circle>;
}

// +kubebuilder:object:root=true
export interface Widget {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: WidgetSpec;
}
`,
    });
    const { errors, doc } = generate(dir);
    expect(errors).toEqual([]);
    const spec = doc.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    expect(spec.properties).toEqual({
      index: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      shape: { "x-kubernetes-preserve-unknown-fields": true },
      when: { type: "string" },
    });
    // `| undefined` still makes the field optional
    expect(spec.required).toEqual(["shape"]);
  });

  it("still refuses a Schemaless field that ends up with no type", () => {
    const { errors } = generate(project("  // +kubebuilder:validation:Schemaless\n  blob?: unknown;"));
    expect(errors.map((e) => e.message)).toEqual([
      "the schema of Widget.spec.blob has no type, so the CRD is not structural and the API server rejects it",
    ]);
  });
});
