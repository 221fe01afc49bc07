import type { DiagnosticList } from "../../diagnostics/index.js";
import type { JSONSchemaProps } from "../../model/index.js";
import type { BuiltCrd } from "./crd-builder.js";
import { visitSchema } from "./visit-schema.js";

/**
 * The most bytes an object's annotations may hold; `kubectl apply` (client-side) copies
 * the whole object into the `last-applied-configuration` annotation, so a larger CRD fails
 * with "metadata.annotations: Too long".
 */
export const ANNOTATION_LIMIT_BYTES = 262_144;

/** Warns about CRDs too large for client-side apply, naming the fields that weigh most. */
export function checkCrdSize(built: BuiltCrd, diagnostics: DiagnosticList): void {
  const size = Buffer.byteLength(JSON.stringify(built.crd));
  if (size <= ANNOTATION_LIMIT_BYTES) return;
  const weights: { path: string; bytes: number }[] = [];
  let descriptionBytes = 0;
  for (const version of built.crd.spec.versions) {
    const root = version.schema.openAPIV3Schema;
    visitSchema(root, (node: JSONSchemaProps, path: string) => {
      if (node.description) descriptionBytes += Buffer.byteLength(node.description);
      const depth = path.split(".").length - 1;
      if (depth >= 1 && depth <= 3 && path !== "") weights.push({ path: `${version.name}${path}`, bytes: Buffer.byteLength(JSON.stringify(node)) });
    });
  }
  weights.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
  const biggest = weights
    .slice(0, 5)
    .map((w) => `${w.path} (${kib(w.bytes)})`)
    .join(", ");
  const suggestion = Math.max(0, Math.floor((ANNOTATION_LIMIT_BYTES * 0.9 - (size - descriptionBytes)) / Math.max(1, countDescriptions(built))));
  diagnostics.warn(
    "crd-size",
    `CRD ${built.crd.metadata.name} is ${kib(size)}, over the ${kib(ANNOTATION_LIMIT_BYTES)} annotation limit of client-side apply (kubectl apply will fail with "Too long"); biggest fields: ${biggest}; descriptions take ${kib(descriptionBytes)}`,
    built.location,
    `trim descriptions with --max-desc-len=${suggestion > 0 ? suggestion : 0}, split large embedded types, or apply with kubectl apply --server-side`,
  );
}

function countDescriptions(built: BuiltCrd): number {
  let n = 0;
  for (const v of built.crd.spec.versions) visitSchema(v.schema.openAPIV3Schema, (s) => void (s.description && n++));
  return n;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
