import type { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesObject } from "../../runtime/resource.js";
import { HttpTransport } from "../../runtime/client/transport.js";
import { groupVersionPath, servedResources } from "./discovery.js";
import { ApiError, isAlreadyExists } from "../../runtime/errors.js";

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
  /** How long to wait for each CRD to be Established and in discovery (default 30,000 ms). */
  readonly establishTimeoutMs?: number | undefined;
  /** Time between checks (default 20 ms: a CRD is usually Established within a few). */
  readonly pollIntervalMs?: number | undefined;
}

function established(crd: KubernetesObject): boolean {
  const conditions = (crd as { status?: { conditions?: { type?: string; status?: string }[] } }).status?.conditions ?? [];
  return conditions.some((c) => c.type === "Established" && c.status === "True");
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const CRDS_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/**
 * Installs CustomResourceDefinitions on the cluster `kc` points at, as envtest does: creates
 * each, or replaces it when it exists, then waits until each is `Established` and its
 * versions are listed in discovery. The CRDs are sent as they are, not through
 * client-node's typed models, which drop the schema's `default`, `enum` and `x-kubernetes-*`
 * keys of YAML (they know them under other names).
 * @example
 * ```ts
 * const kc = new KubeConfig(); kc.loadFromDefault();
 * await installCrds(kc, readCrdFiles(["config/crd/bases"]));
 * ```
 */
export async function installCrds(kc: KubeConfig, crds: readonly KubernetesObject[], options: InstallCrdsOptions = {}): Promise<void> {
  const transport = new HttpTransport({ kubeConfig: kc, userAgent: "kubebuilder-ts-testing" });
  try {
    await installWith(transport, crds, options);
  } finally {
    transport.close();
  }
}

async function installWith(transport: HttpTransport, crds: readonly KubernetesObject[], options: InstallCrdsOptions): Promise<void> {
  const timeout = options.establishTimeoutMs ?? 30_000;
  const interval = options.pollIntervalMs ?? 20;
  for (const crd of crds) {
    const name = crd.metadata?.name ?? "";
    try {
      await transport.request({ method: "POST", path: CRDS_PATH, body: crd });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await transport.request<KubernetesObject>({ method: "GET", path: `${CRDS_PATH}/${name}` });
      await transport.request({ method: "PUT", path: `${CRDS_PATH}/${name}`, body: { ...crd, metadata: { ...crd.metadata, resourceVersion: existing.metadata?.resourceVersion } } });
    }
  }
  for (const crd of crds) {
    const name = crd.metadata?.name ?? "";
    const deadline = Date.now() + timeout;
    for (;;) {
      if (established(await transport.request<KubernetesObject>({ method: "GET", path: `${CRDS_PATH}/${name}` }))) break;
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition "${name}" was not Established within ${timeout} ms`);
      await sleep(interval);
    }
    // As envtest: Established, and then served in discovery, where clients look the kind up;
    // then listed once, as its storage may still be starting (429 "storage is (re)initializing").
    const spec = (crd as { spec?: { group?: string; names?: { plural?: string }; versions?: { name?: string; served?: boolean }[] } }).spec;
    for (const version of (spec?.versions ?? []).filter((v) => v.served !== false)) {
      const apiVersion = `${spec?.group ?? ""}/${version.name ?? ""}`;
      const path = groupVersionPath(apiVersion);
      for (;;) {
        if ((await servedResources(transport, apiVersion)).some((r) => r.name === spec?.names?.plural)) break;
        if (Date.now() > deadline) throw new Error(`CustomResourceDefinition "${name}": ${path} did not list ${spec?.names?.plural ?? ""} within ${timeout} ms`);
        await sleep(interval);
      }
      for (;;) {
        if (await serves(transport, `${path}/${spec?.names?.plural ?? ""}`)) break;
        if (Date.now() > deadline) throw new Error(`CustomResourceDefinition "${name}": ${path}/${spec?.names?.plural ?? ""} could not be listed within ${timeout} ms`);
        await sleep(interval);
      }
    }
  }
}

/** Whether a list at `path` is answered (not yet while the kind's storage starts: 429, 503, 404). */
async function serves(transport: HttpTransport, path: string): Promise<boolean> {
  try {
    await transport.request({ method: "GET", path, query: { limit: 1 } });
    return true;
  } catch (e) {
    if (e instanceof ApiError && (e.statusCode === 429 || e.statusCode === 503 || e.statusCode === 404)) return false;
    throw e;
  }
}
