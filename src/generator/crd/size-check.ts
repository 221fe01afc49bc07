import type { DiagnosticList } from "../../diagnostics/index.js";
import type { JSONSchemaProps } from "../../model/index.js";
import type { BuiltCrd } from "./crd-builder.js";
import type { CrdApply } from "./crd-applies.js";
import { visitSchema } from "./visit-schema.js";

/**
 * The most bytes an object's annotations may hold; `kubectl apply` (client-side) copies
 * the whole object into the `last-applied-configuration` annotation, so a larger CRD fails
 * with "metadata.annotations: Too long". Server-side apply keeps no such copy.
 */
export const ANNOTATION_LIMIT_BYTES = 262_144;

/**
 * etcd's default request limit (`--max-request-bytes`, 1.5 MiB): the API server cannot store
 * a larger object, however it is applied.
 */
export const ETCD_REQUEST_LIMIT_BYTES = 1_572_864;

/**
 * Warns about a CRD too large to install, naming the fields that weigh most. Over etcd's
 * limit, always. Over the annotation limit of client-side apply, when it concerns the
 * project: `applies` are the `kubectl apply` commands of its npm scripts (undefined when
 * unknown); if they all apply server-side, the limit does not apply and nothing is said;
 * otherwise the warning names the scripts that apply client-side.
 */
export function checkCrdSize(built: BuiltCrd, diagnostics: DiagnosticList, applies?: readonly CrdApply[]): void {
  const size = Buffer.byteLength(JSON.stringify(built.crd));
  if (size <= ANNOTATION_LIMIT_BYTES) return;
  const clientSide = applies?.filter((a) => !a.serverSide) ?? [];
  const known = applies !== undefined && applies.length > 0;
  if (size <= ETCD_REQUEST_LIMIT_BYTES && known && clientSide.length === 0) return;

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
  const limit = size > ETCD_REQUEST_LIMIT_BYTES ? ETCD_REQUEST_LIMIT_BYTES : ANNOTATION_LIMIT_BYTES;
  const descLen = Math.max(0, Math.floor((limit * 0.9 - (size - descriptionBytes)) / Math.max(1, countDescriptions(built))));
  const weight = `biggest fields: ${biggest}; descriptions take ${kib(descriptionBytes)}`;
  const name = built.crd.metadata.name;
  if (size > ETCD_REQUEST_LIMIT_BYTES) {
    diagnostics.warn(
      "crd-size",
      `CRD ${name} is ${kib(size)}, over etcd's default request limit of ${kib(ETCD_REQUEST_LIMIT_BYTES)}: the API server cannot store it, whether it is applied client-side or server-side; ${weight}`,
      built.location,
      `trim descriptions with --max-desc-len=${descLen}, or split large embedded types`,
    );
    return;
  }
  const which =
    clientSide.length > 0
      ? `client-side apply fails on it with "Too long": ${clientSide.map((a) => `npm run ${a.script} (${a.command})`).join(", ")}`
      : `client-side apply (kubectl apply without --server-side) fails on it with "Too long"`;
  diagnostics.warn(
    "crd-size",
    `CRD ${name} is ${kib(size)}, over the ${kib(ANNOTATION_LIMIT_BYTES)} annotation limit of client-side apply; ${which}; ${weight}`,
    built.location,
    `apply it with kubectl apply --server-side${clientSide.length > 0 ? " in those scripts" : ""}, trim descriptions with --max-desc-len=${descLen}, or split large embedded types`,
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
