// The public surface of kubebuilder-ts/testing. Named exports only.
export { FakeClock, realClock, type Clock, type ClockTimer } from "./clock.js";
export { selectBackend, startTestEnv, type TestEnv, type TestEnvBackend, type TestEnvOptions } from "./env/start-test-env.js";
export { ControlPlane, ADMIN_USER, type ControlPlaneOptions } from "./control-plane/control-plane.js";
export { KUBEBUILDER_ASSETS } from "./control-plane/assets.js";
export { CertificateAuthority, type CertificatePair } from "./pki/certificate-authority.js";
export type { StoreSetup } from "./env/build-store.js";
export { installCrds, shouldUseExistingCluster, USE_EXISTING_CLUSTER, type InstallCrdsOptions } from "./env/existing-cluster.js";
export { kubeConfigFor } from "./env/kubeconfig.js";
export {
  prepareWebhookInstall,
  WebhookInstallError,
  type LocalWebhookServing,
  type PreparedWebhooks,
  type WebhookInstallOptions,
} from "./env/webhook-install.js";
export { fakeClient, type FakeClient, type FakeClientOptions } from "./fake/fake-client.js";
export { TestApiServer, type TestApiServerOptions } from "./http/test-api-server.js";
export { InMemoryTransport, type InMemoryTransportOptions } from "./http/in-memory-transport.js";
export { ServerFaults, type FaultHandle, type FaultRequest, type RequestMatch } from "./http/faults.js";
export { ObjectStore, type ObjectStoreOptions } from "./store/object-store.js";
export type { AdmitFunction, AdmitOptions, AdmissionResult } from "./store/admission.js";
export { readCrdFiles, CrdFileError } from "./store/crd-files.js";
export { StatusError, type ApiStatus, type StatusCause } from "./store/status-error.js";
export type { DeleteOutcome, DeleteRequest } from "./store/deletion.js";
export type { ListRequest, ListResult } from "./store/list.js";
export type { PatchRequest, UpdateRequest, WriteRequest } from "./store/write.js";
export type { KindInfo, ResolvedResource, VersionInfo } from "./store/kind-info.js";
export type { WatchHandle, WatchRequest } from "./watch/start-watch.js";
export type { WatchEvent, WatchEventType, WatchSink } from "./watch/watch-hub.js";
export { admitObject } from "./schema/index.js";
export { fakeIndex, type FakeIndex } from "./fake/fake-client.js";
export { interceptClient, type InterceptorFuncs, type WatchingClient } from "./fake/interceptor.js";
export { reconcileContext, type ReconcileContextOptions } from "./reconcile/reconcile-context.js";
