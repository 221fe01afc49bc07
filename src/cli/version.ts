import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The version of this kubebuilder-ts installation, from its package.json. */
export function kbVersion(): string {
  if (cached === undefined) {
    // src/cli/ and dist/cli/ both sit two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    cached = pkg.version;
  }
  return cached;
}
