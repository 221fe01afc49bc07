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

/** The insertion markers of a kind's webhook suite test (`<kind>-webhook-suite.test.ts`). */
export const SUITE_MARKERS = {
  imports: "+kubebuilder:scaffold:imports",
  webhooks: "+kubebuilder:scaffold:webhooks",
  conversionCrds: "+kubebuilder:scaffold:conversion-crds",
  tests: "+kubebuilder:scaffold:webhook-tests",
} as const;

/** A kind of admission webhook, as its file is named. */
export type AdmissionType = "defaulter" | "validator";

/**
 * The TypeScript that `kb create webhook` writes, one file (and its test) per webhook type,
 * so adding a type later never edits a file kb wrote before:
 * - `src/webhooks/<version>/<kind>-defaulter.ts` and `-validator.ts`, each with its
 *   `+kubebuilder:webhook` marker, its handler and a setup function;
 * - for conversion, `api/<hub>/<kind>-conversion.ts` (the hub: the kind's conversions, one
 *   entry per spoke), `api/<spoke>/<kind>-conversion.ts` (a spoke's functions to and from
 *   the hub), and `src/webhooks/<hub>/<kind>-conversion.ts` registering them;
 * - each setup function's registration in `src/main.ts`;
 * - for the project's own kinds, `src/webhooks/<version>/<kind>-webhook-suite.test.ts`
 *   (kubebuilder's webhook suite: a test API server calling a manager's webhook server), written
 *   once; each type adds its setup function and its test through the file's markers.
 */
export function webhookCodeFiles({ project, resource: r }: ResourcePartInput, want: WebhookRequest): PlanPart {
  const templates: TemplateFile[] = [];
  const insertions: Insertion[] = [];
  const dir = posix.dirname(r.webhookPath);
  const any = want.defaulting || want.validation || want.conversionSpokes.length > 0;
  const suite = isOwnKind(r) && any ? webhookSuite(r, dir) : undefined;
  if (suite) templates.push(suite.template);
  const admission = (type: AdmissionType, enabled: (o: ResourceModel) => boolean): void => {
    const file = `${dir}/${r.lowerKind}-${type}`;
    const setupName = `setup${r.kind}${type === "defaulter" ? "Defaulter" : "Validator"}`;
    // Webhook names are unique within a configuration: the same kind and version in another group gets its group in the name.
    const qualified = project.resources.some((o) => o.kind === r.kind && o.version === r.version && o.group !== r.group && enabled(o));
    const marker = webhookMarker(r, type, qualified);
    const data = { handle: resourceHandle(r, file), own: isOwnKind(r), marker: marker.text, customPath: customPath(r, type), setupName, handlerName: `${r.varName}${pascal(type)}` };
    templates.push({ template: `webhook/src/webhooks/${type}.ts.ejs`, path: `${file}.ts`, ifExists: "error", data });
    templates.push({ template: `webhook/src/webhooks/${type}.test.ts.ejs`, path: `${file}.test.ts`, ifExists: "error", data });
    insertions.push(...registerWebhook(project, r, file, setupName, enabled));
    if (suite) insertions.push(...suite.add(file, setupName, [], type === "defaulter" ? defaultingTest(r, marker.path) : validatingTest(r, marker)));
  };
  if (want.defaulting) admission("defaulter", (o) => o.webhooks.defaulting);
  if (want.validation) admission("validator", (o) => o.webhooks.validation);
  if (want.conversionSpokes.length > 0) {
    const part = conversionFiles(project, r, dir, want.conversionSpokes);
    templates.push(...part.templates);
    insertions.push(...part.insertions);
    if (suite) {
      const conversionName = `${r.varName}Conversion`;
      const imports = [
        `import { defineResource, type KubernetesObject } from "kubebuilder-ts/runtime";`,
        `import { ${conversionName} } from "${importPath(suite.path, `${r.apiDir}/${r.lowerKind}-conversion`)}";`,
      ];
      insertions.push(...suite.add(`${dir}/${r.lowerKind}-conversion`, `setup${r.kind}Conversion`, imports, conversionTest(r, conversionName)));
      insertions.push({ path: suite.path, marker: SUITE_MARKERS.conversionCrds, fragments: [`"${r.plural}.${r.apiGroup}",`] });
    }
  }
  return { templates, insertions };
}

/**
 * A kind's webhook suite test: its template (written once, kept afterwards) and what adds a
 * webhook type to it: the import of its setup function (and `imports`), the function in the
 * list the suite registers, and its `test`. Nothing is added when the suite imports the setup
 * function's file already (a command re-run with --force, maybe after the user edited the test).
 */
function webhookSuite(r: ResourceModel, dir: string): { path: string; template: TemplateFile; add(file: string, setupName: string, imports: readonly string[], test: string): Insertion[] } {
  const file = `${dir}/${r.lowerKind}-webhook-suite.test`;
  const path = `${file}.ts`;
  const root = posix.relative(dir, ".");
  const data = { typesImport: importPath(file, `${r.apiDir}/${r.typesFile}`), root, markers: SUITE_MARKERS };
  return {
    path,
    template: { template: "webhook/src/webhooks/webhook-suite.test.ts.ejs", path, ifExists: "skip", data },
    add(setupFile, setupName, imports, test) {
      const from = `from "${importPath(file, setupFile)}";`;
      return [
        { path, marker: SUITE_MARKERS.imports, fragments: [...imports, `import { ${setupName} } ${from}`], unlessPresent: from },
        { path, marker: SUITE_MARKERS.webhooks, fragments: [`${setupName},`], unlessPresent: from },
        { path, marker: SUITE_MARKERS.tests, fragments: [test], unlessPresent: from },
      ];
    },
  };
}

/** "a Kind" or "an Kind". */
function aKind(kind: string): string {
  return `${/^[AEIOU]/.test(kind) ? "an" : "a"} ${kind}`;
}

// The suite's tests, one per webhook type, as prettier formats them (2 spaces in, at the marker),
// with every line that holds a name short enough for the project's print width.

/** The suite's test of a defaulting webhook: the API server calls it on a create (the scaffolded defaulter sets nothing yet). */
function defaultingTest(r: ResourceModel, path: string): string {
  return `it("the API server calls the defaulting webhook when ${aKind(r.kind)} is created", async () => {
  const path = "${path}";
  const before = await served(path);

  const ${r.varName} = await create("defaulted");

  await expect.poll(() => served(path)).toBeGreaterThan(before);
  // TODO(user): expect the defaults your defaulter sets, e.g.
  // expect(${r.varName}.spec.foo).toBe("bar");
  expect(${r.varName}.spec).toEqual({});
});

`;
}

/** The suite's test of a validating webhook: the scaffolded validator's example rule (names of at most 63 characters) denies a create. */
function validatingTest(r: ResourceModel, marker: { path: string; name: string }): string {
  return `it("the API server calls the validating webhook, which denies what it refuses", async () => {
  const path = "${marker.path}";
  const before = await served(path);
  await create("validated");
  await expect.poll(() => served(path)).toBeGreaterThan(before);

  // TODO(user): check the rules of your validator instead of the scaffold's example rule.
  const name = "a".repeat(64);
  await expect(create(name)).rejects.toMatchObject({
    statusCode: 422,
    body: {
      reason: "Invalid",
      message: \`admission webhook "${marker.name}" denied the request: ${r.kind}.${r.apiGroup} "\${name}" is invalid: metadata.name: Invalid value: "\${name}": must be no more than 63 characters\`,
    },
  });
});

`;
}

/** The suite's test of a conversion webhook: an object created at the hub, read at every version of the hub's conversions. */
function conversionTest(r: ResourceModel, conversionName: string): string {
  return `it("the API server calls the conversion webhook to serve ${aKind(r.kind)} at every version", async () => {
  const before = await served("/convert");
  const ${r.varName} = await create("converted");

  const { group, kind, plural, namespaced } = ${r.resourceConst};
  for (const version of ${conversionName}.versions) {
    const at = defineResource<KubernetesObject>({ group, version, kind, plural, namespaced });
    const read = await client.get(at, key("converted"));
    expect(read.apiVersion).toBe(\`\${group}/\${version}\`);
    expect(read.metadata?.uid).toBe(${r.varName}.metadata?.uid);
    // TODO(user): expect the fields that differ between the versions.
  }
  await expect.poll(() => served("/convert")).toBeGreaterThan(before);
});

`;
}

/** The path PROJECT records for a webhook type (`--defaulting-path`, `--validation-path`), if not the default. */
function customPath(r: ResourceModel, type: AdmissionType): string | undefined {
  return type === "defaulter" ? r.webhooks.defaultingPath : r.webhooks.validationPath;
}

/**
 * The path a webhook type of `r` is served on: the custom one PROJECT records, else the
 * runtime's default (`/mutate-<group>-<version>-<kind>`, `/mutate--v1-pod` for the core group).
 */
export function admissionWebhookPath(r: ResourceModel, type: AdmissionType): string {
  const gvk = { group: r.apiGroup, version: r.version, kind: r.kind };
  return customPath(r, type) ?? (type === "defaulter" ? defaultingPath(gvk) : validatingPath(gvk));
}

/** The `+kubebuilder:webhook` marker's arguments (`text`), with the path the runtime serves the handler on and the webhook's name. */
function webhookMarker(r: ResourceModel, type: AdmissionType, qualified: boolean): { text: string; path: string; name: string } {
  const mutating = type === "defaulter";
  const path = admissionWebhookPath(r, type);
  const name = `${mutating ? "m" : "v"}${qualified ? `${r.group}-` : ""}${r.lowerKind}-${r.version}.kb.io`;
  const args = [
    `path=${path}`,
    `mutating=${mutating}`,
    "failurePolicy=fail",
    "sideEffects=None",
    `groups=${r.apiGroup || '""'}`,
    `resources=${r.plural}`,
    "verbs=create;update",
    `versions=${r.version}`,
    `name=${name}`,
    "admissionReviewVersions=v1",
  ];
  return { text: `+kubebuilder:webhook:${args.join(",")}`, path, name };
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
