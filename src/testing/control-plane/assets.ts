import { accessSync, constants, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** The environment variable naming the folder of kube-apiserver and etcd (controller-runtime's envtest convention). */
export const KUBEBUILDER_ASSETS = "KUBEBUILDER_ASSETS";

/** The binaries a real control plane needs, as found in an assets folder. */
export interface ControlPlaneBinaries {
  readonly directory: string;
  readonly kubeApiServer: string;
  readonly etcd: string;
}

/**
 * The assets folder to use: the `binaryAssetsDirectory` option, else `KUBEBUILDER_ASSETS`, else
 * none (an empty value counts as unset).
 */
export function assetsDirectoryFrom(env: Readonly<Record<string, string | undefined>>, option?: string): string | undefined {
  const chosen = option ?? env[KUBEBUILDER_ASSETS];
  return chosen !== undefined && chosen.trim() !== "" ? chosen : undefined;
}

/**
 * kube-apiserver and etcd in `directory` (as `npm run envtest:assets` or setup-envtest lay them
 * out); an error naming the folder and the missing binary otherwise.
 */
export function findControlPlaneBinaries(directory: string, source = KUBEBUILDER_ASSETS): ControlPlaneBinaries {
  const dir = resolve(directory);
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new Error(`${source}=${directory}: no such directory; it must hold the kube-apiserver and etcd binaries (npm run envtest:assets builds them)`);
  const binary = (name: string): string => {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new Error(`${source}=${directory}: ${name} is missing or not executable there; the folder must hold kube-apiserver and etcd (npm run envtest:assets builds them)`);
    }
    return path;
  };
  return { directory: dir, kubeApiServer: binary("kube-apiserver"), etcd: binary("etcd") };
}
