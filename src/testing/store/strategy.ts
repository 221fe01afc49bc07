import { randomUUID } from "node:crypto";
import { deepEqual, isObject, type JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";
import type { FieldCause } from "./status-error.js";
import { finalizersOf, isDeleting, meta } from "./store-core.js";

const SYSTEM_IMMUTABLE = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const;
const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS labels rather than subdomains. */
const LABEL_NAMED = new Set(["/namespaces", "/services"]);

/** The name `generateName` produces: the prefix and five random characters, as the API server does. */
export function generateName(prefix: string): string {
  let out = prefix;
  for (let i = 0; i < 5; i++) out += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return out;
}

/** The object without metadata, for generation comparison. */
function specPart(object: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(object)) if (k !== "metadata") out[k] = v;
  return out;
}

/** Sets what the server owns on create: uid, creationTimestamp, generation, cleared deletion fields, kind defaults. */
export function prepareCreate(res: ResolvedResource, object: JsonObject, now: string): void {
  const m = meta(object);
  for (const k of ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generation"]) delete m[k];
  m["uid"] = randomUUID();
  m["creationTimestamp"] = now;
  if (res.info.generation) m["generation"] = 1;
  if (res.version.statusSubresource) delete object["status"];
  applyBuiltinDefaults(res, object, now);
}

/** Kind-specific defaults of the built-ins the test server gives special treatment. */
function applyBuiltinDefaults(res: ResolvedResource, object: JsonObject, now: string): void {
  if (!res.info.builtin) return;
  switch (res.storageKey) {
    case "/namespaces":
      object["spec"] = { ...(isObject(object["spec"]) ? object["spec"] : {}), finalizers: ["kubernetes"] };
      object["status"] = { phase: "Active" };
      break;
    case "/pods":
      object["status"] = { phase: "Pending" };
      break;
    case "/secrets":
      secretStringData(object);
      if (typeof object["type"] !== "string") object["type"] = "Opaque";
      break;
    case "apiextensions.k8s.io/customresourcedefinitions":
      object["status"] = crdStatus(object, now, undefined);
      break;
    default:
      if (res.version.statusSubresource) object["status"] = {};
  }
}

/** Moves a Secret's `stringData` into `data` (base64), as the API server does on every write. */
function secretStringData(object: JsonObject): void {
  const stringData = object["stringData"];
  if (!isObject(stringData)) return;
  const data = isObject(object["data"]) ? { ...object["data"] } : {};
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), "utf8").toString("base64");
  object["data"] = data;
  delete object["stringData"];
}

/** The status the API server's CRD controllers give an established CRD. */
export function crdStatus(crd: JsonObject, now: string, previous: JsonObject | undefined): JsonObject {
  const spec = isObject(crd["spec"]) ? crd["spec"] : {};
  const names = isObject(spec["names"]) ? { ...spec["names"] } : {};
  const kind = typeof names["kind"] === "string" ? names["kind"] : "";
  if (!names["singular"]) names["singular"] = kind.toLowerCase();
  if (!names["listKind"]) names["listKind"] = `${kind}List`;
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].filter(isObject) : [];
  const storage = versions.find((v) => v["storage"] === true)?.["name"];
  const prevStored = isObject(previous?.["status"]) && Array.isArray(previous["status"]["storedVersions"]) ? previous["status"]["storedVersions"] : [];
  const stored = [...prevStored];
  if (typeof storage === "string" && !stored.includes(storage)) stored.push(storage);
  const prevConditions = isObject(previous?.["status"]) && Array.isArray(previous["status"]["conditions"]) ? previous["status"]["conditions"] : undefined;
  return {
    conditions: prevConditions ?? [
      { type: "NamesAccepted", status: "True", lastTransitionTime: now, reason: "NoConflicts", message: "no conflicts found" },
      { type: "Established", status: "True", lastTransitionTime: now, reason: "InitialNamesAccepted", message: "the initial names have been accepted" },
    ],
    acceptedNames: names,
    storedVersions: stored,
  };
}

/**
 * Applies update rules to `next` against `old`: server-owned metadata is kept; with a status
 * subresource the main resource keeps the old status and `/status` keeps everything but
 * status; generation is bumped when anything outside metadata changed.
 */
export function prepareUpdate(res: ResolvedResource, next: JsonObject, old: JsonObject, subresource: "status" | undefined, now: string): void {
  const m = meta(next);
  const om = meta(old);
  for (const k of SYSTEM_IMMUTABLE) {
    if (om[k] !== undefined) m[k] = om[k]!;
    else delete m[k];
  }
  delete m["selfLink"];
  if (subresource === "status") {
    const status = next["status"];
    const managedFields = m["managedFields"];
    for (const k of Object.keys(next)) delete next[k];
    for (const [k, v] of Object.entries(old)) next[k] = k === "metadata" ? { ...om } : v;
    if (managedFields !== undefined) meta(next)["managedFields"] = managedFields;
    else delete meta(next)["managedFields"];
    if (status !== undefined) next["status"] = status;
    else delete next["status"];
  } else if (res.version.statusSubresource) {
    if (old["status"] !== undefined) next["status"] = old["status"];
    else delete next["status"];
  }
  if (res.info.builtin && res.storageKey === "/secrets") secretStringData(next);
  if (subresource === undefined && res.info.generation && !deepEqual(specPart(next), specPart(old))) {
    const g = typeof om["generation"] === "number" ? om["generation"] : 0;
    meta(next)["generation"] = g + 1;
  }
  if (res.storageKey === "apiextensions.k8s.io/customresourcedefinitions") next["status"] = crdStatus(next, now, old);
}

/** Field errors in metadata: a missing or malformed name, bad labels, finalizers added during deletion. */
export function validateMetadata(res: ResolvedResource, object: JsonObject, old: JsonObject | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  const m = meta(object);
  const name = typeof m["name"] === "string" ? m["name"] : "";
  if (!name) causes.push({ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" });
  else if (LABEL_NAMED.has(res.storageKey)) {
    if (!DNS_LABEL.test(name) || name.length > 63) {
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        field: "metadata.name",
      });
    }
  } else if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    causes.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      field: "metadata.name",
    });
  }
  const labels = m["labels"];
  if (isObject(labels)) {
    for (const [k, v] of Object.entries(labels)) {
      if (typeof v !== "string" || !LABEL_VALUE.test(v) || v.length > 63) {
        causes.push({
          reason: "FieldValueInvalid",
          message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
          field: `metadata.labels`,
        });
      }
      if (k.length === 0) causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "": name part must be non-empty`, field: "metadata.labels" });
    }
  }
  if (old && isDeleting(old)) {
    const before = new Set(finalizersOf(old));
    const added = finalizersOf(object).filter((f) => !before.has(f));
    if (added.length > 0) {
      causes.push({
        reason: "FieldValueForbidden",
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => `"${f}"`).join(", ")}}`,
        field: "metadata.finalizers",
      });
    }
  }
  return causes;
}

const IMMUTABLE_MESSAGE = "Forbidden: field is immutable when `immutable` is set";

/** Field errors of built-in update rules: ConfigMaps and Secrets marked `immutable: true` keep their data. */
export function validateBuiltinUpdate(res: ResolvedResource, object: JsonObject, old: JsonObject): FieldCause[] {
  if (!res.info.builtin || (res.storageKey !== "/configmaps" && res.storageKey !== "/secrets") || old["immutable"] !== true) return [];
  const causes: FieldCause[] = [];
  if (object["immutable"] !== true) causes.push({ reason: "FieldValueForbidden", message: IMMUTABLE_MESSAGE, field: "immutable" });
  for (const f of ["data", "binaryData"]) {
    if (!deepEqual(object[f], old[f])) causes.push({ reason: "FieldValueForbidden", message: IMMUTABLE_MESSAGE, field: f });
  }
  return causes;
}
