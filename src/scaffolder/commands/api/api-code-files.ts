import { posix } from "node:path";
import { defaultPlural } from "../../../generator/crd/plural.js";
import { BUILTIN_RESOURCES } from "../../../runtime/resource.js";
import type { Insertion, TemplateFile } from "../../machinery/scaffold-plan.js";
import type { ProjectModel } from "../../plan/project-model.js";
import { importPath, type ResourceModel } from "../../plan/resource-model.js";
import type { PlanPart, ResourcePartInput } from "../plan-parts.js";

/** The manager's entry point, where controllers and webhooks are registered. */
export const MAIN_FILE = "src/main.ts";
/** The insertion markers of {@link MAIN_FILE}. */
export const MAIN_MARKERS = {
  imports: "+kubebuilder:scaffold:imports",
  controllers: "+kubebuilder:scaffold:controllers",
  webhooks: "+kubebuilder:scaffold:webhooks",
} as const;

const RUNTIME = "kubebuilder-ts/runtime";

/**
 * How generated code reaches a resource's handle (a `Resource<T>`): this project's own kinds
 * import it from their types file, Kubernetes kinds the runtime knows import it from
 * `kubebuilder-ts/runtime`, and other kinds (Kubernetes or another project's) define it in
 * the file with `defineResource`.
 */
export interface HandleView {
  /** The identifier code uses for the handle (`CronJobResource`, `Deployment`, `IngressResource`). */
  readonly name: string;
  /** The object type, for this project's kinds (imported with the handle). */
  readonly typeName?: string;
  /** The import specifier of the handle; undefined when the file defines it. */
  readonly from?: string;
  /** What the file passes to `defineResource`, when it defines the handle. */
  readonly define?: { readonly group: string; readonly version: string; readonly kind: string; readonly plural: string; readonly namespaced: boolean };
  /**
   * The object type a defined handle is typed with: an external kind's type, imported (as a
   * type) from its `--external-api-path`; absent, the handle holds plain `KubernetesObject`s.
   */
  readonly objectType?: { readonly name: string; readonly imported: string; readonly from: string };
  /** Whether the in-process test server serves the kind without being told about it. */
  readonly served: boolean;
}

/** Kubernetes kinds that are cluster-scoped (every other Kubernetes kind is namespaced). */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  "APIService",
  "CertificateSigningRequest",
  "ClusterRole",
  "ClusterRoleBinding",
  "ClusterTrustBundle",
  "ComponentStatus",
  "CSIDriver",
  "CSINode",
  "CustomResourceDefinition",
  "DeviceClass",
  "FlowSchema",
  "IngressClass",
  "IPAddress",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "MutatingWebhookConfiguration",
  "Namespace",
  "Node",
  "PersistentVolume",
  "PriorityClass",
  "PriorityLevelConfiguration",
  "RuntimeClass",
  "SelfSubjectAccessReview",
  "SelfSubjectReview",
  "SelfSubjectRulesReview",
  "ServiceCIDR",
  "StorageClass",
  "SubjectAccessReview",
  "TokenReview",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "VolumeAttributesClass",
  "VolumeAttachment",
]);

/** Kinds the testing kit's API server serves out of the box, besides the runtime's handles. */
const SERVED_KINDS: ReadonlySet<string> = new Set([
  "/v1/Endpoints",
  "/v1/PersistentVolumeClaim",
  "/v1/PersistentVolume",
  "/v1/Node",
  "apps/v1/DaemonSet",
  "apps/v1/ReplicaSet",
  "batch/v1/CronJob",
  "events.k8s.io/v1/Event",
  "networking.k8s.io/v1/Ingress",
  "networking.k8s.io/v1/NetworkPolicy",
  "policy/v1/PodDisruptionBudget",
]);

/** Whether `r`'s API types are this project's (not a Kubernetes kind, not another project's). */
export function isOwnKind(r: ResourceModel): boolean {
  return !r.core && !r.external;
}

/** How code in `fromFile` (a project path without extension) reaches `r`'s handle. */
export function resourceHandle(r: ResourceModel, fromFile: string): HandleView {
  if (isOwnKind(r)) return { name: r.resourceConst, typeName: r.kind, from: importPath(fromFile, `${r.apiDir}/${r.typesFile}`), served: false };
  const builtin = r.core ? BUILTIN_RESOURCES.find((b) => b.group === r.apiGroup && b.version === r.version && b.kind === r.kind) : undefined;
  // The runtime exports each of its handles under its kind's name.
  if (builtin) return { name: builtin.kind, from: RUNTIME, served: true };
  const namespaced = isNamespacedKind(r);
  return {
    name: r.resourceConst,
    define: { group: r.apiGroup, version: r.version, kind: r.kind, plural: r.plural, namespaced },
    objectType: r.externalApiPath === undefined ? undefined : externalObjectType(r.kind, r.externalApiPath, fromFile),
    served: r.core && SERVED_KINDS.has(`${r.apiGroup}/${r.version}/${r.kind}`),
  };
}

/** Names the scaffolded files import from kubebuilder-ts/runtime, which an external kind's type must not shadow. */
const RUNTIME_TYPE_NAMES: ReadonlySet<string> = new Set([
  "AdmissionHandler",
  "AdmissionRequest",
  "Client",
  "KubernetesObject",
  "Manager",
  "ReconcileContext",
  "Reconciler",
  "Request",
  "Result",
  "ValidationError",
  "WebhookServer",
]);

/**
 * An external kind's type, imported from `path` (`--external-api-path`: an npm module, or `./`
 * and a file of the project, reached relatively from `fromFile`), under the kind's name unless
 * that shadows a runtime name the file imports (then `<Kind>Object`).
 */
function externalObjectType(kind: string, path: string, fromFile: string): { name: string; imported: string; from: string } {
  const from = path.startsWith("./") ? importPath(fromFile, path.slice(2)) : path;
  return { name: RUNTIME_TYPE_NAMES.has(kind) ? `${kind}Object` : kind, imported: kind, from };
}

/**
 * Whether `r`'s objects live in namespaces: as its PROJECT entry says for the project's own
 * kinds, from the list above for Kubernetes' kinds; other external kinds are taken as namespaced.
 */
export function isNamespacedKind(r: ResourceModel): boolean {
  return r.core ? !CLUSTER_SCOPED_KINDS.has(r.kind) : r.namespaced;
}

/** The group an RBAC marker names: the API group, or `core` for the legacy group. */
export function rbacGroup(r: ResourceModel): string {
  return r.apiGroup || "core";
}

/** `batch` → `Batch`, `ship.crew` → `ShipCrew`, `v1beta1` → `V1beta1`. */
export function pascal(text: string): string {
  return text
    .split(/[.-]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

/**
 * The name `src/main.ts` imports a setup function under: `name` itself, unless another
 * resource of PROJECT has a file exporting the same name (the same kind in another group,
 * or in another version for webhooks); then `name` with `r`'s group (and version) in it.
 * The first of two such files keeps the plain name, the second gets the qualified one, so
 * the imports never clash whichever is scaffolded first.
 */
export function mainImportName(project: ProjectModel, r: ResourceModel, name: string, clashes: (other: ResourceModel) => boolean, withVersion: boolean): string {
  const isSelf = (o: ResourceModel): boolean => o.group === r.group && o.version === r.version && o.kind === r.kind;
  if (!project.resources.some((o) => !isSelf(o) && o.kind === r.kind && clashes(o))) return name;
  return name.replace(/^setup/, `setup${pascal(r.group)}${withVersion ? pascal(r.version) : ""}`);
}

/**
 * Insertions registering `exported` from `file` in `src/main.ts`: its import, and `entry` at
 * `marker`; neither when main.ts imports from `file` already (a command re-run with --force
 * after another group's kind of the same name arrived would otherwise pick a new local name).
 */
export function mainRegistration(file: string, exported: string, local: string, marker: string, entry: string): Insertion[] {
  const binding = local === exported ? exported : `${exported} as ${local}`;
  const from = `from "${importPath(MAIN_FILE, file)}";`;
  return [
    { path: MAIN_FILE, marker: MAIN_MARKERS.imports, fragments: [`import { ${binding} } ${from}`], unlessPresent: from },
    { path: MAIN_FILE, marker, fragments: [entry], unlessPresent: from },
  ];
}

/** The names one controller of a resource goes by. */
export interface ControllerNames {
  /** Its file, without extension (`src/controllers/captain-backup-controller`). */
  readonly file: string;
  readonly reconcilerClass: string;
  /** The function `src/main.ts` calls to register it. */
  readonly setupName: string;
  /** The name the manager knows it by (`.named(...)`: logs, metrics), after the group in multigroup projects. */
  readonly runtimeName: string;
}

/**
 * The names of `r`'s controller `name` (`--controller-name`), or of its unnamed controller:
 * the kind's (`cronjob-controller.ts`, `CronJobReconciler`, `setupCronJobController`), which a
 * name equal to the kind in lower case also gets, as kubebuilder names them; any other name
 * gives `<name>-controller.ts`, `<Name>Reconciler` and `setup<Name>Controller`.
 */
export function controllerNames(project: ProjectModel, r: ResourceModel, name?: string): ControllerNames {
  const plain = name === undefined || name === r.lowerKind;
  const base = plain ? r.kind : pascal(name);
  return {
    file: plain ? r.controllerPath : `${posix.dirname(r.controllerPath)}/${name}-controller`,
    reconcilerClass: `${base}Reconciler`,
    setupName: `setup${base}Controller`,
    runtimeName: `${project.multigroup ? `${r.group}-` : ""}${name ?? r.lowerKind}`,
  };
}

/** The controllers PROJECT records for `r`: its named ones, else its unnamed one (undefined), else none. */
export function controllersOf(r: ResourceModel): readonly (string | undefined)[] {
  if (r.controllerNames.length > 0) return r.controllerNames;
  return r.hasController ? [undefined] : [];
}

/**
 * The TypeScript that `kb create api` writes for one resource: API types and
 * `groupversion-info.ts` (with `--resource`), and for each of `want.controllers` (a name given
 * with `--controller-name`, or undefined for the unnamed controller) a reconciler, its test and
 * its registration in `src/main.ts`.
 */
export function apiCodeFiles({ project, resource: r }: ResourcePartInput, want: { resource: boolean; controllers: readonly (string | undefined)[] }): PlanPart {
  const templates: TemplateFile[] = [];
  const insertions: Insertion[] = [];
  if (want.resource) {
    templates.push({ template: "api/api/groupversion-info.ts.ejs", path: `${r.apiDir}/groupversion-info.ts`, ifExists: "skip" });
    templates.push({
      template: "api/api/types.ts.ejs",
      path: `${r.apiDir}/${r.typesFile}.ts`,
      ifExists: "error",
      data: { customPlural: r.plural !== defaultPlural(r.kind).toLowerCase() },
    });
  }
  for (const name of want.controllers) {
    const names = controllerNames(project, r, name);
    const file = names.file;
    const data = {
      handle: resourceHandle(r, file),
      own: isOwnKind(r),
      // A namespaced project's controller gets a Role in its namespace (as kubebuilder's), but
      // a Role cannot grant cluster-scoped objects, which the runtime watches cluster-wide.
      rbac: { group: rbacGroup(r), plural: r.plural, namespace: project.namespaced && isNamespacedKind(r) ? `${project.projectName}-system` : undefined },
      controllerName: names.runtimeName,
      reconcilerClass: names.reconcilerClass,
      setupName: names.setupName,
      fileBase: posix.basename(file),
      crdDir: posix.relative(posix.dirname(file), "config/crd/bases"),
    };
    templates.push({ template: "api/src/controllers/controller.ts.ejs", path: `${file}.ts`, ifExists: "error", data });
    templates.push({ template: "api/src/controllers/controller.test.ts.ejs", path: `${file}.test.ts`, ifExists: "error", data });
    // The same setup function's name in another group's folder: src/main.ts imports the second under its group's name.
    const clash = project.resources.some((o) => o.group !== r.group && controllersOf(o).some((n) => controllerNames(project, o, n).setupName === names.setupName));
    const local = clash ? names.setupName.replace(/^setup/, `setup${pascal(r.group)}`) : names.setupName;
    insertions.push(...mainRegistration(file, names.setupName, local, MAIN_MARKERS.controllers, `${local}(mgr);`));
  }
  return { templates, insertions };
}
