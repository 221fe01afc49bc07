import { posix } from "node:path";
import { defaultingPath, validatingPath } from "../../../runtime/webhook/paths.js";
import type { Insertion, TemplateFile } from "../../machinery/scaffold-plan.js";
import type { ProjectModel } from "../../plan/project-model.js";
import { importPath, type ResourceModel } from "../../plan/resource-model.js";
import { isOwnKind, MAIN_MARKERS, mainImportName, mainRegistration, pascal, resourceHandle } from "../api/api-code-files.js";
import type { PlanPart, ResourcePartInput } from "../plan-parts.js";

/** Which webhooks a `kb create webhook` run adds (the ones the resource did not have). */
export interface WebhookRequest {
  readonly defaulting: boolean;
  readonly validation: boolean;
  /** Spoke versions when adding a conversion webhook, else empty. */
  readonly conversionSpokes: readonly string[];
}

/** The insertion markers of a hub's conversion file. */
export const CONVERSION_MARKERS = { imports: "+kubebuilder:scaffold:imports", spokes: "+kubebuilder:scaffold:spokes" } as const;

type AdmissionType = "defaulter" | "validator";

/**
 * The TypeScript that `kb create webhook` writes, one file (and its test) per webhook type,
 * so adding a type later never edits a file kb wrote before:
 * - `src/webhooks/<version>/<kind>-defaulter.ts` and `-validator.ts`, each with its
 *   `+kubebuilder:webhook` marker, its handler and a setup function;
 * - for conversion, `api/<hub>/<kind>-conversion.ts` (the hub: the kind's conversions, one
 *   entry per spoke), `api/<spoke>/<kind>-conversion.ts` (a spoke's functions to and from
 *   the hub), and `src/webhooks/<hub>/<kind>-conversion.ts` registering them;
 * - each setup function's registration in `src/main.ts`.
 */
export function webhookCodeFiles({ project, resource: r }: ResourcePartInput, want: WebhookRequest): PlanPart {
  const templates: TemplateFile[] = [];
  const insertions: Insertion[] = [];
  const dir = posix.dirname(r.webhookPath);
  const admission = (type: AdmissionType, enabled: (o: ResourceModel) => boolean): void => {
    const file = `${dir}/${r.lowerKind}-${type}`;
    const setupName = `setup${r.kind}${type === "defaulter" ? "Defaulter" : "Validator"}`;
    // Webhook names are unique within a configuration: the same kind and version in another group gets its group in the name.
    const qualified = project.resources.some((o) => o.kind === r.kind && o.version === r.version && o.group !== r.group && enabled(o));
    const marker = webhookMarker(r, type, qualified);
    const data = { handle: resourceHandle(r, file), own: isOwnKind(r), marker, setupName, handlerName: `${r.varName}${pascal(type)}` };
    templates.push({ template: `webhook/src/webhooks/${type}.ts.ejs`, path: `${file}.ts`, ifExists: "error", data });
    templates.push({ template: `webhook/src/webhooks/${type}.test.ts.ejs`, path: `${file}.test.ts`, ifExists: "error", data });
    insertions.push(...registerWebhook(project, r, file, setupName, enabled));
  };
  if (want.defaulting) admission("defaulter", (o) => o.webhooks.defaulting);
  if (want.validation) admission("validator", (o) => o.webhooks.validation);
  if (want.conversionSpokes.length > 0) {
    const part = conversionFiles(project, r, dir, want.conversionSpokes);
    templates.push(...part.templates);
    insertions.push(...part.insertions);
  }
  return { templates, insertions };
}

/** The `+kubebuilder:webhook` marker's arguments, with the path the runtime serves the handler on. */
function webhookMarker(r: ResourceModel, type: AdmissionType, qualified: boolean): string {
  const mutating = type === "defaulter";
  const args = [
    `path=${mutating ? defaultingPath({ group: r.apiGroup, version: r.version, kind: r.kind }) : validatingPath({ group: r.apiGroup, version: r.version, kind: r.kind })}`,
    `mutating=${mutating}`,
    "failurePolicy=fail",
    "sideEffects=None",
    `groups=${r.apiGroup || '""'}`,
    `resources=${r.plural}`,
    "verbs=create;update",
    `versions=${r.version}`,
    `name=${mutating ? "m" : "v"}${qualified ? `${r.group}-` : ""}${r.lowerKind}-${r.version}.kb.io`,
    "admissionReviewVersions=v1",
  ];
  return `+kubebuilder:webhook:${args.join(",")}`;
}

/** Imports `setupName` from `file` into `src/main.ts` and lists it among the webhooks. */
function registerWebhook(project: ProjectModel, r: ResourceModel, file: string, setupName: string, enabled: (o: ResourceModel) => boolean): Insertion[] {
  const local = mainImportName(project, r, setupName, (o) => enabled(o) && (o.group !== r.group || o.version !== r.version), true);
  return mainRegistration(file, setupName, local, MAIN_MARKERS.webhooks, `${local},`);
}

function conversionFiles(project: ProjectModel, r: ResourceModel, dir: string, spokes: readonly string[]): PlanPart {
  const templates: TemplateFile[] = [];
  const insertions: Insertion[] = [];
  const hubFile = `${r.apiDir}/${r.lowerKind}-conversion`;
  const conversionName = `${r.varName}Conversion`;
  // Shared by every spoke, now and later: written once, then added to through their markers.
  templates.push({ template: "webhook/api/hub-conversion.ts.ejs", path: `${hubFile}.ts`, ifExists: "skip", data: { conversionName } });
  for (const version of spokes) {
    const spoke = project.resources.find((o) => o.group === r.group && o.kind === r.kind && o.version === version);
    if (!spoke) throw new Error(`the spoke ${r.group}/${version}, Kind=${r.kind} is not in PROJECT`);
    const spokeFile = `${spoke.apiDir}/${r.lowerKind}-conversion`;
    const spokeName = `${r.varName}${pascal(version)}Conversion`;
    const data = { spoke, spokeName, hubTypes: importPath(spokeFile, `${r.apiDir}/${r.typesFile}`) };
    templates.push({ template: "webhook/api/spoke-conversion.ts.ejs", path: `${spokeFile}.ts`, ifExists: "error", data });
    insertions.push({ path: `${hubFile}.ts`, marker: CONVERSION_MARKERS.imports, fragments: [`import { ${spokeName} } from "${importPath(hubFile, spokeFile)}";`] });
    insertions.push({ path: `${hubFile}.ts`, marker: CONVERSION_MARKERS.spokes, fragments: [`${version}: ${spokeName},`] });
  }
  const file = `${dir}/${r.lowerKind}-conversion`;
  const setupName = `setup${r.kind}Conversion`;
  const data = { conversionName, hubConversion: importPath(file, hubFile), hubTypes: importPath(file, `${r.apiDir}/${r.typesFile}`), setupName };
  templates.push({ template: "webhook/src/webhooks/conversion.ts.ejs", path: `${file}.ts`, ifExists: "skip", data });
  templates.push({ template: "webhook/src/webhooks/conversion.test.ts.ejs", path: `${file}.test.ts`, ifExists: "skip", data });
  insertions.push(...registerWebhook(project, r, file, setupName, (o) => o.webhooks.conversion));
  return { templates, insertions };
}
