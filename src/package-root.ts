import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What kb reads from its own package.json. */
export interface OwnPackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/**
 * The root of the kubebuilder-ts package: the nearest folder above this module whose
 * package.json is kubebuilder-ts's. Found by walking up rather than by a fixed `../..`, so
 * the same code works from `src/` (tests), `dist/` and the CLI bundle in `dist/kb/`.
 */
const found = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const PACKAGE_ROOT = found.root;

function findPackageRoot(from: string): { root: string; pkg: OwnPackageJson } {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    const pkg = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as OwnPackageJson) : undefined;
    if (pkg?.name === "kubebuilder-ts") return { root: dir, pkg };
    if (dirname(dir) === dir) throw new Error(`kubebuilder-ts: no package.json of kubebuilder-ts above ${from}`);
  }
}

/** kubebuilder-ts's own package.json. */
export function ownPackageJson(): OwnPackageJson {
  return found.pkg;
}
