import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticList, formatDiagnostic } from "../../src/diagnostics/index.js";
import { loadApi } from "../../src/loader/index.js";
import { createMarkerRegistry } from "../../src/markers/definitions/index.js";
import type { ApiModel, NamedType } from "../../src/model/index.js";
import { writeSourceTree } from "../helpers/source-tree.js";

const GV = "// +groupName=test.example.com\nexport {};\n";

/** Loads a tree of `files`; diagnostics as `file:line:col: severity: message`, paths relative to the tree. */
function load(files: Record<string, string>): { model: ApiModel; problems: string[]; type: (file: string, name: string) => NamedType } {
  const dir = writeSourceTree(files);
  const diagnostics = new DiagnosticList();
  const model = loadApi([dir], createMarkerRegistry(), diagnostics);
  const problems = diagnostics.all().map((d) => formatDiagnostic(d, dir));
  const type = (file: string, name: string) => {
    const t = model.types.get(`${dir}/${file}#${name}`);
    if (!t) throw new Error(`no type ${file}#${name}; there are ${[...model.types.keys()].join(", ")}`);
    return t;
  };
  return { model, problems, type };
}

const fieldNames = (t: NamedType) => (t.type.kind === "object" ? t.type.fields.map((f) => f.name) : []);

describe("loadApi", () => {
  it("reads package markers from the comments at the top of groupversion-info.ts", () => {
    const { model, problems } = load({
      "api/v1/groupversion-info.ts": "#!/usr/bin/env node\n// +groupName=a.example.com\nexport const x = 1;\n",
      "api/v2/groupversion-info.ts": "/**\n * +groupName=a.example.com\n */\n// +versionName=v2beta1\n",
    });
    expect(problems).toEqual([]);
    expect(model.packages.map((p) => [p.group, p.version])).toEqual([
      ["a.example.com", "v1"],
      ["a.example.com", "v2beta1"],
    ]);
  });

  it("finds exported root types as kinds, skipping lists and enums", () => {
    const { model, problems } = load({
      "api/v1/groupversion-info.ts": GV,
      "api/v1/b-types.ts": [
        "// +kubebuilder:object:root=true",
        "export interface Widget { spec?: { a?: string } }",
        "// +kubebuilder:object:root=true",
        "export interface WidgetList { items: Widget[] }",
        "// +kubebuilder:object:root=true",
        "interface Later { a?: string }",
        "export { Later };",
        "// +kubebuilder:object:root=true",
        "export enum NotAKind { A = 'a' }",
        "",
        "// +kubebuilder:object:root=true",
        "interface Hidden { a?: string }",
        "",
      ].join("\n"),
      "api/v1/a-types.ts": "// +kubebuilder:object:root=true\nexport class Gadget { spec?: string }\n",
    });
    expect(model.packages[0]!.kinds.map((k) => k.name)).toEqual(["Gadget", "Widget", "Later"]);
    expect(problems).toEqual(["api/v1/b-types.ts:12:11: error: kind Hidden must be exported"]);
  });

  it("collects file markers from every file, parsed or not", () => {
    const { model } = load({
      "api/v1/groupversion-info.ts": GV,
      "src/bom.ts": "\uFEFF// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get\n",
      "src/controller.ts": [
        "// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get",
        "export class C {",
        "  /* +kubebuilder:rbac:groups=\"\",resources=pods,verbs=list */",
        "}",
        "",
      ].join("\n"),
    });
    expect(model.fileMarkers.map((m) => `${basename(m.location.file)}:${m.location.line}:${m.location.column} ${m.name}`)).toEqual([
      "bom.ts:1:4 kubebuilder:rbac",
      "controller.ts:1:4 kubebuilder:rbac",
      "controller.ts:3:6 kubebuilder:rbac",
    ]);
  });

  it("reads the JSON fields of classes and interfaces", () => {
    const { type, problems } = load({
      "api/v1/groupversion-info.ts": GV,
      "api/v1/types.ts": [
        "export class Thing {",
        "  a?: string;",
        '  "quoted-name": boolean;',
        "  static version = 'v1';",
        "  #secret?: string;",
        "  [key: string]: unknown;",
        "  method(): void {}",
        "}",
        "export interface Shape {",
        "  readonly b: number;",
        "  ['computed']: string;",
        "  untyped;",
        "  call(): void;",
        "}",
        "",
      ].join("\n"),
    });
    expect(fieldNames(type("api/v1/types.ts", "Thing"))).toEqual(["a", "quoted-name"]);
    expect(fieldNames(type("api/v1/types.ts", "Shape"))).toEqual(["b"]);
    expect(problems).toEqual([
      "api/v1/types.ts:11:3: error: computed property names are not allowed in API types",
      'api/v1/types.ts:12:3: error: property "untyped" has no type annotation (write its type: API types are read without a type checker)',
      "api/v1/types.ts:13:3: error: functions are not allowed in API types (call(): void;) (API types describe JSON data: declare only properties)",
    ]);
  });

  it("locates errors by line and column in CRLF files and after a byte order mark", () => {
    const { problems } = load({
      "api/v1/groupversion-info.ts": GV,
      "api/v1/crlf.ts": "/** Crlf. */\r\nexport interface Crlf {\r\n  bad?: symbol;\r\n}\r\n",
      "api/v1/bom.ts": "\uFEFFexport interface Bom { bad?: symbol }\n",
    });
    expect(problems.map((p) => p.slice(0, p.indexOf(" error")))).toEqual(["api/v1/bom.ts:1:30:", "api/v1/crlf.ts:3:9:"]);
  });

  it("reads enum values, literal unions and the consts of +k8s:enum aliases", () => {
    const { type, problems } = load({
      "api/v1/groupversion-info.ts": GV,
      "api/v1/types.ts": [
        "export enum Colour { Red = 'red', Green = `green` }",
        "export enum Offset { Minus = -1, Plus = 1 }",
        "export enum Auto { A, B, C = 10, D }",
        "export interface Holder { colour?: Colour; offset?: Offset; auto?: Auto; b?: Auto.B; d?: Auto.D }",
        "export type Size = 'small' | 'large' | null;",
        "/** +k8s:enum */",
        "export type Phase = string;",
        "export const PhaseRunning: Phase = 'Running';",
        "const PhaseHidden: Phase = 'Hidden';",
        "",
      ].join("\n"),
      "api/v1/more.ts": "import type { Phase } from './types.js';\nexport const PhaseDone: Phase = 'Done';\n",
    });
    expect(problems).toEqual([]);
    const values = (t: NamedType) => (t.type.kind === "enum" ? t.type.values : t.type.kind === "nullable" && t.type.type.kind === "enum" ? t.type.type.values : undefined);
    expect(values(type("api/v1/types.ts", "Colour"))).toEqual(["red", "green"]);
    expect(values(type("api/v1/types.ts", "Offset"))).toEqual([-1, 1]);
    expect(values(type("api/v1/types.ts", "Auto"))).toEqual([0, 1, 10, 11]);
    const holder = type("api/v1/types.ts", "Holder").type;
    const fieldType = (name: string) => (holder.kind === "object" ? holder.fields.find((f) => f.name === name)?.type : undefined);
    expect(fieldType("b")).toMatchObject({ kind: "enum", values: [1] });
    expect(fieldType("d")).toMatchObject({ kind: "enum", values: [11] });
    expect(values(type("api/v1/types.ts", "Size"))).toEqual(["small", "large"]);
    expect(type("api/v1/types.ts", "Phase").enumConsts).toEqual(["Done", "Running"]);
  });
});
