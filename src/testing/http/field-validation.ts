/**
 * Unknown fields in writes of custom resources, reported as the API server reports them.
 *
 * - `fieldValidation=Strict` (what kubectl sends with every apply, create and replace): a
 *   create or update whose body has fields the version's schema would prune fails with 400
 *   BadRequest, `Widget in version "v1" cannot be handled as a Widget: strict decoding error:
 *   unknown field "spec.x"`; a JSON merge patch or JSON patch whose result has such fields
 *   fails with the 422 the API server gives patches (` "" is invalid: patch: Invalid value:
 *   "<patched object>": strict decoding error: ...`).
 * - Server-side apply, whatever `fieldValidation` says: an applied configuration with fields
 *   the schema does not declare fails with the API server's 500 (`failed to create typed patch
 *   object (default/w; example.com/v1, Kind=Widget): .spec.x: field not declared in
 *   schema`), which structured-merge-diff raises before any pruning.
 *
 * Which fields are unknown follows the store's pruning exactly (src/testing/schema/prune.ts):
 * what would be pruned is unknown, `x-kubernetes-preserve-unknown-fields` keeps a subtree,
 * embedded resources keep apiVersion, kind and metadata. Top-level `metadata` is checked
 * against ObjectMeta's fields (nested metadata fields are not).
 *
 * Not covered (documented in docs/testing-differences.md): built-in kinds (they have no
 * schema in the store, so nothing is unknown), `fieldValidation=Warn` (no `Warning`
 * headers), and duplicate fields in a body.
 */
import { parse as parseYaml } from "yaml";
import { applyJsonPatch } from "../patch/json-patch.js";
import { applyMergePatch } from "../patch/merge-patch.js";
import { compileSchema, type CompiledNode } from "../schema/compile.js";
import { isObject, type Json } from "../store/json.js";
import type { ResolvedResource } from "../store/kind-info.js";
import type { ObjectStore } from "../store/object-store.js";
import { badRequest, invalid, StatusError } from "../store/status-error.js";
import type { RequestBody } from "./resource-handler.js";

/** The fields of ObjectMeta (`metadata.x` for any other x is unknown). */
const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  "annotations",
  "creationTimestamp",
  "deletionGracePeriodSeconds",
  "deletionTimestamp",
  "finalizers",
  "generateName",
  "generation",
  "labels",
  "managedFields",
  "name",
  "namespace",
  "ownerReferences",
  "resourceVersion",
  "selfLink",
  "uid",
]);

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

/** One step of a path to an unknown field: a field name, or a list item (with its node, for keyed lists). */
type Step = { readonly field: string } | { readonly index: number; readonly item: unknown; readonly list: CompiledNode | undefined };

/**
 * How unknown fields are found: as pruning finds them (`pruning`, a strict decode's), or as
 * structured-merge-diff types a server-side apply (`typed`), where an object whose schema
 * declares neither properties nor additionalProperties (`{type: object}`) is a map of anything
 * (kube-openapi's schema conversion gives it a deduced element type): the apply is taken, and
 * pruning drops the fields afterwards.
 */
type Typing = "pruning" | "typed";

/** The schema of field `k` of an object at `node`: a node, undefined (anything goes below), or "unknown". */
function fieldSchema(node: CompiledNode | undefined, k: string, typing: Typing): CompiledNode | undefined | "unknown" {
  if (node === undefined) return "unknown";
  const prop = node.properties?.get(k);
  if (prop !== undefined) return prop;
  if (node.additional !== undefined) return node.additional === "any" ? undefined : node.additional;
  if (typing === "typed" && node.type === "object" && (node.properties?.size ?? 0) === 0) return DEDUCED;
  return "unknown";
}

/** What structured-merge-diff types the fields of `{type: object}` as: anything, at any depth (see {@link Typing}). */
const DEDUCED = { type: undefined, preserveUnknown: true, embedded: false, properties: undefined, additional: undefined, items: undefined } as unknown as CompiledNode;

/** Collects the paths pruning would remove below `x` (mirrors `pruneValue`). */
function collect(x: unknown, node: CompiledNode | undefined, embedded: boolean, path: Step[], out: Step[][], typing: Typing): void {
  if (node !== undefined && node.preserveUnknown) return collectKept(x, node, embedded, path, out, typing);
  if (Array.isArray(x)) {
    x.forEach((v, i) => collect(v, node?.items, node?.items?.embedded ?? false, [...path, { index: i, item: v, list: node }], out, typing));
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const s = fieldSchema(node, k, typing);
    if (s === "unknown") out.push([...path, { field: k }]);
    else collect(x[k], s, s?.embedded ?? false, [...path, { field: k }], out, typing);
  }
}

/** Below a node that preserves unknown fields: only the fields it declares are checked (mirrors `skipPrune`). */
function collectKept(x: unknown, node: CompiledNode, embedded: boolean, path: Step[], out: Step[][], typing: Typing): void {
  if (Array.isArray(x)) {
    const items = node.items;
    if (items !== undefined) x.forEach((v, i) => collectKept(v, items, items.embedded, [...path, { index: i, item: v, list: node }], out, typing));
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (embedded && META_FIELDS.has(k)) continue;
    const s = fieldSchema(node, k, typing);
    if (s !== "unknown") collect(x[k], s, s?.embedded ?? false, [...path, { field: k }], out, typing);
  }
}

/** The paths of the fields of a custom resource its schema does not know, in sorted order. */
function unknownFields(object: unknown, schema: CompiledNode, typing: Typing): Step[][] {
  const out: Step[][] = [];
  if (!isObject(object)) return out;
  collect(object, schema, true, [], out, typing);
  const metadata = object["metadata"];
  if (isObject(metadata)) for (const k of Object.keys(metadata)) if (!OBJECT_META_FIELDS.has(k)) out.push([{ field: "metadata" }, { field: k }]);
  return out;
}

/** The pruning algorithm's path: `spec.ports[0].x`. */
function decodingPath(steps: readonly Step[]): string {
  let s = "";
  for (const step of steps) s += "field" in step ? (s === "" ? step.field : `.${step.field}`) : `[${step.index}]`;
  return s;
}

/** structured-merge-diff's path: `.spec.ports[name="a"].x` for keyed lists, `[0]` for atomic ones. */
function typedPath(steps: readonly Step[]): string {
  let s = "";
  for (const step of steps) {
    if ("field" in step) {
      s += `.${step.field}`;
      continue;
    }
    const list = step.list;
    if (list?.listType === "map" && isObject(step.item)) {
      const item = step.item;
      const keys = [...list.listMapKeys].sort().filter((k) => item[k] !== undefined);
      s += `[${keys.map((k) => `${k}=${JSON.stringify(item[k])}`).join(",")}]`;
    } else if (list?.listType === "set") {
      s += `[=${JSON.stringify(step.item)}]`;
    } else {
      s += `[${step.index}]`;
    }
  }
  return s;
}

const sortedStrings = (xs: string[]): string[] => [...new Set(xs)].sort();

function strictDecodingError(paths: readonly string[]): string {
  return `strict decoding error: ${paths.map((p) => `unknown field "${p}"`).join(", ")}`;
}

/**
 * A request body decoded as the store will decode it (JSON, or YAML for server-side apply);
 * undefined when it is empty or does not decode (the store then answers with its error).
 */
export function decodeBody(body: RequestBody, contentType: string): unknown {
  if (typeof body !== "string") return body.value;
  if (body.trim() === "") return undefined;
  try {
    return contentType.toLowerCase().startsWith("application/apply-patch+yaml") ? (parseYaml(body) as unknown) : (JSON.parse(body) as unknown);
  } catch {
    return undefined;
  }
}

/** A request that may carry unknown fields. */
export interface WriteCall {
  readonly method: string;
  readonly res: ResolvedResource;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly query: URLSearchParams;
  readonly contentType: string;
  /** The decoded body (undefined when it is missing or does not decode: the store reports that). */
  readonly body: unknown;
}

/** The compiled schema of the version an object names (or of the requested version). */
function schemaFor(res: ResolvedResource, object: unknown): CompiledNode | undefined {
  const apiVersion = isObject(object) && typeof object["apiVersion"] === "string" ? object["apiVersion"] : "";
  const version = apiVersion.slice(apiVersion.lastIndexOf("/") + 1);
  const v = res.info.versions.find((x) => x.name === version) ?? res.version;
  return v.schema ? compileSchema(v.schema) : undefined;
}

/** The patched object a strict patch is checked on, or undefined when the patch cannot apply (the store reports that). */
function patched(store: ObjectStore, call: WriteCall, type: "merge" | "json"): unknown {
  let current: unknown;
  try {
    current = store.get(call.res, call.res.info.namespaced ? call.namespace : undefined, call.name ?? "");
  } catch {
    return undefined;
  }
  try {
    return type === "merge" ? applyMergePatch(current, call.body) : applyJsonPatch(current, call.body);
  } catch {
    return undefined;
  }
}

/** The JSON the API server quotes in a patch's strict error: the patched object, keys sorted as Go marshals maps. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]] as [string, Json]),
        )
      : v,
  );
}

/** 500 without a reason, as the API server answers errors that are not API statuses. */
function unreasonedServerError(message: string): StatusError {
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });
}

/**
 * Throws the API server's error when a write of a custom resource carries fields its schema
 * does not know and the request asks for strict validation (or is a server-side apply).
 * Does nothing for built-in kinds, kinds without a schema, and other requests.
 */
export function checkUnknownFields(store: ObjectStore, call: WriteCall): void {
  const { res } = call;
  if (res.info.builtin || call.body === undefined) return;
  const strict = call.query.get("fieldValidation") === "Strict";
  const mediaType = call.contentType.split(";")[0]!.trim().toLowerCase();
  if (call.method === "PATCH" && mediaType.startsWith("application/apply-patch")) {
    const schema = schemaFor(res, call.body);
    if (!schema) return;
    const paths = sortedStrings(unknownFields(call.body, schema, "typed").map(typedPath));
    if (paths.length === 0) return;
    const errors = paths.map((p) => `${p}: field not declared in schema`);
    const text = errors.length === 1 ? errors[0]! : ["errors:", ...errors.map((e) => `  ${e}`)].join("\n");
    const o = isObject(call.body) ? call.body : {};
    const meta = isObject(o["metadata"]) ? o["metadata"] : {};
    const apiVersion = typeof o["apiVersion"] === "string" ? o["apiVersion"] : "";
    const gv = apiVersion.includes("/") ? apiVersion : `/${apiVersion}`;
    const kind = typeof o["kind"] === "string" ? o["kind"] : "";
    throw unreasonedServerError(
      `failed to create typed patch object (${String(meta["namespace"] ?? "")}/${String(meta["name"] ?? "")}; ${gv}, Kind=${kind}): ${text}`,
    );
  }
  if (!strict) return;
  if (call.method === "POST" || call.method === "PUT") {
    const schema = schemaFor(res, call.body);
    if (!schema) return;
    const paths = sortedStrings(unknownFields(call.body, schema, "pruning").map(decodingPath));
    if (paths.length === 0) return;
    const o = isObject(call.body) ? call.body : {};
    const kind = typeof o["kind"] === "string" && o["kind"] ? o["kind"] : res.info.kind;
    const apiVersion = typeof o["apiVersion"] === "string" && o["apiVersion"] ? o["apiVersion"] : res.apiVersion;
    const version = apiVersion.slice(apiVersion.lastIndexOf("/") + 1);
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${res.info.kind}: ${strictDecodingError(paths)}`);
  }
  if (call.method === "PATCH" && (mediaType === "application/merge-patch+json" || mediaType === "application/json-patch+json")) {
    const result = patched(store, call, mediaType === "application/merge-patch+json" ? "merge" : "json");
    const schema = result === undefined ? undefined : schemaFor(res, result);
    if (!schema) return;
    const paths = sortedStrings(unknownFields(result, schema, "pruning").map(decodingPath));
    if (paths.length === 0) return;
    const message = `Invalid value: ${JSON.stringify(sortedJson(result))}: ${strictDecodingError(paths)}`;
    throw invalid({ group: "", kind: "" }, "", [{ reason: "FieldValueInvalid", message, field: "patch" }]);
  }
}
