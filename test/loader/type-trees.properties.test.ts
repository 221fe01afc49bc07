import { fc, test } from "@fast-check/vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { parse } from "yaml";
import { DiagnosticList, formatDiagnostic } from "../../src/diagnostics/index.js";
import { generateManifests, type GenerateOptions } from "../../src/generator/generate-manifests.js";
import type { JSONSchemaProps } from "../../src/model/index.js";
import { fuzzParams } from "../helpers/fuzz.js";
import { writeSourceTree } from "../helpers/source-tree.js";

/** A type in a generated API: a scalar, an array, an inline object, or a named interface. */
type Node =
  | { readonly t: "scalar"; readonly ts: string; readonly schema: string }
  | { readonly t: "array"; readonly items: Node }
  | { readonly t: "object"; readonly fields: readonly FieldNode[]; readonly named: boolean };
interface FieldNode {
  readonly name: string;
  readonly optional: boolean;
  readonly type: Node;
}

const SCALARS = [
  { ts: "string", schema: "string" },
  { ts: "number", schema: "number" },
  { ts: "boolean", schema: "boolean" },
  { ts: "int32", schema: "integer" },
  { ts: "int64", schema: "integer" },
] as const;

// Field names: identifiers, and quoted names with any printable characters (JSON allows them).
const fieldName = fc.oneof(
  fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/),
  fc.string({ minLength: 1, maxLength: 6, unit: "grapheme" }).filter((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s)),
);

const typeTree: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...SCALARS).map((s): Node => ({ t: "scalar", ...s })),
    tie("node").map((items): Node => ({ t: "array", items })),
    fc
      .tuple(fc.uniqueArray(fc.record({ name: fieldName, optional: fc.boolean(), type: tie("node") }), { selector: (f) => f.name, maxLength: 5 }), fc.boolean())
      .map(([fields, named]): Node => ({ t: "object", fields, named })),
  ),
})).node;

/** Writes the tree as TypeScript: named objects become interfaces, the others inline types. */
function render(spec: Node): string {
  const decls: string[] = [];
  let n = 0;
  const typeOf = (node: Node): string => {
    switch (node.t) {
      case "scalar":
        return node.ts;
      case "array": {
        const inner = typeOf(node.items);
        return node.items.t === "object" && !node.items.named ? `Array<${inner}>` : `${inner}[]`;
      }
      case "object": {
        const body = node.fields.map((f) => `  ${/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name) ? f.name : JSON.stringify(f.name)}${f.optional ? "?" : ""}: ${typeOf(f.type)};`).join("\n");
        if (!node.named) return `{\n${body}\n}`;
        const name = `T${n++}`;
        decls.push(`export interface ${name} {\n${body}\n}`);
        return name;
      }
    }
  };
  const specType = typeOf(spec);
  return [
    'import type { int32, int64, ObjectMeta } from "kubebuilder-ts";',
    "",
    "// +kubebuilder:object:root=true",
    "export interface Widget {",
    "  apiVersion?: string;",
    "  kind?: string;",
    "  metadata?: ObjectMeta;",
    `  spec?: ${specType};`,
    "}",
    "",
    ...decls,
    "",
  ].join("\n");
}

/** Checks that `schema` has exactly the declared fields, types and required list, all the way down. */
function expectSchema(node: Node, schema: JSONSchemaProps, path: string): void {
  switch (node.t) {
    case "scalar":
      expect(schema.type, path).toBe(node.schema);
      return;
    case "array":
      expect(schema.type, path).toBe("array");
      expectSchema(node.items, schema.items as JSONSchemaProps, `${path}[]`);
      return;
    case "object": {
      expect(schema.type, path).toBe("object");
      const props = (schema.properties ?? {}) as Record<string, JSONSchemaProps>;
      expect(Object.keys(props).sort(), path).toEqual(node.fields.map((f) => f.name).sort());
      expect([...((schema.required as string[] | undefined) ?? [])].sort(), `${path} required`).toEqual(
        node.fields.filter((f) => !f.optional).map((f) => f.name).sort(),
      );
      for (const f of node.fields) expectSchema(f.type, props[f.name]!, `${path}.${f.name}`);
    }
  }
}

const GV = "// +groupName=widgets.example.com\nexport {};\n";

function generate(files: Record<string, string | Uint8Array>) {
  const dir = writeSourceTree({});
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  const options: GenerateOptions = {
    paths: [dir],
    targets: ["crd", "rbac", "webhook"],
    crdDir: join(dir, "out/crd"),
    rbacDir: join(dir, "out/rbac"),
    webhookDir: join(dir, "out/webhook"),
    roleName: "manager-role",
    kbVersion: "0.0.0-test",
  };
  const diagnostics = new DiagnosticList();
  const started = performance.now();
  const out = generateManifests(options, diagnostics);
  return { dir, out, diagnostics, ms: performance.now() - started };
}

describe("loader properties", () => {
  test.prop([typeTree.filter((t) => t.t === "object")], fuzzParams(60))("the CRD has exactly the declared fields, at every depth", (spec) => {
    const { out, diagnostics, dir } = generate({ "api/v1/groupversion-info.ts": GV, "api/v1/widget-types.ts": render(spec) });
    expect(diagnostics.errors().map((d) => formatDiagnostic(d, dir))).toEqual([]);
    expect(out.map((f) => f.path.slice(dir.length + 1))).toEqual(["out/crd/widgets.example.com_widgets.yaml"]);
    const crd = parse(out[0]!.content) as { spec: { versions: { schema: { openAPIV3Schema: JSONSchemaProps } }[] } };
    const root = crd.spec.versions[0]!.schema.openAPIV3Schema;
    expectSchema(spec, (root.properties as Record<string, JSONSchemaProps>).spec!, "spec");
  });

  // Mutations of a valid source: whatever they do, kb answers with output or located errors.
  const TOKENS = ["{", "}", "[", "]", "(", ")", "<", ">", ";", ":", "?", "|", "&", "=", ",", "\n", "\n\n", " ", "//", "/*", "*/", "/**", '"', "'", "`", "+kubebuilder:object:root=true", "+kubebuilder:validation:MinLength=1", "+kubebuilder:default={a:1}", "+optional", "export", "interface", "type", "extends", "string", "number", "T0", "Widget", "\u00e9", "\u2028", "\u001b[2J"];
  const mutation = fc.oneof(
    fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom(...TOKENS) }),
    fc.record({ op: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ op: fc.constant("byte" as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0xff, 0xc3, 0xed, 0xfe) }),
  );

  test.prop([typeTree.filter((t) => t.t === "object"), fc.array(mutation, { minLength: 1, maxLength: 4 })], fuzzParams(150))(
    "mutated sources: output or errors located in the sources, never a crash, within seconds",
    (spec, mutations) => {
      let bytes = Buffer.from(render(spec));
      for (const m of mutations) {
        const at = m.at % (bytes.length + 1);
        if (m.op === "insert") bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text), bytes.subarray(at)]);
        else if (m.op === "delete") bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
        else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
      }
      const { diagnostics, dir, out, ms } = generate({ "api/v1/groupversion-info.ts": GV, "api/v1/widget-types.ts": bytes });
      for (const d of diagnostics.errors()) {
        expect(d.location, formatDiagnostic(d, dir)).toBeDefined();
        expect(d.location!.file.startsWith(dir), formatDiagnostic(d, dir)).toBe(true);
        expect(formatDiagnostic(d, dir)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }
      for (const f of out) expect(f.path.startsWith(join(dir, "out/")), f.path).toBe(true);
      expect(ms).toBeLessThan(5000);
    },
  );

  test.prop([typeTree.filter((t) => t.t === "object"), fc.array(fc.constantFrom("crlf", "trailing", "bom", "comment"), { minLength: 1, maxLength: 3 })], fuzzParams(60))(
    "line endings, trailing spaces, a byte order mark and plain comments change nothing",
    (spec, changes) => {
      const text = render(spec);
      let changed = text;
      for (const c of changes) {
        if (c === "crlf") changed = changed.replace(/\r?\n/g, "\r\n");
        if (c === "trailing") changed = changed.replace(/;(\r?\n)/g, "; \t$1");
        if (c === "bom") changed = changed.startsWith("\uFEFF") ? changed : `\uFEFF${changed}`;
        if (c === "comment") changed = `// a plain comment\n\n${changed}\n/* another */\n`;
      }
      const a = generate({ "api/v1/groupversion-info.ts": GV, "api/v1/widget-types.ts": text });
      const b = generate({ "api/v1/groupversion-info.ts": GV, "api/v1/widget-types.ts": changed });
      expect(b.diagnostics.all().map((d) => formatDiagnostic(d, b.dir))).toEqual(a.diagnostics.all().map((d) => formatDiagnostic(d, a.dir)));
      expect(b.out.map((f) => f.content)).toEqual(a.out.map((f) => f.content));
    },
  );
});

describe("marker block properties", () => {
  const SOURCE = [
    'import type { ObjectMeta } from "kubebuilder-ts";',
    "",
    "// +kubebuilder:object:root=true",
    "// +kubebuilder:subresource:status",
    '// +kubebuilder:printcolumn:name="Size",type=integer,JSONPath=".spec.size"',
    "",
    "// Widget is a kind.",
    "export interface Widget {",
    "  apiVersion?: string;",
    "  kind?: string;",
    "  metadata?: ObjectMeta;",
    "  // +kubebuilder:validation:Minimum=1",
    "  // +kubebuilder:validation:Maximum=9",
    "  // size is the size.",
    "  size?: number;",
    "  // +kubebuilder:validation:MinLength=1",
    "  /** name is the name. */",
    "  // +kubebuilder:validation:MaxLength=5",
    "  name?: string;",
    "  spec?: { size?: number };",
    "}",
    "",
  ];

  /** The CRDs without descriptions (a doc comment moved away by a blank line is a description lost, by Go's rule). */
  const withoutDescriptions = (content: string) => content.replace(/^\s*description: .*(\n\s{6,}\S.*)*$/gm, "");

  test.prop([fc.uniqueArray(fc.integer({ min: 1, max: SOURCE.length - 1 }), { minLength: 1, maxLength: 4 })], fuzzParams(100))(
    "blank lines anywhere: the same CRDs, or a warning located at each marker that no longer attaches, never a silent change",
    (at) => {
      const lines = [...SOURCE];
      for (const i of [...at].sort((a, b) => b - a)) lines.splice(i, 0, "");
      const base = generate({ "api/v1/groupversion-info.ts": GV, "api/v1/widget-types.ts": SOURCE.join("\n") });
      const changed = generate({ "api/v1/groupversion-info.ts": GV, "api/v1/widget-types.ts": lines.join("\n") });
      const same = JSON.stringify(changed.out.map((f) => withoutDescriptions(f.content))) === JSON.stringify(base.out.map((f) => withoutDescriptions(f.content)));
      const warnings = changed.diagnostics.warnings().filter((d) => d.code === "marker-detached");
      if (!same) expect(warnings.length, lines.join("\n")).toBeGreaterThan(0);
      for (const w of warnings) expect(lines[w.location!.line - 1]).toContain("+");
    },
  );
});
