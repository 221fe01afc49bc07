import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { KbError, ExitCode } from "../../../diagnostics/index.js";

/** The package whose model metadata describes the Kubernetes built-in types. */
export const CLIENT_NODE_PACKAGE = "@kubernetes/client-node";

/** Where the generated model classes sit inside the package. */
const MODELS_SUBDIR = join("dist", "gen", "models");

/**
 * Finds the `dist/gen/models` directory of the `@kubernetes/client-node` that kb itself
 * depends on (not the user's copy: users may generate without installing anything).
 *
 * The package is looked up in the `node_modules` directories Node would search from this
 * module, by path, so that a package `exports` map (which may hide `package.json` or offer
 * only an `import` condition) does not get in the way. Resolving the package's main entry
 * is the fallback.
 *
 * @throws KbError `client-node-missing` when kb's installation lacks the package.
 */
export function locateClientNodeModels(fromUrl: string = import.meta.url): string {
  const require = createRequire(fromUrl);
  for (const nodeModules of require.resolve.paths(CLIENT_NODE_PACKAGE) ?? []) {
    const models = join(nodeModules, CLIENT_NODE_PACKAGE, MODELS_SUBDIR);
    if (existsSync(models)) return models;
  }
  try {
    // The main entry is dist/index.js; walk up to the directory that holds dist/gen/models.
    let dir = dirname(require.resolve(CLIENT_NODE_PACKAGE));
    for (let i = 0; i < 4; i++) {
      const models = join(dir, MODELS_SUBDIR);
      if (existsSync(models)) return models;
      dir = dirname(dir);
    }
  } catch {
    // fall through to the error below
  }
  throw new KbError(
    "client-node-missing",
    `cannot find ${CLIENT_NODE_PACKAGE} in kb's installation; it describes the Kubernetes built-in types`,
    { hint: "reinstall kubebuilder-ts", exitCode: ExitCode.internal },
  );
}
