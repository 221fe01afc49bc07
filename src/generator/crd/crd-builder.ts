import type { DiagnosticList, SourceLocation } from "../../diagnostics/index.js";
import type { Marker, MarkerArgs } from "../../markers/index.js";
import type { ApiModel, ApiPackage, JSONSchemaProps, KindDecl, NamedType } from "../../model/index.js";
import { CRD_MARKERS, OBJECT_ROOT } from "../../markers/definitions/crd.js";
import { groupProblem, kindProblem, labelProblem } from "./names.js";
import { defaultPlural } from "./plural.js";
import type { SchemaBuilder } from "./schema-builder.js";
import { checkStructural } from "./structural.js";
import { truncateDescriptions } from "./truncate.js";

/** The annotation every CRD carries with the kb version that wrote it. */
export const VERSION_ANNOTATION = "kubebuilder-ts.io/version";

/** A CustomResourceDefinition as plain data, keys in any order (the YAML writer sorts). */
export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; annotations: Record<string, string>; labels?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: "Namespaced" | "Cluster";
    versions: CrdVersion[];
  };
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: {
    status?: Record<string, never>;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
}

interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface CrdOptions {
  /** The kb version, written to {@link VERSION_ANNOTATION}. */
  readonly kbVersion: string;
  readonly maxDescLen?: number | undefined;
}

/** One CRD per group and kind, with the kind's location (for later diagnostics). */
export interface BuiltCrd {
  readonly crd: CustomResourceDefinition;
  readonly location: SourceLocation;
}

interface KindVersion {
  readonly pkg: ApiPackage;
  readonly kind: KindDecl;
  readonly type: NamedType;
}

const PRINTER_TYPES = ["integer", "number", "string", "boolean", "date"];
const PRINTER_FORMATS = ["int32", "int64", "float", "double", "byte", "date", "date-time", "password"];

/**
 * Builds the CRDs of a model: each group+kind gathers its versions from every package of
 * the group, sorted by name; CRD markers on each version's type set names, scope,
 * subresources, columns, storage/served/deprecated flags, as controller-gen applies them.
 */
export function buildCrds(
  model: ApiModel,
  schemas: SchemaBuilder,
  options: CrdOptions,
  diagnostics: DiagnosticList,
): BuiltCrd[] {
  const byKind = new Map<string, KindVersion[]>();
  checkKindMarkers(model, diagnostics);
  for (const pkg of model.packages) {
    if (pkg.markers.some((m) => m.name === "kubebuilder:skip")) continue;
    if (pkg.group === undefined) {
      if (pkg.kinds.length > 0) {
        diagnostics.error(
          "group-name",
          `this package has kinds (${pkg.kinds.map((k) => k.name).join(", ")}) but no +groupName marker`,
          pkg.location,
          "add // +groupName=<group> to the top comment of groupversion-info.ts",
        );
      }
      continue;
    }
    const groupMarker = pkg.markers.find((m) => m.name === "groupName");
    const badGroup = groupProblem(pkg.group);
    if (badGroup) {
      diagnostics.error("group-name", `+groupName "${pkg.group}" is not a valid API group: ${badGroup}`, groupMarker?.location ?? pkg.location);
      continue;
    }
    const badVersion = labelProblem(pkg.version);
    if (badVersion && pkg.kinds.length > 0) {
      const versionMarker = pkg.markers.find((m) => m.name === "versionName");
      diagnostics.error(
        "version-name",
        `version "${pkg.version}" (${versionMarker ? "+versionName" : "the directory's name"}) is not a valid API version: ${badVersion}`,
        versionMarker?.location ?? pkg.location,
      );
      continue;
    }
    for (const kind of pkg.kinds) {
      const badKind = kindProblem(kind.name);
      if (badKind) {
        diagnostics.error("kind-name", `kind name "${kind.name}" is not valid: ${badKind}`, kind.location);
        continue;
      }
      const key = `${pkg.group}/${kind.name}`;
      const type = model.types.get(kind.typeId)!;
      const list = byKind.get(key) ?? [];
      list.push({ pkg, kind, type });
      byKind.set(key, list);
    }
  }
  const out: BuiltCrd[] = [];
  const byName = new Map<string, BuiltCrd>();
  for (const key of [...byKind.keys()].sort()) {
    const built = buildCrd(byKind.get(key)!, schemas, options, diagnostics);
    if (!built) continue;
    // Two kinds with one plural in a group would be one CRD name and one file: one would be lost.
    const name = built.crd.metadata.name;
    const other = byName.get(name);
    if (other) {
      const at = other.location;
      diagnostics.error(
        "crd-name",
        `kinds ${other.crd.spec.names.kind} and ${built.crd.spec.names.kind} both make the CRD ${name} (plural "${built.crd.spec.names.plural}" in group ${built.crd.spec.group})`,
        built.location,
        `${other.crd.spec.names.kind} is at ${at.file}:${at.line}:${at.column}; give one of them another plural with +kubebuilder:resource:path`,
      );
      continue;
    }
    byName.set(name, built);
    out.push(built);
  }
  return out;
}

const KIND_ONLY_MARKERS = new Set(CRD_MARKERS.map((d) => d.name).filter((n) => n !== OBJECT_ROOT));

/**
 * CRD markers (`+kubebuilder:printcolumn`, `+kubebuilder:subresource:status`, ...) say
 * something only on a kind: on any other type they would be ignored without a word.
 */
function checkKindMarkers(model: ApiModel, diagnostics: DiagnosticList): void {
  const kinds = new Set(model.packages.flatMap((p) => p.kinds.map((k) => k.typeId)));
  for (const type of model.types.values()) {
    if (kinds.has(type.id)) continue;
    const root = type.markers.some((m) => m.name === OBJECT_ROOT && m.value === true);
    for (const m of type.markers) {
      if (!KIND_ONLY_MARKERS.has(m.name)) continue;
      const why = !root
        ? `${type.name} is not a kind (a kind is marked +${OBJECT_ROOT}=true)`
        : type.packageDir === undefined
          ? `${type.name} is not in an API package (a directory with groupversion-info.ts)`
          : `${type.name} is a list type, not a kind`;
      diagnostics.error("marker-target", `+${m.name} applies to kinds only: ${why}`, m.location);
    }
  }
}

function buildCrd(
  versions: KindVersion[],
  schemas: SchemaBuilder,
  options: CrdOptions,
  diagnostics: DiagnosticList,
): BuiltCrd | undefined {
  const first = versions[0]!;
  const group = first.pkg.group!;
  const kindName = first.kind.name;
  const plural = defaultPlural(kindName);
  const crd: CustomResourceDefinition = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "", annotations: { [VERSION_ANNOTATION]: options.kbVersion } },
    spec: {
      group,
      names: { kind: kindName, listKind: `${kindName}List`, plural, singular: kindName.toLowerCase() },
      scope: "Namespaced",
      versions: [],
    },
  };
  const seen = new Map<string, KindVersion>();
  for (const v of versions) {
    const dup = seen.get(v.pkg.version);
    if (dup) {
      diagnostics.error(
        "duplicate-version",
        `kind ${kindName} is declared twice for ${group}/${v.pkg.version}`,
        v.kind.location,
        `the other one is at ${dup.kind.location.file}:${dup.kind.location.line}`,
      );
      continue;
    }
    seen.set(v.pkg.version, v);
    if (v.type.markers.some((m) => m.name === "kubebuilder:skipversion")) continue;
    const schema = schemas.kindSchema(v.kind.typeId);
    checkStructural(schema, kindName, v.kind.location, schemas.locations, diagnostics);
    if (options.maxDescLen !== undefined) truncateDescriptions(schema, options.maxDescLen);
    crd.spec.versions.push({ name: v.pkg.version, served: true, storage: false, schema: { openAPIV3Schema: schema } });
  }
  const storageMarkers: Marker[] = [];
  let scopeFrom: Marker | undefined;
  for (const v of versions) {
    const version = crd.spec.versions.find((x) => x.name === v.pkg.version);
    for (const m of v.type.markers) {
      if (m.name === "kubebuilder:resource") {
        scopeFrom = applyResource(crd, m, scopeFrom, diagnostics);
        continue;
      }
      if (!version) continue;
      applyVersionMarker(version, m, storageMarkers, diagnostics);
    }
  }
  applyCrdMetadata(crd, versions.map((v) => v.type), diagnostics);
  if (!checkNames(crd, scopeFrom ?? first.kind, diagnostics)) return undefined;
  crd.metadata.name = `${crd.spec.names.plural}.${group}`;
  if (crd.spec.versions.length === 0) return undefined;
  crd.spec.versions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (crd.spec.versions.length === 1) crd.spec.versions[0]!.storage = true;
  const stored = crd.spec.versions.filter((v) => v.storage);
  if (stored.length === 0) {
    diagnostics.error(
      "storage-version",
      `CRD for ${kindName}.${group} has ${crd.spec.versions.length} versions but no storage version`,
      first.kind.location,
      "mark one version's kind with // +kubebuilder:storageversion",
    );
  } else if (stored.length > 1) {
    diagnostics.error(
      "storage-version",
      `CRD for ${kindName}.${group} has more than one storage version (${stored.map((v) => v.name).join(", ")})`,
      storageMarkers[1]?.location ?? first.kind.location,
      "keep +kubebuilder:storageversion on one version only",
    );
  }
  if (!crd.spec.versions.some((v) => v.served)) {
    diagnostics.error("served-version", `CRD for ${kindName}.${group} serves no version`, first.kind.location);
  }
  return { crd, location: first.kind.location };
}

/**
 * Checks the names the API server checks (the plural also names the output file); false
 * when the plural is unusable. `at` is the +kubebuilder:resource marker that set them, or the kind.
 */
function checkNames(crd: CustomResourceDefinition, at: { readonly location: SourceLocation }, diagnostics: DiagnosticList): boolean {
  const n = crd.spec.names;
  const bad = (what: string, value: string, problem: string) =>
    diagnostics.error("crd-name", `${what} "${value}" of kind ${n.kind} is not valid: ${problem}`, at.location);
  const plural = labelProblem(n.plural);
  if (plural) bad("plural", n.plural, plural);
  const singular = labelProblem(n.singular);
  if (singular) bad("singular", n.singular, singular);
  for (const s of n.shortNames ?? []) {
    const p = labelProblem(s);
    if (p) bad("short name", s, p);
  }
  for (const c of n.categories ?? []) {
    const p = labelProblem(c);
    if (p) bad("category", c, p);
  }
  return plural === undefined;
}

function applyResource(
  crd: CustomResourceDefinition,
  m: Marker,
  previous: Marker | undefined,
  diagnostics: DiagnosticList,
): Marker {
  const a = m.value as MarkerArgs;
  const names = crd.spec.names;
  // (checked, with the other names, by checkNames)
  if (typeof a.path === "string" && a.path !== "") names.plural = a.path;
  if (typeof a.singular === "string" && a.singular !== "") names.singular = a.singular;
  if (Array.isArray(a.shortName)) names.shortNames = [...(a.shortName as string[])];
  if (Array.isArray(a.categories)) names.categories = [...(a.categories as string[])];
  const scope = a.scope === undefined || a.scope === "" ? "Namespaced" : a.scope;
  if (scope !== "Namespaced" && scope !== "Cluster") {
    diagnostics.error("marker-value", `+kubebuilder:resource: scope must be Namespaced or Cluster, got "${String(scope)}"`, m.location);
  } else {
    if (previous && crd.spec.scope !== scope) {
      diagnostics.error(
        "marker-value",
        `+kubebuilder:resource: scope ${scope} disagrees with ${crd.spec.scope} set on another version`,
        m.location,
      );
    }
    crd.spec.scope = scope;
  }
  return m;
}

function applyVersionMarker(version: CrdVersion, m: Marker, storage: Marker[], diagnostics: DiagnosticList): void {
  const a = m.value as MarkerArgs;
  switch (m.name) {
    case "kubebuilder:subresource:status":
      (version.subresources ??= {}).status = {};
      return;
    case "kubebuilder:subresource:scale": {
      const scale: NonNullable<CrdVersion["subresources"]>["scale"] = {
        specReplicasPath: a.specpath as string,
        statusReplicasPath: a.statuspath as string,
      };
      if (typeof a.selectorpath === "string") scale.labelSelectorPath = a.selectorpath;
      (version.subresources ??= {}).scale = scale;
      return;
    }
    case "kubebuilder:printcolumn": {
      // controller-gen gives a version with printer columns a subresources object, empty
      // when no subresource marker fills it: `subresources: {}`, which the API server accepts.
      version.subresources ??= {};
      const type = a.type as string;
      if (!PRINTER_TYPES.includes(type)) {
        diagnostics.error("marker-value", `+kubebuilder:printcolumn: type must be one of ${PRINTER_TYPES.join(", ")}, got "${type}"`, m.location);
      }
      const col: PrinterColumn = { name: a.name as string, type, jsonPath: a.JSONPath as string };
      if (a.description) col.description = a.description as string;
      if (a.format) {
        if (!PRINTER_FORMATS.includes(a.format as string)) {
          diagnostics.error("marker-value", `+kubebuilder:printcolumn: format must be one of ${PRINTER_FORMATS.join(", ")}, got "${String(a.format)}"`, m.location);
        }
        col.format = a.format as string;
      }
      if (a.priority) col.priority = a.priority as number;
      if (!String(a.JSONPath).startsWith(".")) {
        diagnostics.error("marker-value", `+kubebuilder:printcolumn: JSONPath must start with ".", got "${String(a.JSONPath)}"`, m.location);
      }
      (version.additionalPrinterColumns ??= []).push(col);
      return;
    }
    case "kubebuilder:storageversion":
      version.storage = true;
      storage.push(m);
      return;
    case "kubebuilder:unservedversion":
      version.served = false;
      return;
    case "kubebuilder:deprecatedversion":
      version.deprecated = true;
      if (typeof a.warning === "string") version.deprecationWarning = a.warning;
      return;
    case "kubebuilder:selectablefield":
      (version.selectableFields ??= []).push({ jsonPath: a.JSONPath as string });
      return;
    default:
      return;
  }
}

/** CRD-level markers (`+kubebuilder:metadata`) applied after all versions. */
function applyCrdMetadata(crd: CustomResourceDefinition, types: readonly NamedType[], diagnostics: DiagnosticList): void {
  for (const t of types) {
    for (const m of t.markers) {
      if (m.name !== "kubebuilder:metadata") continue;
      const a = m.value as MarkerArgs;
      for (const [list, target] of [
        [a.annotations, "annotations"],
        [a.labels, "labels"],
      ] as const) {
        if (!Array.isArray(list)) continue;
        for (const entry of list as string[]) {
          const eq = entry.indexOf("=");
          if (eq < 0) {
            diagnostics.error("marker-value", `+kubebuilder:metadata: ${target} entry "${entry}" is not in key=value form`, m.location);
            continue;
          }
          const bag = target === "annotations" ? crd.metadata.annotations : (crd.metadata.labels ??= {});
          bag[entry.slice(0, eq)] = entry.slice(eq + 1);
        }
      }
    }
  }
}
