// The public surface of kubebuilder-ts/runtime. Named exports only.
export {
  BUILTIN_RESOURCES,
  ConfigMap,
  CustomResourceDefinition,
  defineResource,
  Deployment,
  Event,
  Job,
  Lease,
  Namespace,
  Pod,
  resourcePath,
  Secret,
  Service,
  ServiceAccount,
  StatefulSet,
  type KubernetesObject,
  type Resource,
  type ResourceDefinition,
  type ResourcePathOptions,
} from "./resource.js";
export type { ObjectOf } from "./resource.js";
export { formatMicroTime, formatTime, parseTime, type Wire } from "./wire.js";
export { parseRequestKey, requestKey, type ReconcileContext, type Reconciler, type Request, type Result } from "./reconcile.js";
export { ApiError, isAlreadyExists, isConflict, isForbidden, isGone, isInvalid, isNotFound, type StatusBody } from "./errors.js";
export type {
  Client,
  DeleteOptions,
  ListOptions,
  ObjectKey,
  PatchOptions,
  PatchType,
  RequestOptions,
  WriteOptions,
} from "./client/types.js";
export { ApiClient, HttpTransport, TransportError, withSignal, type ApiClientOptions, type HttpTransportOptions, type Transport } from "./client/index.js";
export { loadKubeConfig, type KubeConfigSources } from "./client/load-kube-config.js";
export {
  CachedClient,
  CacheNotSyncedError,
  CacheSyncTimeoutError,
  InformerCache,
  ResourceNotCachedError,
  SharedInformer,
  stripManagedFields,
  type InformerCacheOptions,
  type InformerEventHandler,
  type InformerScope,
} from "./cache/index.js";
export { FakeClock, realClock, type Clock, type ClockTimer } from "./clock/index.js";
export { listWatchSource, watch, WatcherError, type WatcherEvent, type WatcherOptions } from "./watch/index.js";
export {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  PrometheusQueueMetrics,
  WorkQueue,
  type QueueItem,
  type QueueMetrics,
  type RateLimiter,
  type WorkQueueOptions,
} from "./queue/index.js";
export { Controller, type ControllerOptions } from "./controller/controller.js";
export { TerminalError } from "./controller/terminal-error.js";
export { mappingHandler, requestForObject, requestForOwner, type MapFunction } from "./controller/event-handlers.js";
export {
  and,
  annotationChanged,
  generationChanged,
  hasLabels,
  labelChanged,
  not,
  or,
  resourceVersionChanged,
  type Predicate,
} from "./controller/predicates.js";
export { ControllerBuilder, type ControllerBuilderOptions, type WatchOptions } from "./manager/controller-builder.js";
export { Manager, type ManagedWebhookServer, type ManagerOptions, type Runnable } from "./manager/manager.js";
export { LeaderElector, DEFAULT_LEADER_ELECTION, type LeaderElectionTimings, type LeaderElectorOptions } from "./leader/leader-elector.js";
export { ControllerMetrics } from "./metrics/controller-metrics.js";
export { WebhookMetrics, type WebhookRequestTimer } from "./metrics/webhook-metrics.js";
export { HealthProbeServer, MetricsServer, parseBindAddress, type Checker } from "./metrics/probe-server.js";
export {
  ApiServerAuthorizer,
  type ApiServerAuthorizerOptions,
  type MetricsAuthDecision,
  type MetricsAuthorizer,
  type MetricsRequest,
  type UserInfo,
} from "./metrics/metrics-auth.js";
export { SecureMetricsServer, type SecureMetricsServerOptions } from "./metrics/secure-metrics-server.js";
export { generateSelfSignedCertificate, type SelfSignedCertificateOptions } from "./metrics/self-signed-cert.js";
export type { ServingCertificate } from "./webhook/cert-watcher.js";
export { EventRecorder, type EventType } from "./events/event-recorder.js";
export { createLogger, silentLogger, type Logger } from "./log/logger.js";
export {
  addFinalizer,
  createOrPatch,
  createOrUpdate,
  findStatusCondition,
  getControllerOf,
  hasFinalizer,
  isBeingDeleted,
  isStatusConditionFalse,
  isStatusConditionTrue,
  OwnerReferenceError,
  removeFinalizer,
  removeStatusCondition,
  setControllerReference,
  setOwnerReference,
  setStatusCondition,
  type Condition,
  type OperationResult,
  type PatchOperationResult,
} from "./helpers/index.js";
export {
  allowed,
  conversion,
  ConversionError,
  CONVERSION_PATH,
  defaulter,
  defaultingPath,
  denied,
  errored,
  patched,
  validatingPath,
  ValidationError,
  validator,
  WebhookServer,
  type AdmissionHandler,
  type AdmissionRequest,
  type Conversion,
  type ValidatorHooks,
  type WebhookServerOptions,
} from "./webhook/index.js";
export { ControllerNameError, ControllerNames, MAX_CONTROLLER_NAME_LENGTH, validateControllerName } from "./controller/controller-name.js";
export { describePanic, isPanic, ReconcilePanicError } from "./controller/reconcile-panic.js";
export type { OwnerRequestOptions } from "./controller/event-handlers.js";
export type { OwnsOptions } from "./manager/controller-builder.js";
export { MeteredTransport, apiServerHost, type MeteredTransportOptions } from "./metrics/metered-transport.js";
export { RestClientMetrics, REST_CLIENT_DURATION_BUCKETS } from "./metrics/rest-client-metrics.js";
export { LeaderElectionMetrics } from "./metrics/leader-election-metrics.js";
export { registerProcessMetrics } from "./metrics/process-metrics.js";
export {
  LOG_FLAGS,
  LogFlagError,
  parseLogFlags,
  type LogEncoding,
  type LogFlags,
  type LogLevelName,
  type StacktraceLevelName,
} from "./log/log-flags.js";
export { createLoggerFromFlags, type FlagLoggerOptions } from "./log/flag-logger.js";
export { ConsoleDestination, formatConsoleLine, type LineSink } from "./log/console-destination.js";
export {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from "./webhook/webhook-server.js";
export type { DeleteAllOfOptions } from "./client/types.js";
export type { ListPage, ListPageOptions, WatchRequestOptions, WatchStream } from "./client/api-client.js";
export { getReference } from "./helpers/index.js";
export {
  conversionFor,
  field,
  FieldPath,
  fieldErrorText,
  fieldPath,
  invalidStatus,
  type FieldCause,
  type FieldCauseReason,
  type FieldError,
  type SpokeConversion,
  type TypedConversion,
  type TypedSpokeConversion,
} from "./webhook/index.js";
