import type {
  CoreV1Event,
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
  V1ObjectMeta,
} from "@kubernetes/client-node";
import type { Wire } from "./wire.js";

/**
 * What every object the runtime handles has: its type and its metadata, in their wire form
 * (times are RFC 3339 strings, see {@link Wire}). Your API types satisfy it with kubebuilder-ts's
 * `ObjectMeta`, client-node models with `Wire<V1Xxx>`; a bare client-node model does not, as
 * its `Date` times are not what the runtime delivers.
 */
export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Wire<V1ObjectMeta>;
}

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

/**
 * The object type of a resource.
 * @example
 * ```ts
 * function ages(items: readonly ObjectOf<typeof CronJobResource>[]): number[] { ... }
 * ```
 */
export type ObjectOf<R extends Resource> = R extends Resource<infer T> ? T : never;

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

// Built-in resources, ready to use. Each name is both the resource (a value) and its object
// type, client-node's model in wire form: `const job: Job = await client.get(Job, key)`.

export interface ConfigMap extends Wire<V1ConfigMap> {}
export const ConfigMap = defineResource<ConfigMap>(core("ConfigMap", "configmaps"));
export interface Secret extends Wire<V1Secret> {}
export const Secret = defineResource<Secret>(core("Secret", "secrets"));
export interface Pod extends Wire<V1Pod> {}
export const Pod = defineResource<Pod>(core("Pod", "pods"));
export interface Service extends Wire<V1Service> {}
export const Service = defineResource<Service>(core("Service", "services"));
export interface ServiceAccount extends Wire<V1ServiceAccount> {}
export const ServiceAccount = defineResource<ServiceAccount>(core("ServiceAccount", "serviceaccounts"));
export interface Namespace extends Wire<V1Namespace> {}
export const Namespace = defineResource<Namespace>(core("Namespace", "namespaces", false));
/** A core/v1 Event, as the `EventRecorder` writes it. */
export interface Event extends Wire<CoreV1Event> {}
export const Event = defineResource<Event>(core("Event", "events"));
export interface Deployment extends Wire<V1Deployment> {}
export const Deployment = defineResource<Deployment>({ group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true });
export interface StatefulSet extends Wire<V1StatefulSet> {}
export const StatefulSet = defineResource<StatefulSet>({ group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true });
export interface Job extends Wire<V1Job> {}
export const Job = defineResource<Job>({ group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true });
/** A coordination.k8s.io/v1 Lease: `spec.renewTime` and `spec.acquireTime` are MicroTime strings. */
export interface Lease extends Wire<V1Lease> {}
export const Lease = defineResource<Lease>({ group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true });
export interface CustomResourceDefinition extends Wire<V1CustomResourceDefinition> {}
export const CustomResourceDefinition = defineResource<CustomResourceDefinition>({
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
