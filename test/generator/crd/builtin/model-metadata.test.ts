import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ts } from "ts-morph";
import { afterAll, describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../../src/model/index.js";
import {
  BuiltinCatalog,
  goTypeName,
  locateClientNodeModels,
  QUANTITY_FIELDS,
} from "../../../../src/generator/crd/builtin/index.js";
import { parseAttributeType, readModelMetadata } from "../../../../src/generator/crd/builtin/model-metadata.js";

const HEADER = "/**\n * Generated header\n *\n * Do not edit the class manually.\n */\n";

interface FakeProperty {
  name: string;
  baseName?: string;
  type: string;
  dtsType?: string;
  format?: string;
  optional?: boolean;
  doc?: string;
}

/** Writes a model in the layout client-node's generator uses (our own made-up models). */
function writeModel(dir: string, name: string, doc: string | undefined, props: FakeProperty[], imports = ""): void {
  const classDoc = doc === undefined ? "" : `/**\n* ${doc}\n*/\n`;
  const members = props
    .map((p) => {
      const d = p.doc === undefined ? "" : `    /**\n    * ${p.doc}\n    */\n`;
      return `${d}    '${p.name}'${p.optional === false ? "" : "?"}: ${p.dtsType ?? p.type};\n`;
    })
    .join("");
  const statics = [
    "    static readonly discriminator: string | undefined;",
    "    static readonly attributeTypeMap: Array<{",
    "        name: string;",
    "    }>;",
    "    constructor();",
  ].join("\n");
  const dts = `${HEADER}${imports}${classDoc}export declare class ${name} {\n${members}${statics}\n}\n`;
  writeFileSync(join(dir, `${name}.d.ts`), dts);
  const map = props.map((p) => ({
    name: p.name,
    baseName: p.baseName ?? p.name,
    type: p.type,
    format: p.format ?? "",
  }));
  const js = [
    `${HEADER}${classDoc}export class ${name} {\n}`,
    `${name}.discriminator = undefined;`,
    `${name}.attributeTypeMap = ${JSON.stringify(map, null, 4)};`,
    `//# sourceMappingURL=${name}.js.map`,
  ].join("\n");
  writeFileSync(join(dir, `${name}.js`), js);
}

const fakeDir = mkdtempSync(join(tmpdir(), "kb-builtin-"));
afterAll(() => rmSync(fakeDir, { recursive: true, force: true }));

writeModel(fakeDir, "V1Gadget", 'Gadget is a made-up type with \\"quoted\\" words and a path C:\\\\gadgets.', [
  { name: "label", type: "string", optional: false, doc: "The gadget\\'s label." },
  { name: "_default", baseName: "default", type: "any", doc: "A default." },
  {
    name: "sizes",
    type: "{ [key: string]: Array<number>; }",
    dtsType: "{\n        [key: string]: Array<number>;\n    }",
    format: "int32",
  },
  { name: "child", type: "V1Gadget" },
  { name: "parts", type: "Array<V1Part>", doc: "The parts." },
  { name: "count", type: "number", format: "int64", optional: false },
]);
writeModel(fakeDir, "V1Part", undefined, [{ name: "weight", type: "number", format: "double" }]);
writeModel(
  fakeDir,
  "V7ResourceRequirements",
  "Requirements.",
  [
    { name: "limits", type: "Array<number>", format: "int64" },
    { name: "requests", type: "{ [key: string]: string; }", dtsType: "{\n        [key: string]: string;\n    }" },
  ],
  "import { V1Part } from '../models/V1Part.js';\n",
);

describe("readModelMetadata", () => {
  it("reads types and formats from the .js, and docs and optionality from the .d.ts", () => {
    const meta = readModelMetadata(fakeDir, "V1Gadget");
    expect(meta?.description).toBe('Gadget is a made-up type with "quoted" words and a path C:\\gadgets.');
    const byName = new Map(meta?.properties.map((p) => [p.jsonName, p]));
    expect(byName.get("label")).toMatchObject({ optional: false, description: "The gadget's label." });
    expect(byName.get("default")).toMatchObject({
      propertyName: "_default",
      optional: true,
      description: "A default.",
    });
    expect(byName.get("sizes")).toMatchObject({
      format: "int32",
      type: { kind: "map", values: { kind: "array", items: { kind: "name", name: "number" } } },
      description: "",
    });
    expect(byName.get("count")).toMatchObject({ optional: false, format: "int64" });
  });

  it("does not take the file header for a class doc", () => {
    expect(readModelMetadata(fakeDir, "V1Part")?.description).toBe("");
  });

  it("knows no model outside the directory", () => {
    expect(readModelMetadata(fakeDir, "V1Nothing")).toBeUndefined();
    expect(readModelMetadata(fakeDir, "../V1Gadget")).toBeUndefined();
  });
});

describe("parseAttributeType", () => {
  it("parses arrays, maps and names", () => {
    expect(parseAttributeType("Array<V1Container>")).toEqual({
      kind: "array",
      items: { kind: "name", name: "V1Container" },
    });
    expect(parseAttributeType("{ [key: string]: Array<string>; }")).toEqual({
      kind: "map",
      values: { kind: "array", items: { kind: "name", name: "string" } },
    });
    expect(parseAttributeType("IntOrString")).toEqual({ kind: "name", name: "IntOrString" });
  });
});

describe("BuiltinCatalog on made-up models", () => {
  const catalog = new BuiltinCatalog(fakeDir);

  it("expands with sorted required, formats, descriptions and a cut where a model recurses", () => {
    const s = catalog.schema("V1Gadget");
    expect(s).toEqual({
      type: "object",
      description: 'Gadget is a made-up type with "quoted" words and a path C:\\gadgets.',
      required: ["count", "label"],
      properties: {
        child: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        count: { type: "integer", format: "int64" },
        default: { type: "object", "x-kubernetes-preserve-unknown-fields": true, description: "A default." },
        label: { type: "string", description: "The gadget's label." },
        parts: {
          type: "array",
          description: "The parts.",
          items: { type: "object", properties: { weight: { type: "number" } } },
        },
        sizes: { type: "object", additionalProperties: { type: "array", items: { type: "integer", format: "int32" } } },
      },
    } satisfies JSONSchemaProps);
  });

  it("applies the Quantity list only to string-typed fields", () => {
    const s = catalog.schema("V7ResourceRequirements");
    expect(s?.properties?.limits).toEqual({ type: "array", items: { type: "integer", format: "int64" } });
    expect(s?.properties?.requests?.additionalProperties).toMatchObject({ "x-kubernetes-int-or-string": true });
  });
});

/** Every model class client-node ships. */
function allModels(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -".d.ts".length))
    .filter((n) => n !== "ObjectSerializer" && n !== "all")
    .sort();
}

/** A JSDoc comment's text the way the TypeScript parser sees the comment before `pos`. */
function tsDocBefore(text: string, pos: number): string {
  const ranges = (ts.getLeadingCommentRanges(text, pos) ?? []).filter((r) => r.pos !== 0);
  const last = ranges.at(-1);
  if (!last || !text.startsWith("/**", last.pos)) return "";
  return text
    .slice(last.pos + 3, last.end - 2)
    .split("\n")
    .map((l) => l.replace(/^\s*\*? ?/, "").trimEnd())
    .join("\n")
    .trim()
    .replace(/\\(.)/gs, "$1");
}

describe("client-node's whole model set", () => {
  const dir = locateClientNodeModels();
  const models = allModels(dir);

  it("is read by the line scanner exactly as the TypeScript parser reads it", () => {
    expect(models.length).toBeGreaterThan(500);
    for (const name of models) {
      const text = readFileSync(join(dir, `${name}.d.ts`), "utf8");
      const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
      const cls = file.statements.find(
        (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name,
      );
      if (!cls) throw new Error(`no class ${name}`);
      const meta = readModelMetadata(dir, name);
      expect(meta?.description, name).toBe(tsDocBefore(text, cls.pos));
      const declared = new Map<string, { optional: boolean; description: string }>();
      for (const m of cls.members) {
        if (!ts.isPropertyDeclaration(m) || m.modifiers?.some((k) => k.kind === ts.SyntaxKind.StaticKeyword)) continue;
        if (!ts.isStringLiteral(m.name) && !ts.isIdentifier(m.name)) continue;
        declared.set(m.name.text, { optional: m.questionToken !== undefined, description: tsDocBefore(text, m.pos) });
      }
      expect(meta?.properties.map((p) => p.propertyName).sort(), name).toEqual([...declared.keys()].sort());
      for (const p of meta?.properties ?? []) {
        expect({ optional: p.optional, description: p.description }, `${name}.${p.propertyName}`).toEqual(
          declared.get(p.propertyName),
        );
      }
    }
  });

  it("expands every model to a structural schema: every node has a type, is an int-or-string or takes anything", () => {
    const catalog = new BuiltinCatalog(dir);
    const untyped: string[] = [];
    const visit = (s: JSONSchemaProps, path: string): void => {
      if (!s.type && !s["x-kubernetes-int-or-string"] && !s["x-kubernetes-preserve-unknown-fields"]) untyped.push(path);
      for (const [k, v] of Object.entries(s.properties ?? {})) visit(v, `${path}.${k}`);
      if (s.items) visit(s.items, `${path}[]`);
      if (typeof s.additionalProperties === "object") visit(s.additionalProperties, `${path}{}`);
    };
    for (const name of models) {
      const s = catalog.schema(name);
      if (!s) throw new Error(`${name} did not expand`);
      visit(s, name);
    }
    expect(untyped).toEqual([]);
  });

  it("finds the core Quantity fields of the list in client-node's models", () => {
    const applied = new Set<string>();
    const catalog = new BuiltinCatalog(dir);
    for (const name of models) {
      for (const p of catalog.model(name)?.properties ?? []) {
        const key = `${goTypeName(name)}.${p.jsonName}`;
        if (QUANTITY_FIELDS.has(key)) applied.add(key);
      }
    }
    for (const key of [
      "ResourceRequirements.limits",
      "ResourceRequirements.requests",
      "VolumeResourceRequirements.requests",
      "EmptyDirVolumeSource.sizeLimit",
      "ResourceFieldSelector.divisor",
      "PodSpec.overhead",
      "MetricTarget.averageValue",
    ]) {
      expect(applied.has(key), key).toBe(true);
    }
  });
});
