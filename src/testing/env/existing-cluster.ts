import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";

/** The environment variable that points `startTestEnv` at the current kubeconfig's cluster. */
export const USE_EXISTING_CLUSTER = "USE_EXISTING_CLUSTER";

/**
 * Whether `startTestEnv` uses an existing cluster: the `useExistingCluster` option when
 * given, else `USE_EXISTING_CLUSTER=true` (case-insensitive) in the environment.
 */
export function shouldUseExistingCluster(env: Readonly<Record<string, string | undefined>>, option?: boolean): boolean {
  if (option !== undefined) return option;
  return (env[USE_EXISTING_CLUSTER] ?? "").trim().toLowerCase() === "true";
}

/** What {@link installCrds} takes. */
export interface InstallCrdsOptions {
  /** How long to wait for each CRD's `Established` condition (default 10,000 ms). */
  readonly establishTimeoutMs?: number | undefined;
  /** Time between checks (default 100 ms). */
  readonly pollIntervalMs?: number | undefined;
}

function codeOf(e: unknown): number | undefined {
  const c = (e as { code?: unknown; statusCode?: unknown } | null)?.code ?? (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof c === "number" ? c : undefined;
}

function established(crd: KubernetesObject): boolean {
  const conditions = (crd as { status?: { conditions?: { type?: string; status?: string }[] } }).status?.conditions ?? [];
  return conditions.some((c) => c.type === "Established" && c.status === "True");
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Installs CustomResourceDefinitions on the cluster `kc` points at, as envtest does: creates
 * each, or replaces it when it exists, then waits until each is `Established`.
 * @example
 * ```ts
 * const kc = new KubeConfig(); kc.loadFromDefault();
 * await installCrds(kc, readCrdFiles(["config/crd/bases"]));
 * ```
 */
export async function installCrds(kc: KubeConfig, crds: readonly KubernetesObject[], options: InstallCrdsOptions = {}): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const timeout = options.establishTimeoutMs ?? 10_000;
  const interval = options.pollIntervalMs ?? 100;
  for (const crd of crds) {
    const name = crd.metadata?.name ?? "";
    const ref = { apiVersion: crd.apiVersion ?? "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name } };
    let existing: KubernetesObject | undefined;
    try {
      existing = await api.read(ref);
    } catch (e) {
      if (codeOf(e) !== 404) throw e;
    }
    if (existing) await api.replace({ ...crd, metadata: { ...crd.metadata, resourceVersion: existing.metadata?.resourceVersion } });
    else await api.create(crd);
  }
  for (const crd of crds) {
    const name = crd.metadata?.name ?? "";
    const ref = { apiVersion: crd.apiVersion ?? "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name } };
    const deadline = Date.now() + timeout;
    for (;;) {
      if (established(await api.read(ref))) break;
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition "${name}" was not Established within ${timeout} ms`);
      await sleep(interval);
    }
  }
}
