import { ownPackageJson } from "../package-root.js";

/** The version of this kubebuilder-ts installation, from its package.json. */
export function kbVersion(): string {
  return ownPackageJson().version;
}
