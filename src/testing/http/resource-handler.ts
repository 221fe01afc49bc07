import { parse as parseYaml } from "yaml";
import type { PatchType } from "../../runtime/client/types.js";
import type { DeleteOutcome, DeleteRequest } from "../store/deletion.js";
import type { Propagation } from "../store/gc.js";
import { isObject } from "../store/json.js";
import type { ResolvedResource } from "../store/kind-info.js";
import type { RequestContext } from "../webhooks/admission-dispatch.js";
import type { ServingStore } from "../webhooks/serving-store.js";
import { badRequest, invalid, methodNotAllowed, methodNotSupported, notFound, resourceNotFound, success, unsupportedMediaType } from "../store/status-error.js";
import type { WatchRequest } from "../watch/start-watch.js";

/** A resource request, parsed from the route, query, headers and body. */
export interface ResourceCall {
  readonly method: string;
  readonly res: ResolvedResource;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: string | undefined;
  readonly query: URLSearchParams;
  readonly contentType: string;
  readonly body: RequestBody;
  /** The field manager: `fieldManager`, else the User-Agent up to its first "/". */
  readonly manager: string;
}

/**
 * A request body: the text that came over HTTP, or a value already decoded (and copied) by
 * the in-memory transport, which stands for the JSON text it would have sent.
 */
export type RequestBody = string | { readonly value: unknown };

/** An answer: a status code and a JSON body. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const PATCH_TYPES: Readonly<Record<string, PatchType>> = {
  "application/merge-patch+json": "merge",
  "application/json-patch+json": "json",
  "application/apply-patch+yaml": "apply",
  "application/apply-patch+cbor": "apply",
  "application/strategic-merge-patch+json": "strategic",
};

function parseJson(body: RequestBody): unknown {
  if (typeof body !== "string") return body.value;
  const text = body;
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const flag = (query: URLSearchParams, key: string): boolean | undefined => {
  const v = query.get(key);
  return v === null ? undefined : v === "true" || v === "1";
};

/** Whether a write is a dry run (`dryRun=All`); any other value is the API server's 422 for the verb's options kind. */
function dryRunOf(query: URLSearchParams, options: "CreateOptions" | "UpdateOptions" | "PatchOptions" | "DeleteOptions", fromBody: readonly unknown[] = []): boolean {
  const values = [...query.getAll("dryRun"), ...fromBody.map(String)];
  if (values.some((v) => v !== "All")) {
    throw invalid({ group: "meta.k8s.io", kind: options }, "", [
      { reason: "FieldValueNotSupported", message: `Unsupported value: ${JSON.stringify(values)}: supported values: "All"`, field: "dryRun" },
    ]);
  }
  return values.length > 0;
}

const OPTIONS_KIND = { POST: "CreateOptions", PUT: "UpdateOptions", PATCH: "PatchOptions", DELETE: "DeleteOptions" } as const;

/** The watch request of a `?watch=true` query. */
export function watchRequestOf(query: URLSearchParams, namespace: string | undefined): WatchRequest {
  const timeout = query.get("timeoutSeconds");
  return {
    namespace,
    labelSelector: query.get("labelSelector") ?? undefined,
    fieldSelector: query.get("fieldSelector") ?? undefined,
    resourceVersion: query.get("resourceVersion") ?? undefined,
    allowWatchBookmarks: flag(query, "allowWatchBookmarks"),
    sendInitialEvents: flag(query, "sendInitialEvents"),
    resourceVersionMatch: query.get("resourceVersionMatch") ?? undefined,
    timeoutSeconds: timeout !== null ? Number(timeout) : undefined,
  };
}

/**
 * The DeleteOptions of a delete: the body's when there is one, else the query's (the API
 * server reads the query only for a DELETE without a body, so with a body `?dryRun=All` or
 * `?propagationPolicy=` is ignored).
 */
function deleteRequestOf(call: ResourceCall): DeleteRequest {
  const body = parseJson(call.body);
  const fromQuery = body === undefined;
  const query = fromQuery ? call.query : new URLSearchParams();
  const opts = isObject(body) ? body : {};
  const policy = query.get("propagationPolicy") ?? (typeof opts["propagationPolicy"] === "string" ? opts["propagationPolicy"] : undefined);
  if (policy !== undefined && policy !== "Background" && policy !== "Foreground" && policy !== "Orphan") {
    throw invalid({ group: "meta.k8s.io", kind: "DeleteOptions" }, "", [
      { reason: "FieldValueNotSupported", message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"`, field: "propagationPolicy" },
    ]);
  }
  const orphan = flag(query, "orphanDependents") ?? (typeof opts["orphanDependents"] === "boolean" ? opts["orphanDependents"] : undefined);
  const pre = isObject(opts["preconditions"]) ? opts["preconditions"] : {};
  const dryRun = dryRunOf(query, "DeleteOptions", Array.isArray(opts["dryRun"]) ? opts["dryRun"] : []);
  return {
    propagationPolicy: policy as Propagation | undefined,
    orphanDependents: orphan,
    preconditions: {
      uid: typeof pre["uid"] === "string" ? pre["uid"] : undefined,
      resourceVersion: typeof pre["resourceVersion"] === "string" ? pre["resourceVersion"] : undefined,
    },
    dryRun,
  };
}

/** The body a delete answers with: the object while it waits for finalizers, else (it is gone) a Success Status, for every kind. */
export function deleteReply(res: ResolvedResource, outcome: DeleteOutcome, orphanDependents: boolean | undefined): Reply {
  if (outcome.kind === "pending") return { status: orphanDependents === false ? 202 : 200, body: outcome.object };
  if (outcome.kind === "already-deleting") return { status: 200, body: outcome.object };
  const m = isObject(outcome.object["metadata"]) ? outcome.object["metadata"] : {};
  return {
    status: 200,
    body: success({ name: String(m["name"] ?? ""), group: res.info.group, kind: res.info.plural, uid: String(m["uid"] ?? "") }),
  };
}

function withoutTypeMeta(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return rest;
}

function patchBody(call: ResourceCall, type: PatchType): unknown {
  if (type !== "apply" || typeof call.body !== "string") return parseJson(call.body);
  try {
    return parseYaml(call.body) as unknown;
  } catch (e) {
    throw badRequest(`error decoding YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Handles one non-watch resource request against the store, as the API server serves it
 * (admission webhooks called on writes, conversion webhooks on other versions); the
 * webhooks' warnings go to `context`.
 */
export async function handleResource(store: ServingStore, call: ResourceCall, context: RequestContext): Promise<Reply> {
  const { res, query } = call;
  const namespace = res.info.namespaced ? call.namespace : undefined;
  if (!res.info.namespaced && call.namespace !== undefined) throw resourceNotFound();
  // A subresource the kind does not serve: a custom resource's handler answers as for a missing object.
  if (call.subresource !== undefined && (call.subresource !== "status" || !res.version.statusSubresource)) {
    throw !res.info.builtin && call.name !== undefined ? notFound(res.groupResource, call.name) : resourceNotFound();
  }
  const subresource = call.subresource === "status" ? ("status" as const) : undefined;
  const optionsKind = OPTIONS_KIND[call.method as keyof typeof OPTIONS_KIND];
  const dryRun = optionsKind !== undefined && optionsKind !== "DeleteOptions" ? dryRunOf(query, optionsKind) : false;
  if (call.name === undefined) {
    switch (call.method) {
      case "GET": {
        const limit = query.get("limit");
        return {
          status: 200,
          body: await store.list(res, {
            namespace,
            labelSelector: query.get("labelSelector") ?? undefined,
            fieldSelector: query.get("fieldSelector") ?? undefined,
            limit: limit !== null ? Number(limit) : undefined,
            continue: query.get("continue") ?? undefined,
            resourceVersion: query.get("resourceVersion") ?? undefined,
            resourceVersionMatch: query.get("resourceVersionMatch") ?? undefined,
          }),
        };
      }
      case "POST":
        if (res.info.namespaced && namespace === undefined) throw methodNotSupported(res.groupResource, "create");
        return { status: 201, body: await store.create(res, namespace, parseJson(call.body), { manager: call.manager, dryRun, requireTypeMeta: true }, context) };
      case "DELETE": {
        // The API server routes a collection DELETE only in a namespace for a namespaced kind.
        if (res.info.noDeleteCollection || (res.info.namespaced && namespace === undefined)) throw methodNotAllowed();
        const request = deleteRequestOf(call);
        const outcomes = await store.deleteCollection(
          res,
          {
            ...request,
            namespace,
            labelSelector: query.get("labelSelector") ?? undefined,
            fieldSelector: query.get("fieldSelector") ?? undefined,
          },
          context,
        );
        // Its items are shown as a list's: without apiVersion and kind for a built-in kind.
        const items = outcomes.map((o) => (res.info.builtin ? withoutTypeMeta(o.object) : o.object));
        return { status: 200, body: { kind: res.info.listKind, apiVersion: res.apiVersion, metadata: { resourceVersion: store.store.resourceVersion }, items } };
      }
      default:
        // A custom resource's handler reads a write without a name as one; the router refuses other verbs.
        if (!res.info.builtin && (call.method === "PUT" || call.method === "PATCH")) throw badRequest("name must be provided");
        throw methodNotAllowed();
    }
  }
  const name = call.name;
  switch (call.method) {
    case "POST":
      // The router has no create on an object path; a custom resource's handler creates from the body.
      if (res.info.builtin || subresource) throw methodNotAllowed();
      return { status: 201, body: await store.create(res, namespace, parseJson(call.body), { manager: call.manager, dryRun, requireTypeMeta: true }, context) };
    case "GET":
      return { status: 200, body: await store.get(res, namespace, name) };
    case "PUT":
      return { status: 200, body: await store.update(res, namespace, name, parseJson(call.body), { manager: call.manager, dryRun, subresource, requireTypeMeta: true }, context) };
    case "PATCH": {
      const mediaType = call.contentType.split(";")[0]!.trim().toLowerCase();
      const type = PATCH_TYPES[mediaType];
      if (!type) throw unsupportedMediaType(Object.keys(PATCH_TYPES));
      const { object, created } = await store.patch(
        res,
        namespace,
        name,
        {
          type,
          patch: patchBody(call, type),
          manager: query.get("fieldManager") ?? (type === "apply" ? "" : call.manager),
          force: flag(query, "force"),
          dryRun,
          subresource,
          requireTypeMeta: true,
        },
        context,
      );
      return { status: created ? 201 : 200, body: object };
    }
    case "DELETE": {
      if (subresource) throw methodNotSupported(res.groupResource, "delete");
      const request = deleteRequestOf(call);
      return deleteReply(res, await store.delete(res, namespace, name, request, context), request.orphanDependents);
    }
    default:
      throw methodNotAllowed();
  }
}
