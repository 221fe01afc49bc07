import { randomUUID } from "node:crypto";
import { deepEqual, isObject, type JsonObject } from "./json.js";
import type { ResolvedResource } from "./kind-info.js";
import { renderFieldValue } from "../../runtime/webhook/field-errors.js";
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from "./name-rules.js";
import { FOREGROUND as FOREGROUND_FINALIZER, ORPHAN as ORPHAN_FINALIZER } from "./gc.js";
import type { FieldCause } from "./status-error.js";
import { finalizersOf, isDeleting, meta } from "./store-core.js";

const SYSTEM_IMMUTABLE = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const;
const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
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

/** Sets what the server owns on create: uid, creationTimestamp, generation (where the kind keeps one), cleared deletion fields, kind defaults. */
export function prepareCreate(res: ResolvedResource, object: JsonObject, now: string): void {
  const m = meta(object);
  for (const k of ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"]) delete m[k];
  m["uid"] = randomUUID();
  m["creationTimestamp"] = now;
  // Kinds that keep a generation start it at 1; the others keep what was sent, as the API server does.
  if (res.info.generation) m["generation"] = 1;
  else if (!res.info.builtin) delete m["generation"];
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

/** Deployments also bump their generation when annotations change (they are copied to ReplicaSets). */
function annotationsBumpGeneration(res: ResolvedResource, next: JsonObject, old: JsonObject): boolean {
  return res.info.builtin && res.storageKey === "apps/deployments" && !deepEqual(meta(next)["annotations"] ?? {}, meta(old)["annotations"] ?? {});
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
  if (subresource === undefined && res.info.generation && (!deepEqual(specPart(next), specPart(old)) || annotationsBumpGeneration(res, next, old))) {
    const g = typeof om["generation"] === "number" ? om["generation"] : 0;
    meta(next)["generation"] = g + 1;
  }
  if (res.storageKey === "apiextensions.k8s.io/customresourcedefinitions") next["status"] = crdStatus(next, now, old);
}

const invalidCause = (field: string, value: unknown, detail: string): FieldCause => ({ reason: "FieldValueInvalid", message: `Invalid value: ${renderFieldValue(value)}: ${detail}`, field });

/** Finalizers every kind accepts without a domain prefix (the core API's standard finalizers). */
const STANDARD_FINALIZERS = new Set(["kubernetes", ORPHAN_FINALIZER, FOREGROUND_FINALIZER]);
/** Groups whose kinds are validated with the core API's ObjectMeta rules (standard finalizer names). */
const CORE_META_GROUPS = new Set(["", "apps", "batch", "networking.k8s.io", "policy"]);
/** The kinds that cannot own anything. */
const BANNED_OWNERS = new Set(["v1/Event"]);

/** An owner reference as the API server prints it (Go's field order). */
function ownerRefValue(ref: JsonObject): JsonObject {
  const out: JsonObject = { apiVersion: ref["apiVersion"] ?? "", kind: ref["kind"] ?? "", name: ref["name"] ?? "", uid: ref["uid"] ?? "" };
  if (typeof ref["controller"] === "boolean") out["controller"] = ref["controller"];
  if (typeof ref["blockOwnerDeletion"] === "boolean") out["blockOwnerDeletion"] = ref["blockOwnerDeletion"];
  return out;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * Field errors in metadata, with the API server's fields and messages: a missing or
 * malformed name, label keys and values, annotation keys and total size, owner references
 * (required fields, banned owners, one controller), finalizer names (and, for the core API's
 * kinds, the standard-or-qualified rule), orphan with foregroundDeletion, and finalizers
 * added during deletion.
 */
export function validateMetadata(res: ResolvedResource, object: JsonObject, old: JsonObject | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  const m = meta(object);
  if (old && isDeleting(old)) {
    const before = new Set(finalizersOf(old));
    const added = [...new Set(finalizersOf(object).filter((f) => !before.has(f)))].sort();
    if (added.length > 0) {
      causes.push({
        reason: "FieldValueForbidden",
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => `"${f}"`).join(", ")}}`,
        field: "metadata.finalizers",
      });
    }
  }
  const name = str(m["name"]);
  if (!name) causes.push({ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" });
  else for (const why of LABEL_NAMED.has(res.storageKey) ? isDns1123Label(name) : isDns1123Subdomain(name)) causes.push(invalidCause("metadata.name", name, why));
  const labels = m["labels"];
  if (isObject(labels)) {
    for (const [k, v] of Object.entries(labels)) {
      for (const why of isQualifiedName(k)) causes.push(invalidCause("metadata.labels", k, why.replace(/^a qualified name /, "a valid label key ")));
      for (const why of isValidLabelValue(typeof v === "string" ? v : String(v))) causes.push(invalidCause("metadata.labels", v, why));
    }
  }
  const annotations = m["annotations"];
  if (isObject(annotations)) {
    let size = 0;
    for (const [k, v] of Object.entries(annotations)) {
      for (const why of isQualifiedName(k.toLowerCase())) causes.push(invalidCause("metadata.annotations", k, why));
      size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === "string" ? v : "");
    }
    if (size > 256 * 1024) causes.push({ reason: "FieldValueTooLong", message: `Too long: may not be more than ${256 * 1024} bytes`, field: "metadata.annotations" });
  }
  const refs = Array.isArray(m["ownerReferences"]) ? m["ownerReferences"].filter(isObject) : [];
  let firstController = "";
  for (const ref of refs) {
    const apiVersion = str(ref["apiVersion"]);
    const version = apiVersion.includes("/") ? apiVersion.slice(apiVersion.lastIndexOf("/") + 1) : apiVersion;
    if (!version) causes.push(invalidCause("metadata.ownerReferences.apiVersion", apiVersion, "version must not be empty"));
    if (!str(ref["kind"])) causes.push(invalidCause("metadata.ownerReferences.kind", str(ref["kind"]), "must not be empty"));
    if (!str(ref["name"])) causes.push(invalidCause("metadata.ownerReferences.name", str(ref["name"]), "must not be empty"));
    if (!str(ref["uid"])) causes.push(invalidCause("metadata.ownerReferences.uid", str(ref["uid"]), "must not be empty"));
    if (BANNED_OWNERS.has(`${apiVersion}/${str(ref["kind"])}`)) {
      const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
      causes.push(invalidCause("metadata.ownerReferences", ownerRefValue(ref), `${group}/${version}, Kind=${str(ref["kind"])} is disallowed from being an owner`));
    }
    if (ref["controller"] === true) {
      const current = `${str(ref["kind"])}/${str(ref["name"])}`;
      if (firstController) {
        causes.push(
          invalidCause(
            "metadata.ownerReferences",
            refs.map(ownerRefValue),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else firstController = current;
    }
  }
  const finalizers = finalizersOf(object);
  for (const f of finalizers) for (const why of isQualifiedName(f)) causes.push(invalidCause("metadata.finalizers", f, why));
  if (finalizers.includes(ORPHAN_FINALIZER) && finalizers.includes(FOREGROUND_FINALIZER)) {
    causes.push(invalidCause("metadata.finalizers", finalizers, `finalizer ${ORPHAN_FINALIZER} and ${FOREGROUND_FINALIZER} cannot be both set`));
  }
  if (res.info.builtin && CORE_META_GROUPS.has(res.info.group)) {
    finalizers.forEach((f, i) => {
      if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) causes.push(invalidCause(`metadata.finalizers[${i}]`, f, "name is neither a standard finalizer name nor is it fully qualified"));
    });
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
