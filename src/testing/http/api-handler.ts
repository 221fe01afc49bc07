import type { ObjectStore } from "../store/object-store.js";
import type { ServingStore } from "../webhooks/serving-store.js";
import { internalError, resourceNotFound, StatusError, type ApiStatus } from "../store/status-error.js";
import type { WatchHandle } from "../watch/start-watch.js";
import type { WatchSink } from "../watch/watch-hub.js";
import { coreVersions, groupInfo, groupList, resourceList, SERVER_VERSION } from "./discovery.js";
import type { FaultRequest, ServerFaults } from "./faults.js";
import { checkUnknownFields, decodeBody } from "./field-validation.js";
import { answerOpenApiV2, answerOpenApiV3Document, answerOpenApiV3Index } from "./openapi/serve.js";
import { handleResource, watchRequestOf, type RequestBody, type ResourceCall } from "./resource-handler.js";
import { parseRoute } from "./route.js";

/** One request to the API, however it arrived (HTTP, or the in-memory transport). */
export interface ApiRequest {
  readonly method: string;
  /** The path without query, e.g. `/api/v1/namespaces/default/configmaps`. */
  readonly pathname: string;
  readonly query: URLSearchParams;
  /** The `Content-Type` of the body (default `application/json`). */
  readonly contentType?: string | undefined;
  /** The `User-Agent`: up to its first "/", the field manager of writes that name none. */
  readonly userAgent?: string | undefined;
  /** The `Accept` header (only the OpenAPI documents are negotiated; everything else is JSON). */
  readonly accept?: string | undefined;
  readonly body: RequestBody;
}

/** What the API answers: a JSON document, plain text, a body already encoded, or a started watch. */
export type ApiAnswer =
  | { readonly kind: "json"; readonly status: number; readonly body: unknown; readonly headers: Readonly<Record<string, string | readonly string[]>> }
  | { readonly kind: "text"; readonly status: number; readonly text: string }
  /** A body already encoded (the OpenAPI documents: cached JSON text, or protobuf). */
  | {
      readonly kind: "raw";
      readonly status: number;
      readonly contentType: string;
      readonly body: string | Uint8Array;
      readonly headers: Readonly<Record<string, string>>;
    }
  | { readonly kind: "watch"; readonly handle: WatchHandle };

/** Where a served watch's events go: a connection that can also break (a fault), not just end. */
export interface WatchConnection extends WatchSink {
  /** Breaks the connection: the client sees it fail, not end. */
  break(): void;
}

/** What answering needs: the store (and the store as served, with webhooks), the faults, the address discovery reports. */
export interface ApiContext {
  readonly store: ObjectStore;
  readonly serving: ServingStore;
  readonly faults: ServerFaults;
  /** `host:port`, as `/api` reports it. */
  serverAddress(): string;
}

/** The JSON answer of a Status (with `Retry-After` when the Status asks for one). */
export function statusAnswer(status: ApiStatus): ApiAnswer {
  const retry = status.details?.retryAfterSeconds;
  return { kind: "json", status: status.code, body: status, headers: retry !== undefined ? { "Retry-After": String(retry) } : {} };
}

const json = (body: unknown, status = 200): ApiAnswer => ({ kind: "json", status, body, headers: {} });

/**
 * Answers one API request: runs the faults, then discovery, the store's resource verbs (with
 * admission and conversion webhooks, see {@link ServingStore}), or a watch whose events go to
 * `watchSink()`. Errors become the API server's Status answers; webhooks' warnings become
 * `Warning` headers.
 * Both the HTTP server and the in-memory transport answer through here, so they cannot differ.
 */
export async function answerApiRequest(context: ApiContext, request: ApiRequest, watchSink: () => WatchSink): Promise<ApiAnswer> {
  const warnings: string[] = [];
  try {
    const route = parseRoute(request.pathname);
    const method = request.method.toUpperCase();
    const query = request.query;
    // `?watch=true` watches a collection; one object is watched by the deprecated /watch/ path
    // (on an object's own path the parameter is ignored, as the API server ignores it).
    const watch =
      (route.kind === "collection" && (route.legacyWatch || query.get("watch") === "true" || query.get("watch") === "1")) || (route.kind === "object" && route.legacyWatch);
    const fault: FaultRequest = {
      method,
      path: request.pathname,
      query,
      watch,
      ...(route.kind === "collection" || route.kind === "object"
        ? { resource: route.plural, namespace: route.namespace, name: route.kind === "object" ? route.name : undefined, subresource: route.kind === "object" ? route.subresource : undefined }
        : {}),
    };
    const failure = await context.faults.before(fault);
    if (failure) return statusAnswer(failure.status);
    const { store } = context;
    switch (route.kind) {
      case "version":
        return json(SERVER_VERSION);
      case "health":
        return { kind: "text", status: 200, text: "ok" };
      case "openapi-v2":
        return answerOpenApiV2(store.registry, request.accept);
      case "openapi-v3":
        return answerOpenApiV3Index(store.registry);
      case "openapi-v3-document":
        return answerOpenApiV3Document(store.registry, route.path, query.get("hash"), request.accept);
      case "core-versions":
        return json(coreVersions(context.serverAddress()));
      case "groups":
        return json(groupList(store.registry));
      case "group": {
        const doc = groupInfo(store.registry, route.group);
        if (!doc) throw resourceNotFound();
        return json(doc);
      }
      case "resources": {
        const doc = resourceList(store.registry, route.group, route.version);
        if (!doc) throw resourceNotFound();
        return json(doc);
      }
      case "collection":
      case "object": {
        const resolved = store.resolve(route.group, route.version, route.plural);
        if (watch) {
          if (method !== "GET") throw resourceNotFound();
          if (!resolved.info.namespaced && route.namespace !== undefined) throw resourceNotFound();
          const watchRequest = watchRequestOf(query, route.namespace);
          const byName = route.kind === "object" ? `metadata.name=${route.name}` : undefined;
          const fieldSelector = [watchRequest.fieldSelector, byName].filter((s) => s).join(",") || undefined;
          return { kind: "watch", handle: context.serving.watch(resolved, { ...watchRequest, fieldSelector }, watchSink()) };
        }
        const contentType = request.contentType ?? "application/json";
        const subresource = route.kind === "object" ? route.subresource : undefined;
        if ((method === "POST" || method === "PUT" || method === "PATCH") && (subresource === undefined || subresource === "status")) {
          checkUnknownFields(store, {
            method,
            res: resolved,
            namespace: route.namespace,
            name: route.kind === "object" ? route.name : undefined,
            query,
            contentType,
            body: decodeBody(request.body, contentType),
          });
        }
        const call: ResourceCall = {
          method,
          res: resolved,
          namespace: route.namespace,
          name: route.kind === "object" ? route.name : undefined,
          subresource,
          query,
          contentType,
          body: request.body,
          manager: query.get("fieldManager") || managerOf(request.userAgent),
        };
        const reply = await handleResource(context.serving, call, { warnings });
        return { kind: "json", status: reply.status, body: reply.body, headers: warningHeaders(warnings) };
      }
      case "unknown":
        throw resourceNotFound();
      default: {
        const never: never = route;
        throw new Error(`unknown route ${JSON.stringify(never)}`);
      }
    }
  } catch (e) {
    const answer = statusAnswer(e instanceof StatusError ? e.status : internalError(e instanceof Error ? e.message : String(e)).status);
    return warnings.length > 0 && answer.kind === "json" ? { ...answer, headers: { ...answer.headers, ...warningHeaders(warnings) } } : answer;
  }
}

/** The field manager of a request without `fieldManager`: the User-Agent up to its first "/". */
function managerOf(userAgent: string | undefined): string {
  return (userAgent ?? "").split("/")[0] || "unknown";
}

/** `Warning` headers for the warnings of admission webhooks, as the API server sends them (`299 - "text"`). */
function warningHeaders(warnings: readonly string[]): Record<string, string | readonly string[]> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, " "))}`) };
}
