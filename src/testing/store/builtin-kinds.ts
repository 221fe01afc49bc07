import type { KindInfo } from "./kind-info.js";

interface BuiltinSpec {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly shortNames?: readonly string[];
  readonly cluster?: boolean;
  readonly status?: boolean;
  readonly generation?: boolean;
  readonly categories?: readonly string[];
  /** Whether the kind has no deletecollection (Namespaces). */
  readonly noDeleteCollection?: boolean;
}

const ALL = ["all"];
const API_EXTENSIONS = ["api-extensions"];

/**
 * The built-in kinds the test server serves: every kind of the runtime's
 * `BUILTIN_RESOURCES` and the ones operators commonly create or own. Which have a status
 * subresource and which keep `metadata.generation` follows the real API server.
 */
const SPECS: readonly BuiltinSpec[] = [
  { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", shortNames: ["cm"] },
  { group: "", version: "v1", kind: "Secret", plural: "secrets" },
  { group: "", version: "v1", kind: "Pod", plural: "pods", shortNames: ["po"], status: true, categories: ALL },
  { group: "", version: "v1", kind: "Service", plural: "services", shortNames: ["svc"], status: true, categories: ALL },
  { group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", shortNames: ["sa"] },
  { group: "", version: "v1", kind: "Namespace", plural: "namespaces", shortNames: ["ns"], cluster: true, status: true, noDeleteCollection: true },
  { group: "", version: "v1", kind: "Event", plural: "events", shortNames: ["ev"] },
  { group: "", version: "v1", kind: "Endpoints", plural: "endpoints", shortNames: ["ep"] },
  { group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", shortNames: ["pvc"], status: true },
  { group: "", version: "v1", kind: "PersistentVolume", plural: "persistentvolumes", shortNames: ["pv"], cluster: true, status: true },
  { group: "", version: "v1", kind: "Node", plural: "nodes", shortNames: ["no"], cluster: true, status: true },
  { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", shortNames: ["deploy"], status: true, generation: true, categories: ALL },
  { group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", shortNames: ["sts"], status: true, generation: true, categories: ALL },
  { group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", shortNames: ["ds"], status: true, generation: true, categories: ALL },
  { group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", shortNames: ["rs"], status: true, generation: true, categories: ALL },
  { group: "batch", version: "v1", kind: "Job", plural: "jobs", status: true, generation: true, categories: ALL },
  { group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", shortNames: ["cj"], status: true, generation: true, categories: ALL },
  { group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases" },
  { group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", shortNames: ["ev"] },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles" },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", plural: "rolebindings" },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", cluster: true },
  { group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", cluster: true },
  { group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses", shortNames: ["ing"], status: true, generation: true },
  { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", plural: "networkpolicies", shortNames: ["netpol"], generation: true },
  { group: "policy", version: "v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", shortNames: ["pdb"], status: true, generation: true },
  {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind: "MutatingWebhookConfiguration",
    plural: "mutatingwebhookconfigurations",
    cluster: true,
    generation: true,
    categories: API_EXTENSIONS,
  },
  {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind: "ValidatingWebhookConfiguration",
    plural: "validatingwebhookconfigurations",
    cluster: true,
    generation: true,
    categories: API_EXTENSIONS,
  },
  {
    group: "apiextensions.k8s.io",
    version: "v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    shortNames: ["crd", "crds"],
    cluster: true,
    status: true,
    generation: true,
    categories: API_EXTENSIONS,
  },
];

/** The built-in kinds, freshly built (the store registers them at start). */
export function builtinKinds(): KindInfo[] {
  return SPECS.map((s) => ({
    group: s.group,
    plural: s.plural,
    kind: s.kind,
    listKind: `${s.kind}List`,
    singular: s.kind.toLowerCase(),
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    namespaced: !s.cluster,
    versions: [{ name: s.version, storage: true, statusSubresource: s.status ?? false, selectableFields: [] }],
    storageVersion: s.version,
    builtin: true,
    generation: s.generation ?? false,
    allowUnconditionalUpdate: true,
    deleteReturnsObject: false,
    ...(s.noDeleteCollection ? { noDeleteCollection: true } : {}),
  }));
}
