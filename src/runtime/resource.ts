import type {
  CoreV1Event,
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1Job,
  V1Lease,
  V1Namespace,
  V1Pod,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
  V1CustomResourceDefinition,
} from "@kubernetes/client-node";

export type { KubernetesObject };

/**
 * A typed handle on a Kubernetes resource: what controller-runtime's scheme knows of a kind.
 * `T` is the object type; it is only carried for typing.
 */
export interface Resource<T extends KubernetesObject = KubernetesObject> {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The lower-case plural used in URLs, e.g. "cronjobs". */
  readonly plural: string;
  readonly namespaced: boolean;
  /** "v1" for core, else "group/version". */
  readonly apiVersion: string;
  /** A unique key: "group/version/plural" ("/v1/pods" for core). */
  readonly key: string;
  /** Phantom member carrying the object type; never set. */
  readonly __object?: T;
}

/** What {@link defineResource} takes. */
export interface ResourceDefinition {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * Declares a resource. Generated projects call this next to their API types:
 * @example
 * ```ts
 * export const CronJobResource = defineResource<CronJob>({
 *   group: "batch.tutorial.kubebuilder.io", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true,
 * });
 * ```
 */
export function defineResource<T extends KubernetesObject>(definition: ResourceDefinition): Resource<T> {
  const { group, version, kind, plural, namespaced } = definition;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(plural)) {
    throw new TypeError(`defineResource: plural "${plural}" must be a lower-case DNS label`);
  }
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind)) throw new TypeError(`defineResource: kind "${kind}" must be PascalCase`);
  return Object.freeze({
    group,
    version,
    kind,
    plural,
    namespaced,
    apiVersion: group === "" ? version : `${group}/${version}`,
    key: `${group}/${version}/${plural}`,
  });
}

/** Where an object lives: the path of a collection, an object, or a subresource. */
export interface ResourcePathOptions {
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: string | undefined;
}

/** The REST path: `/api/v1/namespaces/ns/pods/name/status` or `/apis/g/v/...`. */
export function resourcePath(resource: Resource, options: ResourcePathOptions = {}): string {
  const base = resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const ns = resource.namespaced && options.namespace ? `/namespaces/${encodeURIComponent(options.namespace)}` : "";
  let path = `${base}${ns}/${resource.plural}`;
  if (options.name !== undefined) path += `/${encodeURIComponent(options.name)}`;
  if (options.subresource !== undefined) path += `/${options.subresource}`;
  return path;
}

const core = (kind: string, plural: string, namespaced = true) => ({ group: "", version: "v1", kind, plural, namespaced });

/** Built-in resources, ready to use. */
export const ConfigMap = defineResource<V1ConfigMap>(core("ConfigMap", "configmaps"));
export const Secret = defineResource<V1Secret>(core("Secret", "secrets"));
export const Pod = defineResource<V1Pod>(core("Pod", "pods"));
export const Service = defineResource<V1Service>(core("Service", "services"));
export const ServiceAccount = defineResource<V1ServiceAccount>(core("ServiceAccount", "serviceaccounts"));
export const Namespace = defineResource<V1Namespace>(core("Namespace", "namespaces", false));
export const Event = defineResource<CoreV1Event>(core("Event", "events"));
export const Deployment = defineResource<V1Deployment>({ group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true });
export const StatefulSet = defineResource<V1StatefulSet>({ group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true });
export const Job = defineResource<V1Job>({ group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true });
export const Lease = defineResource<V1Lease>({ group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true });
export const CustomResourceDefinition = defineResource<V1CustomResourceDefinition>({
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  plural: "customresourcedefinitions",
  namespaced: false,
});

/** The built-in resources above, by key. */
export const BUILTIN_RESOURCES: readonly Resource[] = [
  ConfigMap,
  Secret,
  Pod,
  Service,
  ServiceAccount,
  Namespace,
  Event,
  Deployment,
  StatefulSet,
  Job,
  Lease,
  CustomResourceDefinition,
];
