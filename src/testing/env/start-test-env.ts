import { KubeConfig } from "@kubernetes/client-node";
import { ControlPlane } from "../control-plane/control-plane.js";
import { assetsDirectoryFrom, KUBEBUILDER_ASSETS } from "../control-plane/assets.js";
import { HttpTransport } from "../../runtime/client/transport.js";
import type { KubernetesObject, Resource } from "../../runtime/resource.js";
import { TestApiServer } from "../http/test-api-server.js";
import { readCrdFiles } from "../store/crd-files.js";
import type { JsonObject } from "../store/json.js";
import type { ObjectStore } from "../store/object-store.js";
import { buildStore, type StoreSetup } from "./build-store.js";
import { installCrds, shouldUseExistingCluster } from "./existing-cluster.js";
import { kubeConfigFor } from "./kubeconfig.js";
import { groupVersionPath, servedResources } from "./discovery.js";
import { createObjects, createOrReplace } from "./seed-cluster.js";
import { prepareWebhookInstall, type LocalWebhookServing, type PreparedWebhooks, type WebhookInstallOptions } from "./webhook-install.js";

/**
 * What a test environment runs on:
 * - `in-process`: kubebuilder-ts's own API server in this process (milliseconds to start,
 *   fault injection, direct access to the store);
 * - `real`: a real kube-apiserver and etcd started as child processes, as envtest does
 *   (binaries from `KUBEBUILDER_ASSETS` or `binaryAssetsDirectory`);
 * - `existing-cluster`: the current kubeconfig's cluster.
 */
export type TestEnvBackend = "in-process" | "real" | "existing-cluster";

/** What {@link startTestEnv} takes. */
export interface TestEnvOptions extends StoreSetup {
  /**
   * The backend to use; by default `existing-cluster` when `USE_EXISTING_CLUSTER=true`, else
   * `real` when `KUBEBUILDER_ASSETS` (or `binaryAssetsDirectory`) is set, else `in-process`.
   * Tests that need fault injection or the store pin `in-process`.
   */
  readonly backend?: TestEnvBackend | undefined;
  /** Use the current kubeconfig's cluster instead of the in-process server (default: `USE_EXISTING_CLUSTER=true`). */
  readonly useExistingCluster?: boolean | undefined;
  /** The folder of kube-apiserver and etcd for the real backend (default `KUBEBUILDER_ASSETS`); setting it selects that backend. */
  readonly binaryAssetsDirectory?: string | undefined;
  /** Extra or replaced kube-apiserver flags for the real backend, without "--" (`{ "feature-gates": "X=true" }`). */
  readonly apiServerFlags?: Readonly<Record<string, string>> | undefined;
  /** The default namespace of the returned kubeconfig's context (default "default"; not for an existing cluster). */
  readonly namespace?: string | undefined;
  /** Where `USE_EXISTING_CLUSTER`, `KUBEBUILDER_ASSETS` and envtest's other variables are read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Webhooks to install, pointed at a local webhook server (as envtest's
   * `WebhookInstallOptions`): start a `WebhookServer` with `env.webhook`'s host, port and
   * certDir, and the API server (in-process or real) calls it for admission and for the
   * conversions of the CRDs named in `conversionCrds` (or declaring `conversion.strategy: Webhook`).
   */
  readonly webhookInstallOptions?: WebhookInstallOptions | undefined;
}

/** A running test environment. */
export interface TestEnv {
  /** Configuration for clients: the in-process server, the real API server (as its admin), or the existing cluster. */
  readonly kubeConfig: KubeConfig;
  /** What the environment runs on. */
  readonly backend: TestEnvBackend;
  /** Whether this is an existing cluster rather than a server started for the test. */
  readonly existingCluster: boolean;
  /** The in-process server (faults, store); throws on the other backends, which have none. */
  readonly server: TestApiServer;
  /** The in-process server's store; throws on the other backends. */
  readonly store: ObjectStore;
  /** Where the local webhook server must serve (`new WebhookServer({ host, port, certDir })`), when `webhookInstallOptions` was given. */
  readonly webhook: LocalWebhookServing | undefined;
  /**
   * Stops what was started (a no-op for an existing cluster, which keeps what was installed).
   * The in-process server resolves once every watch and connection is closed, requests held by
   * a delay fault included: nothing of it keeps the test process alive.
   */
  stop(): Promise<void>;
}

function noServer(backend: TestEnvBackend): never {
  const what = backend === "real" ? "a real API server (KUBEBUILDER_ASSETS is set)" : "an existing cluster (USE_EXISTING_CLUSTER=true)";
  throw new Error(
    `this test environment uses ${what}: there is no in-process server, so no store and no fault injection; ` +
      `pin such tests to the in-process server with startTestEnv({ backend: "in-process" }), or skip them when env.backend is not "in-process"`,
  );
}

/** The backend `options` and the environment choose (see {@link TestEnvOptions.backend}). */
export function selectBackend(options: TestEnvOptions, env: Readonly<Record<string, string | undefined>> = options.env ?? process.env): TestEnvBackend {
  if (options.backend !== undefined) return options.backend;
  if (shouldUseExistingCluster(env, options.useExistingCluster)) return "existing-cluster";
  return assetsDirectoryFrom(env, options.binaryAssetsDirectory) !== undefined ? "real" : "in-process";
}

/**
 * Starts a test environment, as envtest does for Go. By default an in-process Kubernetes API
 * server on 127.0.0.1 (started in milliseconds, nothing downloaded). With `KUBEBUILDER_ASSETS`
 * set (or `binaryAssetsDirectory`), a real kube-apiserver and etcd from that folder, as
 * envtest runs them (`npm run envtest:assets` builds them). With `USE_EXISTING_CLUSTER=true`
 * (or `useExistingCluster: true`), the current kubeconfig's cluster. In every case the CRDs
 * of `crdDirectoryPaths` and `crds` are installed and Established before it returns, and
 * `objects` are created.
 * @example
 * ```ts
 * const env = await startTestEnv({ crdDirectoryPaths: ["config/crd/bases"] });
 * const core = env.kubeConfig.makeApiClient(CoreV1Api);
 * await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "x" } } });
 * await env.stop();
 * ```
 */
export async function startTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const env = options.env ?? process.env;
  const backend = selectBackend(options, env);
  if (backend !== "in-process") refuseInProcessOnly(options, backend);
  const webhooks = options.webhookInstallOptions ? await prepareWebhookInstall(options.webhookInstallOptions) : undefined;
  try {
    if (backend === "existing-cluster") return await startOnExistingCluster(options, webhooks);
    if (backend === "real") return await startOnRealApiServer(options, env, webhooks);
    const crds = crdsOf(options);
    const store = buildStore({ ...options, crdDirectoryPaths: [], crds: webhooks ? webhooks.patchCrds(crds) : (crds as JsonObject[]) });
    if (webhooks) store.seed(webhooks.configurations);
    const server = await TestApiServer.start({ store });
    return {
      kubeConfig: kubeConfigFor(server.url, options.namespace),
      backend,
      existingCluster: false,
      server,
      store,
      webhook: webhooks?.serving,
      // The server ends its watches, lets go of held requests and resolves once every
      // connection is closed; the webhook files go even if that failed.
      stop: async () => {
        try {
          await server.stop();
        } finally {
          await webhooks?.cleanup();
        }
      },
    };
  } catch (e) {
    await webhooks?.cleanup();
    throw e;
  }
}

/** The CRDs of `crdDirectoryPaths` and `crds`. */
function crdsOf(options: TestEnvOptions): KubernetesObject[] {
  return [...readCrdFiles(options.crdDirectoryPaths ?? []), ...((options.crds ?? []) as KubernetesObject[])] as KubernetesObject[];
}

/** Checks what a cluster backend cannot honour, before anything is started. */
function refuseInProcessOnly(options: TestEnvOptions, backend: TestEnvBackend): void {
  const inProcessOnly = (["clock", "admit", "historySize", "bookmarkIntervalMs"] as const).filter((k) => options[k] !== undefined);
  if (inProcessOnly.length > 0) {
    throw new Error(`startTestEnv: ${inProcessOnly.join(", ")} only apply to the in-process server, and this environment is ${backend}; pass backend: "in-process" for this test`);
  }
}

/**
 * `resources` are kinds the in-process server serves without a CRD; a cluster serves its own
 * kinds, so there each must already be served (a built-in kind, or one whose CRD is installed).
 */
async function checkServed(kc: KubeConfig, resources: readonly Resource[]): Promise<void> {
  if (resources.length === 0) return;
  const transport = new HttpTransport({ kubeConfig: kc, userAgent: "kubebuilder-ts-testing" });
  try {
    for (const r of resources) {
      const apiVersion = r.group === "" ? r.version : `${r.group}/${r.version}`;
      if (!(await servedResources(transport, apiVersion)).some((x) => x.name === r.plural)) {
        throw new Error(
          `startTestEnv: resources names ${r.kind} (${r.plural} in ${groupVersionPath(apiVersion)}), which this cluster does not serve; install its CRD with crdDirectoryPaths or crds`,
        );
      }
    }
  } finally {
    transport.close();
  }
}

async function startOnRealApiServer(options: TestEnvOptions, env: Readonly<Record<string, string | undefined>>, webhooks: PreparedWebhooks | undefined): Promise<TestEnv> {
  const fromOption = options.binaryAssetsDirectory !== undefined;
  const assets = assetsDirectoryFrom(env, options.binaryAssetsDirectory);
  if (assets === undefined) throw new Error(`startTestEnv: the real backend needs ${KUBEBUILDER_ASSETS} (or binaryAssetsDirectory): the folder of kube-apiserver and etcd; npm run envtest:assets builds them`);
  const read = crdsOf(options); // read before starting: a bad file fails fast
  const crds = webhooks ? (webhooks.patchCrds(read) as KubernetesObject[]) : read;
  const plane = await ControlPlane.start({
    assetsDirectory: assets,
    assetsSource: fromOption ? "binaryAssetsDirectory" : KUBEBUILDER_ASSETS,
    apiServerFlags: options.apiServerFlags,
    env,
  });
  try {
    const kubeConfig = plane.kubeConfig(options.namespace);
    await installCrds(kubeConfig, crds);
    await createOrReplace(kubeConfig, (webhooks?.configurations ?? []) as KubernetesObject[]);
    await checkServed(kubeConfig, options.resources ?? []);
    await createObjects(kubeConfig, options.objects ?? []);
    return {
      kubeConfig,
      backend: "real",
      existingCluster: false,
      get server(): TestApiServer {
        return noServer("real");
      },
      get store(): ObjectStore {
        return noServer("real");
      },
      webhook: webhooks?.serving,
      stop: async () => {
        await plane.stop();
        await webhooks?.cleanup();
      },
    };
  } catch (error) {
    await plane.stop({ kill: true });
    throw error;
  }
}

async function startOnExistingCluster(options: TestEnvOptions, webhooks: PreparedWebhooks | undefined): Promise<TestEnv> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const read = crdsOf(options);
  await installCrds(kubeConfig, webhooks ? (webhooks.patchCrds(read) as KubernetesObject[]) : read);
  await createOrReplace(kubeConfig, (webhooks?.configurations ?? []) as KubernetesObject[]);
  await checkServed(kubeConfig, options.resources ?? []);
  await createObjects(kubeConfig, options.objects ?? []);
  return {
    kubeConfig,
    backend: "existing-cluster",
    existingCluster: true,
    get server(): TestApiServer {
      return noServer("existing-cluster");
    },
    get store(): ObjectStore {
      return noServer("existing-cluster");
    },
    webhook: webhooks?.serving,
    stop: async () => {
      await webhooks?.cleanup();
    },
  };
}
