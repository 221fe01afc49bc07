import { Document, visit } from "yaml";

/**
 * Prints objects as YAML in controller-gen's style: each document starts with `---`, map
 * keys are sorted, sequences are not indented under their key, multi-line strings use
 * `|-`, long lines fold at 80 columns, and quoting uses single quotes. The same objects
 * always give the same bytes.
 */
export function toYaml(documents: readonly unknown[]): string {
  return documents.map((d) => `---\n${printDocument(d)}`).join("");
}

function printDocument(value: unknown): string {
  const doc = new Document(value, { sortMapEntries: true, keepUndefined: false });
  // Keys are plain where YAML allows; long plain strings fold like go-yaml's.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && node.value.includes("\n")) node.type = "BLOCK_LITERAL";
    },
  });
  return doc.toString({
    indentSeq: false,
    lineWidth: 80,
    minContentWidth: 20,
    singleQuote: true,
    blockQuote: "literal",
    flowCollectionPadding: false,
  });
}
