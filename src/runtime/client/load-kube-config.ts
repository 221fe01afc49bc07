import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";

/** Where a pod's service account token is mounted: its presence means running in a cluster. */
const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** What {@link loadKubeConfig} reads; the defaults are this process's. */
export interface KubeConfigSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly home?: string;
  readonly inClusterTokenPath?: string;
}

/**
 * The kubeconfig a manager uses, found as controller-runtime's `GetConfig` finds it:
 * `KUBECONFIG` (a list of files), then in-cluster configuration (`KUBERNETES_SERVICE_HOST`
 * and a service account token), then `~/.kube/config`. When none is there it throws, naming
 * the places it looked: client-node's `loadFromDefault` would fall back to
 * `http://localhost:8080`, and a manager would retry that address for ever.
 * @example
 * ```ts
 * const kc = loadKubeConfig(); // throws "no kubeconfig found: ..." on a machine without one
 * ```
 */
export function loadKubeConfig(sources: KubeConfigSources = {}): KubeConfig {
  const env = sources.env ?? process.env;
  const home = sources.home ?? homedir();
  const kc = new KubeConfig();
  const files = (env["KUBECONFIG"] ?? "").split(process.platform === "win32" ? ";" : ":").filter((f) => f.trim() !== "");
  if (files.length > 0) {
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) throw new Error(`KUBECONFIG names ${files.join(", ")}, which ${files.length === 1 ? "does" : "do"} not exist`);
    // As client-node's loadFromDefault, but with the KUBECONFIG given here, and files that are not there skipped (as client-go skips them).
    kc.loadFromFile(present[0]!);
    for (const file of present.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more);
    }
    return kc;
  }
  if (env["KUBERNETES_SERVICE_HOST"] && existsSync(sources.inClusterTokenPath ?? IN_CLUSTER_TOKEN)) {
    kc.loadFromCluster();
    return kc;
  }
  const inHome = join(home, ".kube", "config");
  if (existsSync(inHome)) {
    kc.loadFromFile(inHome);
    return kc;
  }
  throw new Error(
    `no kubeconfig found: KUBECONFIG is not set, this is not a pod in a cluster (no KUBERNETES_SERVICE_HOST and service account token), and ${inHome} does not exist; ` +
      "point KUBECONFIG at a cluster's kubeconfig (kind, minikube and cloud CLIs write one), or pass kubeConfig to the Manager",
  );
}
