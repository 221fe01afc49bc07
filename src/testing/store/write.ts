import type { PatchType } from "../../runtime/client/types.js";
import { applyJsonPatch } from "../patch/json-patch.js";
import { recordUpdate } from "../patch/managed-fields.js";
import { applyMergePatch } from "../patch/merge-patch.js";
import { applyConfiguration, type ApplyOptions } from "../patch/server-side-apply.js";
import { applyStrategicMergePatch, builtinStrategies } from "../patch/strategic-merge-patch.js";
import { validateCrd } from "./crd-kinds.js";
import { clone, deepEqual, isObject, type JsonObject } from "./json.js";
import { parseApiVersion, type ResolvedResource } from "./kind-info.js";
import { alwaysPresentOf, present, structureOf, toStorage } from "./present.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  crdTerminating,
  forbidden,
  invalid,
  patchDecodeError,
  notFound,
  resourceNotFound,
  unsupportedMediaType,
  type FieldCause,
  type StatusError,
} from "./status-error.js";
import { presentSteps, runNow, StaleWrite, toStorageSteps, type AdmissionAttributes, type WriteSteps } from "./steps.js";
import { finalizersOf, isDeleting, meta, type StoreCore } from "./store-core.js";
import { generateName, prepareCreate, prepareUpdate, validateBuiltinUpdate, validateMetadata } from "./strategy.js";

/** Who writes, and whether for real. */
export interface WriteRequest {
  /** The field manager recorded in managedFields. */
  readonly manager: string;
  readonly dryRun?: boolean | undefined;
  /**
   * Whether a custom resource's body must carry `apiVersion` and `kind`, as the API server
   * decodes request bodies (the HTTP handlers set it; the store's own callers may leave
   * them out and get the URL's).
   */
  readonly requireTypeMeta?: boolean | undefined;
}

/** An update: of the main resource, or of `/status`. */
export interface UpdateRequest extends WriteRequest {
  readonly subresource?: "status" | undefined;
}

/** A patch: its format, its (parsed) body, and `force` for server-side apply. */
export interface PatchRequest extends UpdateRequest {
  readonly type: PatchType;
  readonly patch: unknown;
  readonly force?: boolean | undefined;
}

/** How managedFields are kept: recorded as an `Update`, or already computed by apply. */
type Managed = "update" | "keep";

const CRDS = "apiextensions.k8s.io/customresourcedefinitions";
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** At most the first 30 characters of a body, as the API server quotes it in decoding errors. */
const shortBody = (text: string): string => (text.length > 30 ? `${text.slice(0, 30)} ...` : text);

/**
 * A custom resource body's type metadata, checked as the API server decodes it: a missing
 * kind is 400 (`Object 'Kind' is missing`), another apiVersion 400, another kind 422.
 */
function checkCustomTypeMeta(res: ResolvedResource, object: JsonObject, requireTypeMeta: boolean): void {
  const apiVersion = object["apiVersion"];
  const kind = object["kind"];
  if (requireTypeMeta && (typeof kind !== "string" || kind === "")) {
    const text = JSON.stringify(object);
    throw badRequest(`the object provided is unrecognized (must be of type ${res.info.kind}): Object 'Kind' is missing in '${text}' (${shortBody(text)})`);
  }
  if ((requireTypeMeta || apiVersion !== undefined) && apiVersion !== res.apiVersion) {
    throw badRequest(`the API version in the data (${typeof apiVersion === "string" ? apiVersion : ""}) does not match the expected API version (${res.apiVersion})`);
  }
  if (kind !== undefined && kind !== res.info.kind) {
    throw invalid({ group: res.info.group, kind: String(kind) }, str(meta(object)["name"]), [
      { reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(String(kind))}: must be ${res.info.kind}`, field: "kind" },
    ]);
  }
}

/** A copy of a request body, checked and completed: apiVersion, kind and namespace as the URL says. */
function normalize(res: ResolvedResource, body: unknown, namespace: string | undefined, requireTypeMeta = false): JsonObject {
  if (!isObject(body)) throw badRequest(`the body of the request must be a JSON object (a ${res.info.kind})`);
  const object = clone(body);
  const apiVersion = object["apiVersion"];
  const kind = object["kind"];
  if (!res.info.builtin) checkCustomTypeMeta(res, object, requireTypeMeta);
  else {
    if (apiVersion !== undefined && apiVersion !== res.apiVersion) {
      throw badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${res.apiVersion})`);
    }
    if (kind !== undefined && kind !== res.info.kind) throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${res.info.kind})`);
  }
  object["apiVersion"] = res.apiVersion;
  object["kind"] = res.info.kind;
  const m = meta(object);
  if (res.info.namespaced) {
    const ns = namespace || str(m["namespace"]);
    if (!ns) throw badRequest(`${res.info.kind} is namespaced: a namespace is required`);
    if (m["namespace"] !== undefined && m["namespace"] !== "" && m["namespace"] !== ns) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    m["namespace"] = ns;
  } else delete m["namespace"];
  return object;
}

/** Where etcd keeps a kind's objects under `/registry` (the API server's storage prefixes). */
const ETCD_PREFIX: Readonly<Record<string, string>> = {
  "/services": "services/specs",
  "/endpoints": "services/endpoints",
  "/nodes": "minions",
  "networking.k8s.io/ingresses": "ingress",
  "events.k8s.io/events": "events",
};

/** The etcd key of an object, as storage errors print it. */
function etcdKey(res: ResolvedResource, namespace: string, name: string): string {
  const prefix = ETCD_PREFIX[res.storageKey] ?? (res.info.builtin && res.info.group !== "apiextensions.k8s.io" ? res.info.plural : `${res.info.group}/${res.info.plural}`);
  return `/registry/${prefix}/${res.info.namespaced ? `${namespace}/` : ""}${name}`;
}

/** The 409 of an update whose body names another uid (the API server uses it as a precondition). */
function uidPreconditionFailed(res: ResolvedResource, namespace: string, name: string, uid: string, stored: string): StatusError {
  return conflict(
    res.groupResource,
    name,
    `StorageError: invalid object, Code: 4, Key: ${etcdKey(res, namespace, name)}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${uid}, UID in object meta: ${stored}`,
  );
}

/** Admits a custom resource against its schema; metadata, apiVersion and kind are the store's, not the schema's. */
function admit(core: StoreCore, res: ResolvedResource, object: JsonObject, old: JsonObject | undefined, subresource?: "status"): JsonObject {
  const extra: FieldCause[] = validateMetadata(res, object, old);
  if (old) extra.push(...validateBuiltinUpdate(res, object, old));
  if (res.storageKey === CRDS) extra.push(...validateCrd(object));
  let out = object;
  let causes: readonly FieldCause[] = [];
  if (!res.info.builtin && res.version.schema) {
    const result = core.admit(res.version.schema, object, old, subresource ? { subresource } : undefined);
    causes = result.causes;
    if (isObject(result.object)) {
      out = result.object;
      out["apiVersion"] = object["apiVersion"]!;
      out["kind"] = object["kind"]!;
      out["metadata"] = object["metadata"]!;
    }
  }
  const all = [...extra, ...causes];
  if (all.length > 0) throw invalid(res.groupKind, str(meta(object)["name"]), all);
  return out;
}

function checkWritable(core: StoreCore, res: ResolvedResource, namespace: string, name: string): void {
  if (res.info.namespaced) {
    const ns = core.get("/namespaces", "", namespace);
    if (!ns) throw notFound({ group: "", resource: "namespaces" }, namespace);
    if (isDeleting(ns)) {
      throw forbidden(res.groupResource, name, `unable to create new content in namespace ${namespace} because it is being terminated`, [
        { reason: "NamespaceTerminating", message: `namespace ${namespace} is being terminated`, field: "metadata.namespace" },
      ]);
    }
  }
  if (res.info.crdName) {
    const crd = core.get(CRDS, "", res.info.crdName);
    if (crd && isDeleting(crd)) throw crdTerminating(res.groupResource, "create");
  }
}

/** The options object of a write, as admission webhooks get it. */
function optionsOf(kind: "CreateOptions" | "UpdateOptions", request: WriteRequest): JsonObject {
  const out: JsonObject = { kind, apiVersion: "meta.k8s.io/v1" };
  if (request.dryRun) out["dryRun"] = ["All"];
  if (request.manager) out["fieldManager"] = request.manager;
  return out;
}

/**
 * How the API server decodes a custom resource (pruned and defaulted by its schema, errors
 * left for later), which is what mutating webhooks get; undefined for kinds without schema.
 */
function decoder(core: StoreCore, res: ResolvedResource, old: JsonObject | undefined): ((object: JsonObject) => JsonObject) | undefined {
  const schema = res.version.schema;
  if (res.info.builtin || !schema) return undefined;
  return (object) => {
    const result = core.admit(schema, object, old);
    if (!isObject(result.object)) return object;
    const out = result.object;
    out["apiVersion"] = object["apiVersion"]!;
    out["kind"] = object["kind"]!;
    out["metadata"] = object["metadata"]!;
    return out;
  };
}

/** The mutating admission step: the object the write goes on with. */
function* mutating(
  core: StoreCore,
  res: ResolvedResource,
  operation: "CREATE" | "UPDATE",
  object: JsonObject,
  old: JsonObject | undefined,
  request: UpdateRequest,
): WriteSteps<JsonObject> {
  const answer = yield { kind: "admission", phase: "mutating", attributes: writeAttributes(res, operation, object, old, request), decode: decoder(core, res, old) };
  return isObject(answer) ? answer : object;
}

/** The validating admission step (a throw refuses the write). */
function* validating(res: ResolvedResource, operation: "CREATE" | "UPDATE", object: JsonObject, old: JsonObject | undefined, request: UpdateRequest): WriteSteps<void> {
  yield { kind: "admission", phase: "validating", attributes: writeAttributes(res, operation, object, old, request) };
}

/** What admission is told about a create or an update. */
function writeAttributes(res: ResolvedResource, operation: "CREATE" | "UPDATE", object: JsonObject, old: JsonObject | undefined, request: UpdateRequest): AdmissionAttributes {
  const m = meta(object);
  return {
    operation,
    res,
    subresource: request.subresource ?? "",
    namespace: str(m["namespace"]),
    name: str(m["name"]),
    object,
    oldObject: old,
    dryRun: request.dryRun === true,
    options: optionsOf(operation === "CREATE" ? "CreateOptions" : "UpdateOptions", request),
  };
}

/** After a step: the write starts over when the object it read was changed or removed meanwhile. */
function ensureCurrent(core: StoreCore, res: ResolvedResource, old: JsonObject): void {
  if (core.get(res.storageKey, str(meta(old)["namespace"]), str(meta(old)["name"])) !== old) throw new StaleWrite();
}

/**
 * Creates an object (POST), as the API server's steps: namespace checks, mutating admission,
 * name generation and server-set fields, schema admission, managedFields, validating
 * admission, conversion to the storage version, store. Returns it at the requested version.
 */
export function* createSteps(
  core: StoreCore,
  res: ResolvedResource,
  namespace: string | undefined,
  body: unknown,
  request: WriteRequest,
  managed: Managed = "update",
): WriteSteps<JsonObject> {
  let object = managed === "keep" ? normalize(res, body, namespace) : normalize(res, body, namespace, request.requireTypeMeta === true);
  const ns = str(meta(object)["namespace"]);
  checkWritable(core, res, ns, str(meta(object)["name"]));
  const mutated = yield* mutating(core, res, "CREATE", object, undefined, request);
  if (mutated !== object) object = normalize(res, mutated, namespace);
  const m = meta(object);
  if (!str(m["name"]) && str(m["generateName"])) m["name"] = generateName(str(m["generateName"]));
  const name = str(m["name"]);
  const now = core.now();
  prepareCreate(res, object, now);
  const admitted = admit(core, res, object, undefined);
  if (managed === "update") {
    delete meta(admitted)["managedFields"];
    recordUpdate(undefined, admitted, { manager: request.manager, apiVersion: res.apiVersion, time: now, structure: structureOf(res), alwaysPresent: alwaysPresentOf(res) });
  }
  yield* validating(res, "CREATE", admitted, undefined, request);
  checkWritable(core, res, ns, name);
  if (core.get(res.storageKey, ns, name)) throw alreadyExists(res.groupResource, name);
  const stored = yield* toStorageSteps(res, admitted);
  if (core.get(res.storageKey, ns, name)) throw alreadyExists(res.groupResource, name);
  if (request.dryRun) return yield* presentSteps(res, stored);
  return yield* presentSteps(res, core.put(res.storageKey, stored, undefined));
}

/** Creates an object (POST) without webhooks. Returns it as stored, at the requested version. */
export function createObject(core: StoreCore, res: ResolvedResource, namespace: string | undefined, body: unknown, request: WriteRequest): JsonObject {
  return runNow(createSteps(core, res, namespace, body, request));
}

/** Replaces an object (PUT), or its status (PUT .../status). */
export function* updateSteps(core: StoreCore, res: ResolvedResource, namespace: string | undefined, name: string, body: unknown, request: UpdateRequest): WriteSteps<JsonObject> {
  if (request.subresource === "status" && !res.version.statusSubresource) throw resourceNotFound();
  const object = normalize(res, body, namespace, request.requireTypeMeta === true);
  const m = meta(object);
  if (m["name"] !== undefined && m["name"] !== name) throw badRequest(`the name of the object (${String(m["name"])}) does not match the name on the URL (${name})`);
  m["name"] = name;
  const old = core.get(res.storageKey, str(m["namespace"]), name);
  if (!old) throw notFound(res.groupResource, name);
  const uid = str(m["uid"]);
  if (uid && uid !== meta(old)["uid"]) throw uidPreconditionFailed(res, str(m["namespace"]), name, uid, str(meta(old)["uid"]));
  const rv = str(m["resourceVersion"]);
  if (!rv) {
    if (!res.info.allowUnconditionalUpdate) {
      throw invalid({ group: res.info.group, kind: res.info.plural }, name, [
        { reason: "FieldValueInvalid", message: "Invalid value: 0: must be specified for an update", field: "metadata.resourceVersion" },
      ]);
    }
  } else if (rv !== meta(old)["resourceVersion"]) throw conflict(res.groupResource, name);
  const before = yield* presentSteps(res, old);
  ensureCurrent(core, res, old);
  return yield* commitUpdateSteps(core, res, old, before, object, request, "update");
}

/** Replaces an object (PUT), or its status, without webhooks. */
export function updateObject(core: StoreCore, res: ResolvedResource, namespace: string | undefined, name: string, body: unknown, request: UpdateRequest): JsonObject {
  return runNow(updateSteps(core, res, namespace, name, body, request));
}

/**
 * The update steps after the new object is known: mutating admission, update rules, schema
 * admission, managedFields, validating admission, then the store (or removal when the last
 * finalizer of a deleted object went). `before` is `old` at the requested version.
 */
function* commitUpdateSteps(
  core: StoreCore,
  res: ResolvedResource,
  old: JsonObject,
  before: JsonObject,
  object: JsonObject,
  request: UpdateRequest,
  managed: Managed,
): WriteSteps<JsonObject> {
  let next = object;
  const mutated = yield* mutating(core, res, "UPDATE", next, before, request);
  if (mutated !== next) {
    next = normalize(res, mutated, res.info.namespaced ? str(meta(old)["namespace"]) : undefined);
    meta(next)["name"] = meta(old)["name"]!;
  }
  ensureCurrent(core, res, old);
  const now = core.now();
  prepareUpdate(res, next, before, request.subresource, now);
  const admitted = admit(core, res, next, before, request.subresource);
  if (managed === "update") {
    recordUpdate(before, admitted, {
      manager: request.manager,
      apiVersion: res.apiVersion,
      time: now,
      subresource: request.subresource,
      structure: structureOf(res),
      alwaysPresent: alwaysPresentOf(res),
    });
  }
  meta(admitted)["resourceVersion"] = meta(old)["resourceVersion"]!;
  yield* validating(res, "UPDATE", admitted, before, request);
  ensureCurrent(core, res, old);
  if (deepEqual(admitted, before)) return before;
  const stored = yield* toStorageSteps(res, admitted);
  ensureCurrent(core, res, old);
  if (request.dryRun) return yield* presentSteps(res, stored);
  if (isDeleting(stored) && finalizersOf(stored).length === 0 && res.storageKey !== "/namespaces") {
    const gone = core.remove(res.storageKey, old);
    meta(stored)["resourceVersion"] = meta(gone)["resourceVersion"]!;
    return yield* presentSteps(res, stored);
  }
  return yield* presentSteps(res, core.put(res.storageKey, stored, old));
}

/** Patches an object or its status: merge, JSON (RFC 6902), strategic (built-ins) or server-side apply. */
export function* patchSteps(
  core: StoreCore,
  res: ResolvedResource,
  namespace: string | undefined,
  name: string,
  request: PatchRequest,
): WriteSteps<{ object: JsonObject; created: boolean }> {
  if (request.subresource === "status" && !res.version.statusSubresource) throw resourceNotFound();
  if (request.type === "strategic" && !res.info.builtin) {
    throw unsupportedMediaType(["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]);
  }
  const ns = res.info.namespaced ? (namespace ?? "") : "";
  const old = core.get(res.storageKey, ns, name);
  if (request.type === "apply") return yield* applySteps(core, res, ns, name, old, request);
  if (!old) throw notFound(res.groupResource, name);
  const current = yield* presentSteps(res, old);
  ensureCurrent(core, res, old);
  const patched =
    request.type === "json"
      ? applyJsonPatch(current, request.patch)
      : request.type === "strategic"
        ? applyStrategicMergePatch(current, checkMergePatch(request.patch) as JsonObject, builtinStrategies(res.storageKey))
        : applyMergePatch(current, checkMergePatch(request.patch));
  const object = normalize(res, patched, namespace, request.requireTypeMeta === true);
  const m = meta(object);
  if (m["name"] !== name) throw badRequest(`the name of the object (${String(m["name"] ?? "")}) does not match the name on the URL (${name})`);
  const uid = str(m["uid"]);
  if (uid && uid !== meta(old)["uid"]) {
    throw invalid(res.groupKind, name, [{ reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(uid)}: field is immutable`, field: "metadata.uid" }]);
  }
  const rv = str(m["resourceVersion"]);
  if (rv && rv !== meta(old)["resourceVersion"]) throw conflict(res.groupResource, name);
  return { object: yield* commitUpdateSteps(core, res, old, current, object, request, "update"), created: false };
}

/** Patches an object or its status without webhooks; `created` when server-side apply created it. */
export function patchObject(
  core: StoreCore,
  res: ResolvedResource,
  namespace: string | undefined,
  name: string,
  request: PatchRequest,
): { object: JsonObject; created: boolean } {
  return runNow(patchSteps(core, res, namespace, name, request));
}

function checkMergePatch(patch: unknown): unknown {
  if (!isObject(patch)) throw patchDecodeError(patch, "map[string]interface {}");
  return patch;
}

function* applySteps(
  core: StoreCore,
  res: ResolvedResource,
  namespace: string,
  name: string,
  old: JsonObject | undefined,
  request: PatchRequest,
): WriteSteps<{ object: JsonObject; created: boolean }> {
  const applied = request.patch;
  if (!isObject(applied)) throw badRequest("error decoding YAML: the applied configuration must be an object");
  if (!request.manager) {
    throw invalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }]);
  }
  if (!str(applied["apiVersion"]) || !str(applied["kind"])) {
    const { group, version } = parseApiVersion(str(applied["apiVersion"]));
    throw badRequest(`invalid object type: ${group}/${version}, Kind=${str(applied["kind"])}`);
  }
  const m = isObject(applied["metadata"]) ? applied["metadata"] : {};
  if (m["name"] !== undefined && m["name"] !== name) throw badRequest(`the name of the object (${String(m["name"])}) does not match the name on the URL (${name})`);
  const options: ApplyOptions = {
    manager: request.manager,
    force: request.force === true,
    apiVersion: res.apiVersion,
    time: core.now(),
    subresource: request.subresource,
    scope: request.subresource === "status" ? "status" : res.version.statusSubresource ? "main" : "all",
    structure: structureOf(res),
  };
  const config = normalize(res, { ...applied, metadata: { ...m, name } }, res.info.namespaced ? namespace : undefined);
  if (!old) {
    if (request.subresource === "status") throw notFound(res.groupResource, name);
    const merged = applyConfiguration(undefined, config, options);
    return { object: yield* createSteps(core, res, namespace, merged, request, "keep"), created: true };
  }
  const rv = str(meta(config)["resourceVersion"]);
  if (rv && rv !== meta(old)["resourceVersion"]) throw conflict(res.groupResource, name);
  const current = yield* presentSteps(res, old);
  ensureCurrent(core, res, old);
  const merged = applyConfiguration(current, config, options);
  return { object: yield* commitUpdateSteps(core, res, old, current, merged, request, "keep"), created: false };
}
