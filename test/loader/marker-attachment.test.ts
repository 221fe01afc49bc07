import { describe, expect, it } from "vitest";
import { DiagnosticList, formatDiagnostic } from "../../src/diagnostics/index.js";
import { loadApi } from "../../src/loader/index.js";
import { createMarkerRegistry } from "../../src/markers/definitions/index.js";
import { writeSourceTree } from "../helpers/source-tree.js";

const GV = "// +groupName=test.example.com\nexport {};\n";

function load(types: string, gv = GV) {
  const dir = writeSourceTree({ "api/v1/groupversion-info.ts": gv, "api/v1/types.ts": types });
  const diagnostics = new DiagnosticList();
  const model = loadApi([dir], createMarkerRegistry(), diagnostics);
  const fooMarkers = (name: string) => [...model.types.values()].find((t) => t.name === name)?.markers.map((m) => m.name) ?? [];
  return { kinds: model.packages[0]!.kinds.map((k) => k.name), printed: diagnostics.all().map((d) => formatDiagnostic(d, dir)), markersOf: fooMarkers };
}

describe("markers attach as controller-gen attaches them", () => {
  it("a blank line between the markers and the doc comment keeps the kind", () => {
    const { kinds, printed, markersOf } = load(
      ["// +kubebuilder:object:root=true", "// +kubebuilder:subresource:status", "", "// Foo is a kind.", "export interface Foo { spec?: string }", ""].join("\n"),
    );
    expect(kinds).toEqual(["Foo"]);
    expect(markersOf("Foo")).toEqual(["kubebuilder:object:root", "kubebuilder:subresource:status"]);
    expect(printed).toEqual([]);
  });

  it("markers one group further up attach at any distance without a doc comment", () => {
    const { kinds } = load(["// +kubebuilder:object:root=true", "", "", "", "export interface Foo { spec?: string }", ""].join("\n"));
    expect(kinds).toEqual(["Foo"]);
  });

  it("a stray blank line inside a marker block: the kind is kept only if its root marker attaches, and what does not attach is a warning", () => {
    const { kinds, printed } = load(
      ["// +kubebuilder:object:root=true", "", "// +kubebuilder:subresource:status", "", "// Foo is a kind.", "export interface Foo { spec?: string }", ""].join("\n"),
    );
    expect(kinds).toEqual([]);
    expect(printed).toEqual([
      "api/v1/types.ts:1:4: warning: marker +kubebuilder:object:root is not attached to the type below, and has no effect: a blank line separates it from the comment group that is (a declaration takes the markers of the comment right above it and of the one comment group above that; remove the blank line or move the marker)",
    ]);
  });

  it("field markers two groups up, markers at the end of an interface or file, above a const: warnings where they stand", () => {
    const { printed } = load(
      [
        "// +kubebuilder:object:root=true",
        "export interface Foo {",
        "  // +kubebuilder:validation:MinLength=1",
        "",
        "  // +optional",
        "",
        "  // name is the name.",
        "  name?: string;",
        "  // +kubebuilder:validation:MaxLength=3",
        "}",
        "// +kubebuilder:validation:Minimum=1",
        "export const x = 1;",
        "// +genclient",
        "// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get",
        "// +kubebuilder:object:root=true",
        "",
      ].join("\n"),
    );
    expect(printed).toEqual([
      expect.stringMatching(/^api\/v1\/types\.ts:3:6: warning: marker \+kubebuilder:validation:MinLength is not attached to the field below, and has no effect/),
      expect.stringMatching(/^api\/v1\/types\.ts:9:6: warning: marker \+kubebuilder:validation:MaxLength is not attached to a type, a field or the package comment, and has no effect/),
      expect.stringMatching(/^api\/v1\/types\.ts:11:4: warning: marker \+kubebuilder:validation:Minimum is not attached to a type, a field or the package comment/),
      expect.stringMatching(/^api\/v1\/types\.ts:15:4: warning: marker \+kubebuilder:object:root is not attached to a type, a field or the package comment/),
    ]);
  });

  it("a marker trailing code on its line belongs to nothing, not to the next field", () => {
    const { printed, markersOf } = load(
      ["// +kubebuilder:object:root=true", "export interface Foo {", "  a?: string; // +kubebuilder:validation:MinLength=1", "  b?: string;", "}", ""].join("\n"),
    );
    expect(markersOf("Foo")).toEqual(["kubebuilder:object:root"]);
    expect(printed).toEqual([expect.stringMatching(/^api\/v1\/types\.ts:3:18: warning: marker \+kubebuilder:validation:MinLength is not attached to a type, a field or the package comment/)]);
  });

  it("package markers below the top comment of groupversion-info.ts", () => {
    const { printed } = load("export {};\n", "// +groupName=test.example.com\nexport const a = 1;\n// +versionName=v2\nexport {};\n");
    expect(printed).toEqual([expect.stringMatching(/^api\/v1\/groupversion-info\.ts:3:4: warning: marker \+versionName is not attached to a type, a field or the package comment, and has no effect/)]);
  });
});
