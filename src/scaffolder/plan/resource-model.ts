import { defaultPlural } from "../../generator/crd/plural.js";
import type { ProjectConfig, ProjectResource } from "../project-file/project-config.js";
import { qualifiedGroup } from "./names.js";

/**
 * Everything a template needs to know about one resource, derived once from PROJECT so
 * every template names files, classes and imports the same way.
 */
export interface ResourceModel {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly domain: string;
  /** The API group as the API server knows it (`batch.example.com`, `apps`, "" for core/v1). */
  readonly apiGroup: string;
  /** `apiGroup/version`, or the version alone for the legacy core group. */
  readonly apiVersion: string;
  readonly plural: string;
  /** The kind in lower case: file names (`cronjob-types.ts`) and RBAC role names. */
  readonly lowerKind: string;
  /** Camel-case kind for variables (`cronJob`). */
  readonly varName: string;
  readonly namespaced: boolean;
  /** kb scaffolded its API types (a CRD of this project). */
  readonly hasApi: boolean;
  /** It has a controller: the unnamed one, or named ones. */
  readonly hasController: boolean;
  /** The names of its named controllers (`--controller-name`); empty when it has only the unnamed one, or none. */
  readonly controllerNames: readonly string[];
  readonly core: boolean;
  readonly external: boolean;
  /** For an external kind, the module its type is imported from (`--external-api-path`), if PROJECT names one. */
  readonly externalApiPath?: string;
  /** The directory of its API types, relative to the project root (`api/v1`, `api/batch/v1`). */
  readonly apiDir: string;
  /** The types file under `apiDir`, without extension (`cronjob-types`). */
  readonly typesFile: string;
  /** The exported handle of the resource (`CronJobResource`). */
  readonly resourceConst: string;
  /** The controller file under `src/controllers/` (a folder per group in multigroup projects), without extension. */
  readonly controllerPath: string;
  /** The webhook file (`src/webhooks/v1/cronjob-webhook`), without extension. */
  readonly webhookPath: string;
  readonly webhooks: {
    readonly defaulting: boolean;
    readonly validation: boolean;
    readonly conversion: boolean;
    readonly spokes: readonly string[];
    /** Custom paths (`--defaulting-path`, `--validation-path`), when PROJECT records them. */
    readonly defaultingPath?: string;
    readonly validationPath?: string;
  };
  /** The sample custom resource (`config/samples/batch_v1_cronjob.yaml`). */
  readonly sampleFile: string;
}

/** Builds the template view of one PROJECT resource. */
export function resourceModel(project: ProjectConfig, r: ProjectResource): ResourceModel {
  const domain = r.domain ?? "";
  const apiGroup = qualifiedGroup(r.group, domain);
  const lowerKind = r.kind.toLowerCase();
  const groupDir = project.multigroup ? `${r.group}/` : "";
  return {
    group: r.group,
    version: r.version,
    kind: r.kind,
    domain,
    apiGroup,
    apiVersion: apiGroup ? `${apiGroup}/${r.version}` : r.version,
    plural: r.plural ?? defaultPlural(r.kind),
    lowerKind,
    varName: variableName(r.kind),
    namespaced: r.api ? r.api.namespaced === true : true,
    hasApi: r.api !== undefined,
    hasController: r.controller === true || (r.controllers?.length ?? 0) > 0,
    controllerNames: r.controllers?.map((c) => c.name) ?? [],
    core: r.core === true,
    external: r.external === true,
    externalApiPath: r.external ? r.path : undefined,
    apiDir: !r.external && r.path ? r.path : `api/${groupDir}${r.version}`,
    typesFile: `${lowerKind}-types`,
    resourceConst: `${r.kind}Resource`,
    controllerPath: `src/controllers/${groupDir}${lowerKind}-controller`,
    webhookPath: `src/webhooks/${groupDir}${r.version}/${lowerKind}-webhook`,
    webhooks: {
      defaulting: r.webhooks?.defaulting === true,
      validation: r.webhooks?.validation === true,
      conversion: r.webhooks?.conversion === true,
      spokes: r.webhooks?.spoke ?? [],
      defaultingPath: r.webhooks?.defaultingPath,
      validationPath: r.webhooks?.validationPath,
    },
    sampleFile: `config/samples/${r.group}_${r.version}_${lowerKind}.yaml`,
  };
}

/**
 * Words a kind's variable cannot be: JavaScript's reserved words (a kind `Delete` must not
 * make `const delete = ...`), and the names the scaffolded code already uses beside it.
 */
const TAKEN_NAMES = new Set(
  (
    "arguments await break case catch class const continue debugger default delete do else enum eval export extends false finally for function if implements import in " +
    "instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield " +
    "after before changed client context describe env err expect group hub it key kind log mgr name outcome plural read req request root server spec spoke version"
  ).split(" "),
);

/** The kind in camel case (`cronJob`), with `Obj` after it where that is a taken word (`deleteObj`). */
export function variableName(kind: string): string {
  const camel = kind[0]!.toLowerCase() + kind.slice(1);
  return TAKEN_NAMES.has(camel) ? `${camel}Obj` : camel;
}

/** A relative ESM import specifier from one project file to another (both without extension). */
export function importPath(fromFile: string, toFile: string): string {
  const from = fromFile.split("/").slice(0, -1);
  const to = toFile.split("/");
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const up = from.length - i;
  const rest = to.slice(i).join("/");
  return `${up === 0 ? "./" : "../".repeat(up)}${rest}.js`;
}
