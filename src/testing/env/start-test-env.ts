import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { TestApiServer } from "../http/test-api-server.js";
import { readCrdFiles } from "../store/crd-files.js";
import type { JsonObject } from "../store/json.js";
import type { ObjectStore } from "../store/object-store.js";
import { buildStore, type StoreSetup } from "./build-store.js";
import { installCrds, shouldUseExistingCluster } from "./existing-cluster.js";
import { kubeConfigFor } from "./kubeconfig.js";
import { prepareWebhookInstall, type LocalWebhookServing, type PreparedWebhooks, type WebhookInstallOptions } from "./webhook-install.js";

/** What {@link startTestEnv} takes. */
export interface TestEnvOptions extends StoreSetup {
  /** Use the current kubeconfig's cluster instead of the in-process server (default: `USE_EXISTING_CLUSTER=true`). */
  readonly useExistingCluster?: boolean | undefined;
  /** The default namespace of the returned kubeconfig's context (in-process only; default "default"). */
  readonly namespace?: string | undefined;
  /** Where `USE_EXISTING_CLUSTER` is read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Webhooks to install, pointed at a local webhook server (as envtest's
   * `WebhookInstallOptions`): start a `WebhookServer` with `env.webhook`'s host, port and
   * certDir, and the API server calls it for admission and for the conversions of the CRDs
   * named in `conversionCrds` (or declaring `conversion.strategy: Webhook`).
   */
  readonly webhookInstallOptions?: WebhookInstallOptions | undefined;
}

/** A running test environment. */
export interface TestEnv {
  /** Configuration for clients: the in-process server, or the existing cluster. */
  readonly kubeConfig: KubeConfig;
  /** Whether this is an existing cluster rather than the in-process server. */
  readonly existingCluster: boolean;
  /** The in-process server (faults, store); throws on an existing cluster, which has none. */
  readonly server: TestApiServer;
  /** The in-process server's store; throws on an existing cluster. */
  readonly store: ObjectStore;
  /** Where the local webhook server must serve (`new WebhookServer({ host, port, certDir })`), when `webhookInstallOptions` was given. */
  readonly webhook: LocalWebhookServing | undefined;
  /** Stops the in-process server (a no-op for an existing cluster, which keeps what was installed). */
  stop(): Promise<void>;
}

function noServer(): never {
  throw new Error(
    "this test environment uses an existing cluster (USE_EXISTING_CLUSTER=true): there is no in-process server, so no store and no fault injection; skip such tests when env.existingCluster is true",
  );
}

/**
 * Starts a test environment, as envtest does for Go: by default an in-process Kubernetes API
 * server on 127.0.0.1 (started in milliseconds, nothing downloaded) with the CRDs of
 * `crdDirectoryPaths` installed and `objects` created. With `USE_EXISTING_CLUSTER=true` (or
 * `useExistingCluster: true`) it uses the current kubeconfig's cluster instead (for example
 * one made by kind): the CRDs are installed there and the objects created; `stop` leaves
 * them in place.
 * @example
 * ```ts
 * const env = await startTestEnv({ crdDirectoryPaths: ["config/crd/bases"] });
 * const core = env.kubeConfig.makeApiClient(CoreV1Api);
 * await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "x" } } });
 * env.server.faults.dropWatches();
 * await env.stop();
 * ```
 */
export async function startTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const existing = shouldUseExistingCluster(options.env ?? process.env, options.useExistingCluster);
  const webhooks = options.webhookInstallOptions ? await prepareWebhookInstall(options.webhookInstallOptions) : undefined;
  try {
    if (existing) return await startOnExistingCluster(options, webhooks);
    const crds = [...readCrdFiles(options.crdDirectoryPaths ?? []), ...((options.crds ?? []) as object[])];
    const store = buildStore({ ...options, crdDirectoryPaths: [], crds: webhooks ? webhooks.patchCrds(crds) : (crds as JsonObject[]) });
    if (webhooks) store.seed(webhooks.configurations);
    const server = await TestApiServer.start({ store });
    return {
      kubeConfig: kubeConfigFor(server.url, options.namespace),
      existingCluster: false,
      server,
      store,
      webhook: webhooks?.serving,
      stop: async () => {
        await server.stop();
        await webhooks?.cleanup();
      },
    };
  } catch (e) {
    await webhooks?.cleanup();
    throw e;
  }
}

/** Creates `object`, or replaces it (keeping its resourceVersion) when it exists. */
async function createOrReplace(api: KubernetesObjectApi, object: KubernetesObject): Promise<void> {
  const ref = { apiVersion: object.apiVersion ?? "", kind: object.kind ?? "", metadata: { name: object.metadata?.name ?? "" } };
  let existing: KubernetesObject | undefined;
  try {
    existing = await api.read(ref);
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code !== 404) throw e;
  }
  if (existing) await api.replace({ ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata?.resourceVersion } });
  else await api.create(object);
}

async function startOnExistingCluster(options: TestEnvOptions, webhooks: PreparedWebhooks | undefined): Promise<TestEnv> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const read = [...readCrdFiles(options.crdDirectoryPaths ?? []), ...((options.crds ?? []) as object[])];
  const crds = webhooks ? webhooks.patchCrds(read) : read;
  await installCrds(kubeConfig, crds as KubernetesObject[]);
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const configuration of webhooks?.configurations ?? []) await createOrReplace(api, configuration as KubernetesObject);
  for (const object of options.objects ?? []) await api.create(object);
  return {
    kubeConfig,
    existingCluster: true,
    get server(): TestApiServer {
      return noServer();
    },
    get store(): ObjectStore {
      return noServer();
    },
    webhook: webhooks?.serving,
    stop: async () => {
      await webhooks?.cleanup();
    },
  };
}
