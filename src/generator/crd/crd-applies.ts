import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One `kubectl apply` in a project's npm scripts that installs manifests: the script's name,
 * the command, and whether it applies server-side. Client-side apply copies the whole object
 * into the `kubectl.kubernetes.io/last-applied-configuration` annotation, which a large CRD
 * overflows; server-side apply keeps no such copy.
 */
export interface CrdApply {
  readonly script: string;
  readonly command: string;
  readonly serverSide: boolean;
}

/** Shell separators between the commands of one npm script. */
const COMMAND_SEPARATOR = /&&|\|\||[;|\n]/;
/** `kubectl apply`, global flags (`--context kind`, `-n=x`) between the two allowed. */
const KUBECTL_APPLY = /(^|[\s/])kubectl(\s+-{1,2}[\w-]+(=\S+|\s+[^-\s]\S*)?)*\s+apply(\s|$)/;
/** `--server-side` or `--server-side=true`; `--server-side=false` is client-side. */
const SERVER_SIDE = /(^|\s)--server-side(=true)?(\s|$)/;
/** Applies of sample objects, not of CRDs. */
const SAMPLES = /config\/samples/;

/**
 * The `kubectl apply` commands of `scripts` (a package.json `scripts` object) that may apply
 * the project's CRDs: every one but those of `config/samples`.
 *
 * @example
 * findCrdApplies({ "install:crds": "npm run manifests && kubectl apply --server-side -k config/crd" })
 * // [{ script: "install:crds", command: "kubectl apply --server-side -k config/crd", serverSide: true }]
 */
export function findCrdApplies(scripts: Readonly<Record<string, unknown>>): CrdApply[] {
  const out: CrdApply[] = [];
  for (const [script, body] of Object.entries(scripts)) {
    if (typeof body !== "string") continue;
    for (const part of body.split(COMMAND_SEPARATOR)) {
      const command = part.trim();
      if (!KUBECTL_APPLY.test(command) || SAMPLES.test(command)) continue;
      out.push({ script, command, serverSide: SERVER_SIDE.test(command) });
    }
  }
  return out;
}

/**
 * The CRD applies of the npm scripts in `projectDir`'s package.json, or undefined when there
 * is no package.json with scripts to read (then how the CRDs are applied is unknown).
 */
export function readCrdApplies(projectDir: string): CrdApply[] | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8"));
  } catch {
    return undefined;
  }
  const scripts = (manifest as { scripts?: unknown } | null)?.scripts;
  if (typeof scripts !== "object" || scripts === null || Array.isArray(scripts)) return undefined;
  return findCrdApplies(scripts as Record<string, unknown>);
}
