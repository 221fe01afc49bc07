import type { JSONSchemaProps } from "../../model/index.js";
import { invalid } from "../schema/field-error.js";
import { compilePattern } from "../schema/pattern.js";
import { isObject, type JsonObject } from "./json.js";
import type { ConversionConfig, KindInfo, VersionInfo } from "./kind-info.js";
import type { FieldCause } from "./status-error.js";

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * What is wrong with a CustomResourceDefinition, as field errors (the API server checks far
 * more; these are the mistakes that would leave the kind unusable).
 */
export function validateCrd(crd: JsonObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = isObject(crd["spec"]) ? crd["spec"] : {};
  const names = isObject(spec["names"]) ? spec["names"] : {};
  const group = str(spec["group"]);
  const plural = str(names["plural"]);
  const name = isObject(crd["metadata"]) ? str(crd["metadata"]["name"]) : "";
  if (!group) causes.push({ reason: "FieldValueRequired", message: "Required value", field: "spec.group" });
  if (!plural) causes.push({ reason: "FieldValueRequired", message: "Required value", field: "spec.names.plural" });
  if (!str(names["kind"])) causes.push({ reason: "FieldValueRequired", message: "Required value", field: "spec.names.kind" });
  if (group && plural && name !== `${plural}.${group}`) {
    causes.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
      field: "metadata.name",
    });
  }
  const scope = str(spec["scope"]);
  if (scope !== "Namespaced" && scope !== "Cluster") {
    causes.push({ reason: "FieldValueNotSupported", message: `Unsupported value: "${scope}": supported values: "Cluster", "Namespaced"`, field: "spec.scope" });
  }
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].filter(isObject) : [];
  if (versions.length === 0) causes.push({ reason: "FieldValueRequired", message: "Required value: must have at least one version", field: "spec.versions" });
  else if (versions.filter((v) => v["storage"] === true).length !== 1) {
    causes.push({ reason: "FieldValueInvalid", message: "Invalid value: must have exactly one version marked as storage version", field: "spec.versions" });
  }
  causes.push(...patternCauses(versions));
  return causes;
}

/**
 * The schemas' patterns that Go's regexp does not compile, as the API server reports them
 * (sorted by path). Schemas alike in every version are checked once, where the API server
 * keeps them: under `spec.validation`.
 */
function patternCauses(versions: readonly JsonObject[]): FieldCause[] {
  const schemas = versions.map((v) => (isObject(v["schema"]) ? v["schema"]["openAPIV3Schema"] : undefined));
  const out: FieldCause[] = [];
  if (schemas.length > 0 && schemas.every((s) => JSON.stringify(s) === JSON.stringify(schemas[0]))) {
    collectPatternCauses(schemas[0], "spec.validation.openAPIV3Schema", out);
  } else {
    schemas.forEach((s, i) => collectPatternCauses(s, `spec.versions[${i}].schema.openAPIV3Schema`, out));
  }
  return out.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

function collectPatternCauses(schema: unknown, path: string, out: FieldCause[]): void {
  if (!isObject(schema)) return;
  const pattern = schema["pattern"];
  if (typeof pattern === "string" && pattern !== "") {
    const compiled = compilePattern(pattern);
    if (!compiled.ok) out.push(invalid(`${path}.pattern`, pattern, `must be a valid regular expression, but isn't: ${compiled.error}`));
  }
  const properties = schema["properties"];
  if (isObject(properties)) for (const [k, v] of Object.entries(properties)) collectPatternCauses(v, `${path}.properties[${k}]`, out);
  collectPatternCauses(schema["items"], `${path}.items`, out);
  collectPatternCauses(schema["additionalProperties"], `${path}.additionalProperties`, out);
  collectPatternCauses(schema["not"], `${path}.not`, out);
  for (const junctor of ["allOf", "anyOf", "oneOf"]) {
    const list = schema[junctor];
    if (Array.isArray(list)) list.forEach((s, i) => collectPatternCauses(s, `${path}.${junctor}[${i}]`, out));
  }
}

/** The kind a (valid) CustomResourceDefinition defines. */
export function kindFromCrd(crd: JsonObject): KindInfo {
  const spec = crd["spec"] as JsonObject;
  const names = spec["names"] as JsonObject;
  const kind = str(names["kind"]);
  const all = (spec["versions"] as unknown[]).filter(isObject);
  const versions: VersionInfo[] = all.filter((v) => v["served"] !== false).map((v) => {
    const subresources = isObject(v["subresources"]) ? v["subresources"] : {};
    const schema = isObject(v["schema"]) && isObject(v["schema"]["openAPIV3Schema"]) ? v["schema"]["openAPIV3Schema"] : undefined;
    const selectable = Array.isArray(v["selectableFields"]) ? v["selectableFields"].filter(isObject) : [];
    return {
      name: str(v["name"]),
      storage: v["storage"] === true,
      statusSubresource: isObject(subresources["status"]),
      schema: schema as JSONSchemaProps | undefined,
      selectableFields: selectable.map((f) => str(f["jsonPath"]).replace(/^\./, "")).filter((p) => p !== ""),
    };
  });
  return {
    group: str(spec["group"]),
    plural: str(names["plural"]),
    kind,
    listKind: str(names["listKind"]) || `${kind}List`,
    singular: str(names["singular"]) || kind.toLowerCase(),
    shortNames: strings(names["shortNames"]),
    categories: strings(names["categories"]),
    namespaced: spec["scope"] !== "Cluster",
    versions,
    storageVersion: str(all.find((v) => v["storage"] === true)?.["name"]) || (versions[0]?.name ?? ""),
    builtin: false,
    generation: true,
    allowUnconditionalUpdate: false,
    deleteReturnsObject: true,
    crdName: isObject(crd["metadata"]) ? str(crd["metadata"]["name"]) : undefined,
    conversion: conversionOf(spec["conversion"]),
  };
}

/** `spec.conversion` of a CRD whose strategy is Webhook (undefined for None). */
function conversionOf(conversion: unknown): ConversionConfig | undefined {
  if (!isObject(conversion) || conversion["strategy"] !== "Webhook") return undefined;
  const webhook = isObject(conversion["webhook"]) ? conversion["webhook"] : {};
  const cc = isObject(webhook["clientConfig"]) ? webhook["clientConfig"] : {};
  const service = isObject(cc["service"]) ? cc["service"] : undefined;
  const caBundle = str(cc["caBundle"]);
  return {
    strategy: "Webhook",
    url: str(cc["url"]) || undefined,
    service: service ? `${str(service["namespace"])}/${str(service["name"])}` : undefined,
    caBundle: caBundle ? Buffer.from(caBundle, "base64") : undefined,
    reviewVersions: strings(webhook["conversionReviewVersions"]),
  };
}
