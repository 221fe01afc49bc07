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
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file) && (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === "kubebuilder-ts") return dir;
    if (dirname(dir) === dir) throw new Error(`kubebuilder-ts: no package.json of kubebuilder-ts above ${from}`);
  }
}

let ownPackage: OwnPackageJson | undefined;

/** kubebuilder-ts's own package.json. */
export function ownPackageJson(): OwnPackageJson {
  ownPackage ??= JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as OwnPackageJson;
  return ownPackage;
}
