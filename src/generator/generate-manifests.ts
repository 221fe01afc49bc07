import { join } from "node:path";
import type { DiagnosticList, SourceLocation } from "../diagnostics/index.js";
import { loadApi } from "../loader/index.js";
import type { Marker } from "../markers/index.js";
import type { ValidationRule } from "../model/index.js";
import { createMarkerRegistry } from "../markers/definitions/index.js";
import { RBAC_MARKER } from "../markers/definitions/rbac.js";
import { WEBHOOK_CONFIGURATION_MARKER, WEBHOOK_MARKER } from "../markers/definitions/webhook.js";
import { toYaml } from "../output/yaml.js";
import { builtinSchema, conditionSchema, embeddedOpenApiCatalog } from "./crd/builtin/index.js";
import { KbError } from "../diagnostics/index.js";
import { checkRuleCosts, checkValidationRules } from "./crd/cel/index.js";
import { buildCrds } from "./crd/crd-builder.js";
import { SchemaBuilder } from "./crd/schema-builder.js";
import type { CrdApply } from "./crd/crd-applies.js";
import { checkCrdSize } from "./crd/size-check.js";
import { buildRbac, RBAC_OUTPUT_FILE } from "./rbac/index.js";
import type { GenerateTarget } from "./targets.js";
import { buildWebhooks, WEBHOOK_OUTPUT_FILE } from "./webhook/index.js";


export interface GenerateOptions {
  /** Where to read TypeScript sources. */
  readonly paths: readonly string[];
  readonly targets: readonly GenerateTarget[];
  readonly crdDir: string;
  readonly rbacDir: string;
  readonly webhookDir: string;
  readonly roleName: string;
  readonly maxDescLen?: number | undefined;
  /**
   * controller-gen's `crd:generateEmbeddedObjectMeta=true` (`kb generate
   * --generate-embedded-object-meta`): an ObjectMeta that is not a kind's own `metadata` (a
   * template's `metadata` in an embedded V1PodTemplateSpec or V1JobTemplateSpec, a field of
   * type ObjectMeta) gets name, namespace, labels, annotations and finalizers, so the API
   * server keeps them instead of pruning them. A kind's own `metadata` stays `{type: object}`.
   */
  readonly generateEmbeddedObjectMeta?: boolean | undefined;
  /** Written into each CRD's version annotation. */
  readonly kbVersion: string;
  /**
   * A folder of OpenAPI v3 documents saved from a cluster (`kubectl get --raw
   * /openapi/v3/apis/batch/v1`): Kubernetes' types embedded in the API types follow them
   * instead of the table of the Kubernetes version kb pins.
   */
  readonly embeddedOpenApi?: string | undefined;
  /**
   * How the project's npm scripts apply the CRDs (`readCrdApplies`), for the size warning;
   * undefined when unknown.
   */
  readonly crdApplies?: readonly CrdApply[] | undefined;
}

/** A manifest file to write: its path (under one of the output directories) and bytes. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The generate pipeline: sources → markers → model → CRDs, RBAC and webhook manifests as
 * YAML. Pure but for reading the sources: it returns the files and reports problems to
 * `diagnostics`; the caller decides whether to write (never when there are errors).
 */
export function generateManifests(options: GenerateOptions, diagnostics: DiagnosticList): GeneratedFile[] {
  const registry = createMarkerRegistry();
  const model = loadApi(options.paths, registry, diagnostics);
  const files: GeneratedFile[] = [];
  const wants = (t: GenerateTarget) => options.targets.includes(t);

  if (wants("crd")) {
    const embeddedObjectMeta = options.generateEmbeddedObjectMeta === true;
    let builtins = { builtinSchema: (name: string) => builtinSchema(name, { embeddedObjectMeta }), conditionSchema };
    if (options.embeddedOpenApi !== undefined) {
      try {
        const catalog = embeddedOpenApiCatalog(options.embeddedOpenApi, { embeddedObjectMeta });
        builtins = { builtinSchema: (name: string) => catalog.schema(name), conditionSchema };
      } catch (e) {
        if (!(e instanceof KbError)) throw e;
        diagnostics.error(e.code, e.message, undefined, e.hint);
        return files;
      }
    }
    const schemas = new SchemaBuilder(model, builtins, diagnostics, { embeddedObjectMeta });
    const crds = buildCrds(model, schemas, { kbVersion: options.kbVersion, maxDescLen: options.maxDescLen }, diagnostics);
    checkValidationRules(
      schemas.rules.map((r) => ({
        rule: r.rule,
        schema: r.schema,
        location: r.marker.location,
        resourceRoot: schemas.roots.has(r.schema),
      })),
      diagnostics,
    );
    // Cost is per place in each CRD (a rule below a list runs once per item): checked on the CRDs.
    const ruleMarkers = new Map<string, SourceLocation>();
    for (const r of schemas.rules) if (!ruleMarkers.has(r.rule.rule)) ruleMarkers.set(r.rule.rule, r.marker.location);
    checkRuleCosts(
      crds.flatMap((built) =>
        built.crd.spec.versions.map((v) => ({
          schema: v.schema.openAPIV3Schema,
          label: `${built.crd.spec.names.kind} ${v.name}`,
          location: built.location,
          locate: (rule: ValidationRule) => ruleMarkers.get(rule.rule),
        })),
      ),
      diagnostics,
    );
    for (const built of crds) {
      checkCrdSize(built, diagnostics, options.crdApplies);
      const name = `${built.crd.spec.group}_${built.crd.spec.names.plural}.yaml`;
      files.push({ path: join(options.crdDir, name), content: toYaml([built.crd]) });
    }
  }
  const byName = (names: readonly string[]) => (m: Marker) => names.includes(m.name);
  if (wants("rbac")) {
    const docs = buildRbac(model.fileMarkers.filter(byName([RBAC_MARKER])), { roleName: options.roleName }, diagnostics);
    if (docs.length > 0) files.push({ path: join(options.rbacDir, RBAC_OUTPUT_FILE), content: toYaml(docs) });
  }
  if (wants("webhook")) {
    const docs = buildWebhooks(model.fileMarkers.filter(byName([WEBHOOK_MARKER, WEBHOOK_CONFIGURATION_MARKER])), diagnostics);
    if (docs.length > 0) files.push({ path: join(options.webhookDir, WEBHOOK_OUTPUT_FILE), content: toYaml(docs) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
