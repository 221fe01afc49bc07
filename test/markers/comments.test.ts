import { describe, expect, it } from "vitest";
import { attachedBlocks, describe as describeBlock, groupComments, markerLines } from "../../src/markers/index.js";

describe("comment blocks", () => {
  it("groups // runs and splits JSDoc blocks", () => {
    const blocks = groupComments([
      { text: "// +kubebuilder:object:root=true", line: 1, column: 1 },
      { text: "// +kubebuilder:subresource:status", line: 2, column: 1 },
      { text: "/**\n * CronJob is the Schema.\n *\n * More text.\n */", line: 4, column: 1 },
    ]);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.lines.map((l) => l.text)).toEqual(["+kubebuilder:object:root=true", "+kubebuilder:subresource:status"]);
    expect(blocks[1]!.lines.map((l) => l.text)).toEqual(["CronJob is the Schema.", "", "More text."]);
    expect(blocks[1]!.startLine).toBe(4);
    expect(blocks[1]!.endLine).toBe(8);
  });

  it("attaches the doc block and the marker block above it, as controller-gen does", () => {
    const blocks = groupComments([
      { text: "// +kubebuilder:skip", line: 1, column: 1 },
      { text: "// +kubebuilder:object:root=true", line: 3, column: 1 },
      { text: "/** Doc. */", line: 5, column: 1 },
    ]);
    const { doc, blocks: attached, detached } = attachedBlocks(blocks, 6);
    expect(describeBlock(doc)).toBe("Doc.");
    expect(markerLines(attached).map((m) => m.text)).toEqual(["kubebuilder:object:root=true"]);
    expect(markerLines(detached).map((m) => m.text)).toEqual(["kubebuilder:skip"]);
    // the group before the doc comment counts however many blank lines separate them
    const far = groupComments([
      { text: "// +kubebuilder:object:root=true", line: 1, column: 1 },
      { text: "/** Doc. */", line: 5, column: 1 },
    ]);
    expect(markerLines(attachedBlocks(far, 6).blocks).map((m) => m.text)).toEqual(["kubebuilder:object:root=true"]);
    // without a doc comment, the nearest group counts, at any distance; the ones above it do not
    const none = attachedBlocks(blocks, 8);
    expect(none.doc).toEqual([]);
    expect(describeBlock(none.blocks)).toBe("Doc.");
    expect(markerLines(none.detached).map((m) => m.text)).toEqual(["kubebuilder:skip", "kubebuilder:object:root=true"]);
  });

  it("joins a JSDoc block and the // marker lines right under it", () => {
    const blocks = groupComments([
      { text: "/** spec is the desired state. */", line: 1, column: 3 },
      { text: "// +required", line: 2, column: 3 },
    ]);
    const { doc, blocks: attached } = attachedBlocks(blocks, 3);
    expect(describeBlock(doc)).toBe("spec is the desired state.");
    expect(markerLines(attached).map((m) => m.text)).toEqual(["required"]);
  });

  it("locates the + of each marker", () => {
    const [block] = groupComments([{ text: "  /** +kubebuilder:validation:Minimum=1 */".trim(), line: 3, column: 3 }]);
    const [m] = markerLines([block!]);
    expect(m).toEqual({ text: "kubebuilder:validation:Minimum=1", line: 3, column: 7 });
  });

  it("builds descriptions as controller-gen does", () => {
    const [block] = groupComments([
      { text: "// First line.", line: 1, column: 1 },
      { text: "// +optional", line: 2, column: 1 },
      { text: "// TODO: drop this", line: 3, column: 1 },
      { text: "//", line: 4, column: 1 },
      { text: "//", line: 5, column: 1 },
      { text: "// Second paragraph.", line: 6, column: 1 },
      { text: "// ---", line: 7, column: 1 },
      { text: "// internal notes", line: 8, column: 1 },
    ]);
    expect(describeBlock([block!])).toBe("First line.\n\nSecond paragraph.");
  });
});
