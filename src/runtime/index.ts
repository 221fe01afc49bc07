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
export { parseRequestKey, requestKey, type ReconcileContext, type Reconciler, type Request, type Result } from "./reconcile.js";
export { ApiError, isAlreadyExists, isConflict, isForbidden, isGone, isInvalid, isNotFound, type StatusBody } from "./errors.js";
export type {
  Client,
  DeleteOptions,
  ListOptions,
  ObjectKey,
  PatchOptions,
  PatchType,
  WriteOptions,
} from "./client/types.js";
