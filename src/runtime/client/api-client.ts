import { parseFieldSelector } from "../cache/field-selector.js";
import { isGone } from "../errors.js";
import { resourcePath, type KubernetesObject, type Resource } from "../resource.js";
import { formatLabelSelector, patchContentType } from "./query.js";
import type { Query, Transport } from "./transport.js";
import type { Client, DeleteAllOfOptions, DeleteOptions, ListOptions, ObjectKey, PatchOptions, RequestOptions, WriteOptions } from "./types.js";
import { toRawWatchEvent, type RawWatchEvent } from "./watch-event.js";

/** One page of a list, with what is needed to ask for the next and to watch from it. */
export interface ListPage<T extends KubernetesObject> {
  readonly items: T[];
  /** The list's resourceVersion: watch from here. */
  readonly resourceVersion: string;
  /** Pass back as `continue` for the next page; absent on the last. */
  readonly continue?: string | undefined;
}

/** What {@link ApiClient.listPage} takes, besides the {@link ListOptions}. */
export interface ListPageOptions extends ListOptions, RequestOptions {
  readonly limit?: number | undefined;
  readonly continue?: string | undefined;
  /** Unset: the most recent state (a consistent read). "0": any cached state. */
  readonly resourceVersion?: string | undefined;
  readonly resourceVersionMatch?: "NotOlderThan" | "Exact" | undefined;
}

/** What {@link ApiClient.watch} takes, besides the {@link ListOptions}. */
export interface WatchRequestOptions extends ListOptions {
  /** Where to start: events after this version. */
  readonly resourceVersion?: string | undefined;
  /** Ask the server for BOOKMARK events (default true). */
  readonly allowWatchBookmarks?: boolean | undefined;
  /** The server ends the watch after this long. */
  readonly timeoutSeconds?: number | undefined;
  /** Client-side: silence longer than this kills the connection. */
  readonly readTimeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A started watch: its events, and a way to close it. */
export interface WatchStream<T extends KubernetesObject> extends AsyncIterable<RawWatchEvent<T>> {
  close(): void;
}

/** What {@link ApiClient} takes. */
export interface ApiClientOptions {
  /** The field manager of writes that name none (server-side apply needs one). */
  readonly fieldManager?: string | undefined;
  /** Page size of {@link ApiClient.list} (default 500). */
  readonly listPageSize?: number | undefined;
}

/**
 * A {@link Client} that talks to the API server directly: every read is a request. In a
 * manager this is `mgr.apiReader`; `mgr.client` reads from the cache instead.
 *
 * Patches: `merge` sends `application/merge-patch+json`, `json` (RFC 6902)
 * `application/json-patch+json`, `strategic` `application/strategic-merge-patch+json`
 * (built-in kinds only), and `apply` (server-side apply) `application/apply-patch+yaml` with
 * `fieldManager` and `force` as query parameters.
 *
 * @example
 * ```ts
 * const client = new ApiClient(new HttpTransport({ kubeConfig }), { fieldManager: "my-operator" });
 * const cm = await client.get(ConfigMap, { namespace: "default", name: "settings" });
 * await client.patch(ConfigMap, cm.metadata, { metadata: { labels: { seen: "yes" } } }, { type: "merge" });
 * ```
 */
export class ApiClient implements Client {
  readonly #transport: Transport;
  readonly #fieldManager: string | undefined;
  readonly #pageSize: number;

  constructor(transport: Transport, options: ApiClientOptions = {}) {
    this.#transport = transport;
    this.#fieldManager = options.fieldManager;
    this.#pageSize = options.listPageSize ?? 500;
  }

  /** The transport requests go through. */
  get transport(): Transport {
    return this.#transport;
  }

  async get<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, options: RequestOptions = {}): Promise<T> {
    const path = objectPath(resource, key, "get");
    return withTypeMeta(await this.#transport.request<T>({ method: "GET", path, ...cancellation(options) }), resource);
  }

  /**
   * Lists every matching object, page by page; restarts unpaged if a continue token expires.
   * `timeoutMs` bounds each page's request; `signal` the whole list.
   */
  async list<T extends KubernetesObject>(resource: Resource<T>, options: ListOptions & RequestOptions = {}): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    do {
      let page: ListPage<T>;
      try {
        page = await this.listPage(resource, { ...options, limit: this.#pageSize, continue: next });
      } catch (error) {
        if (next === undefined || !isGone(error)) throw error;
        return (await this.listPage(resource, options)).items;
      }
      for (const item of page.items) items.push(item);
      next = page.continue;
    } while (next);
    return items;
  }

  /** One page of a list; items get `apiVersion` and `kind`, which the server leaves out of list items. */
  async listPage<T extends KubernetesObject>(resource: Resource<T>, options: ListPageOptions = {}): Promise<ListPage<T>> {
    const path = resourcePath(resource, { namespace: listNamespace(resource, options) });
    const list = await this.#transport.request<{ items?: T[] | null; metadata?: { resourceVersion?: string; continue?: string } }>({
      method: "GET",
      path,
      ...cancellation(options),
      query: {
        ...selectorQuery(options),
        limit: options.limit,
        continue: options.continue,
        resourceVersion: options.resourceVersion,
        resourceVersionMatch: options.resourceVersionMatch,
      },
    });
    const items = list?.items ?? [];
    for (const item of items) withTypeMeta(item, resource);
    const cont = list?.metadata?.continue;
    return { items, resourceVersion: list?.metadata?.resourceVersion ?? "", continue: cont ? cont : undefined };
  }

  /**
   * Starts a watch. Rejects with an `ApiError` when the server refuses it (410 for an expired
   * resourceVersion); the stream then yields events until the server ends it, and throws a
   * `TransportError` when the connection breaks or stays silent longer than `readTimeoutMs`.
   */
  async watch<T extends KubernetesObject>(resource: Resource<T>, options: WatchRequestOptions = {}): Promise<WatchStream<T>> {
    const path = resourcePath(resource, { namespace: listNamespace(resource, options) });
    const stream = await this.#transport.stream({
      path,
      signal: options.signal,
      readTimeoutMs: options.readTimeoutMs,
      query: {
        watch: true,
        ...selectorQuery(options),
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: options.allowWatchBookmarks ?? true,
        timeoutSeconds: options.timeoutSeconds,
      },
    });
    async function* events(): AsyncGenerator<RawWatchEvent<T>> {
      for await (const value of stream) {
        const event = toRawWatchEvent<T>(value, path);
        if (event.type !== "ERROR" && event.type !== "BOOKMARK") withTypeMeta(event.object, resource);
        yield event;
      }
    }
    return { [Symbol.asyncIterator]: events, close: () => stream.close() };
  }

  async create<T extends KubernetesObject>(resource: Resource<T>, object: T, options: WriteOptions = {}): Promise<T> {
    const namespace = namespaceOf(resource, object.metadata?.namespace, "create", object.metadata?.name);
    const path = resourcePath(resource, { namespace });
    const body = withTypeMeta({ ...object }, resource);
    return withTypeMeta(await this.#transport.request<T>({ method: "POST", path, body, query: this.#writeQuery(options), ...cancellation(options) }), resource);
  }

  async update<T extends KubernetesObject>(resource: Resource<T>, object: T, options: WriteOptions = {}): Promise<T> {
    return await this.#put(resource, object, options, undefined, "update");
  }

  async updateStatus<T extends KubernetesObject>(resource: Resource<T>, object: T, options: WriteOptions = {}): Promise<T> {
    return await this.#put(resource, object, options, "status", "updateStatus");
  }

  async patch<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, options: PatchOptions): Promise<T> {
    return await this.#patch(resource, key, patch, options, undefined, "patch");
  }

  async patchStatus<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, options: PatchOptions): Promise<T> {
    return await this.#patch(resource, key, patch, options, "status", "patchStatus");
  }

  async delete<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, options: DeleteOptions = {}): Promise<void> {
    const path = objectPath(resource, key, "delete");
    const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
    if (options.propagationPolicy !== undefined) body["propagationPolicy"] = options.propagationPolicy;
    if (options.gracePeriodSeconds !== undefined) body["gracePeriodSeconds"] = options.gracePeriodSeconds;
    if (options.resourceVersion !== undefined) body["preconditions"] = { resourceVersion: options.resourceVersion };
    await this.#transport.request({ method: "DELETE", path, body, ...cancellation(options) });
  }

  async #put<T extends KubernetesObject>(
    resource: Resource<T>,
    object: T,
    options: WriteOptions,
    subresource: "status" | undefined,
    verb: string,
  ): Promise<T> {
    const name = object.metadata?.name;
    const path = objectPath(resource, { namespace: object.metadata?.namespace, name: name ?? "" }, verb, subresource);
    const body = withTypeMeta({ ...object }, resource);
    return withTypeMeta(await this.#transport.request<T>({ method: "PUT", path, body, query: this.#writeQuery(options), ...cancellation(options) }), resource);
  }

  async #patch<T extends KubernetesObject>(
    resource: Resource<T>,
    key: ObjectKey,
    patch: unknown,
    options: PatchOptions,
    subresource: "status" | undefined,
    verb: string,
  ): Promise<T> {
    const path = objectPath(resource, key, verb, subresource);
    const contentType = patchContentType(options.type);
    const fieldManager = options.fieldManager ?? this.#fieldManager;
    let body = patch;
    if (options.type === "apply") {
      if (!fieldManager) {
        throw new TypeError(`${verb} ${resource.kind} "${key.name}": server-side apply needs a field manager (options.fieldManager)`);
      }
      body = applyBody(patch, resource, key);
    } else if (options.type === "json" && !Array.isArray(patch)) {
      throw new TypeError(`${verb} ${resource.kind} "${key.name}": a JSON patch is an array of operations ({ op, path, value })`);
    }
    const query: Query = {
      ...this.#writeQuery({ ...options, fieldManager }),
      force: options.type === "apply" && options.force !== undefined ? options.force : undefined,
    };
    return withTypeMeta(await this.#transport.request<T>({ method: "PATCH", path, body, contentType, query, ...cancellation(options) }), resource);
  }

  #writeQuery(options: WriteOptions): Query {
    return { fieldManager: options.fieldManager ?? this.#fieldManager, dryRun: options.dryRun ? "All" : undefined };
  }

  /**
   * Deletes every selected object with one DELETE on the collection (`deletecollection`
   * RBAC). A namespaced kind needs a namespace: the API server serves no collection DELETE
   * across namespaces, and answers 405 MethodNotAllowed.
   */
  async deleteAllOf<T extends KubernetesObject>(resource: Resource<T>, options: DeleteAllOfOptions = {}): Promise<void> {
    const path = resourcePath(resource, { namespace: resource.namespaced ? options.namespace : undefined });
    const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
    if (options.propagationPolicy !== undefined) body["propagationPolicy"] = options.propagationPolicy;
    if (options.gracePeriodSeconds !== undefined) body["gracePeriodSeconds"] = options.gracePeriodSeconds;
    // In the body: with a body, the API server ignores DeleteOptions in the query.
    if (options.dryRun) body["dryRun"] = ["All"];
    await this.#transport.request({ method: "DELETE", path, body, query: selectorQuery(options), ...cancellation(options) });
  }
}

/** The signal and timeout of a call, for its transport request. */
function cancellation(options: RequestOptions): { signal: AbortSignal | undefined; timeoutMs: number | undefined } {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
}

function selectorQuery(options: ListOptions): Query {
  const fieldSelector = options.fieldSelector?.trim();
  return { labelSelector: formatLabelSelector(options.labelSelector), fieldSelector: fieldSelector ? fieldSelector : undefined };
}

/**
 * The namespace a list or watch goes to: the one asked for, else, for a namespaced resource,
 * the one a `metadata.namespace=<ns>` field selector term requires (the selector is sent
 * too), as controller-runtime's cache does. Besides needing only namespaced permissions, this
 * avoids a kube-apiserver fault: a paged list across namespaces with that selector gets a
 * first continue token that restarts the list, so its second page repeats the first.
 */
export function listNamespace(resource: Resource, options: ListOptions): string | undefined {
  if (options.namespace || !resource.namespaced || !options.fieldSelector) return options.namespace;
  let required: string[];
  try {
    required = parseFieldSelector(options.fieldSelector)
      .requirements.filter((r) => r.field === "metadata.namespace" && r.op === "=")
      .map((r) => r.value);
  } catch {
    return undefined; // the server says what is wrong with the selector
  }
  return required.length > 0 && required.every((ns) => ns === required[0]) && required[0] !== "" ? required[0] : undefined;
}

function namespaceOf(resource: Resource, namespace: string | undefined, verb: string, name: string | undefined): string | undefined {
  if (!resource.namespaced) return undefined;
  if (!namespace) {
    throw new TypeError(`${verb} ${resource.kind}${name ? ` "${name}"` : ""}: ${resource.kind} is namespaced, so a namespace is required`);
  }
  return namespace;
}

function objectPath(resource: Resource, key: ObjectKey, verb: string, subresource?: string): string {
  if (!key.name) throw new TypeError(`${verb} ${resource.kind}: a name is required`);
  const namespace = namespaceOf(resource, key.namespace, verb, key.name);
  return resourcePath(resource, { namespace, name: key.name, subresource });
}

/** Sets `apiVersion` and `kind` where the server left them out (list items), in place. */
export function withTypeMeta<T extends KubernetesObject>(object: T, resource: Resource): T {
  if (object && typeof object === "object") {
    if (!object.apiVersion) object.apiVersion = resource.apiVersion;
    if (!object.kind) object.kind = resource.kind;
  }
  return object;
}

function applyBody(patch: unknown, resource: Resource, key: ObjectKey): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const body = { ...(patch as KubernetesObject) };
  withTypeMeta(body, resource);
  const metadata = { ...(body.metadata ?? {}) };
  if (!metadata.name) metadata.name = key.name;
  if (resource.namespaced && !metadata.namespace && key.namespace) metadata.namespace = key.namespace;
  body.metadata = metadata;
  return body;
}
