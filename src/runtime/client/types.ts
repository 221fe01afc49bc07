import type { KubernetesObject, Resource } from "../resource.js";
import type { ListPage, ListPageOptions } from "./api-client.js";

/** Names an object: namespace (for namespaced resources) and name. */
export interface ObjectKey {
  readonly namespace?: string | undefined;
  readonly name: string;
}

/**
 * Cancellation of one call, as a Go client's context: every {@link Client} method takes
 * these in its options. Reads served by a cache ignore them (they do not wait on the server).
 */
export interface RequestOptions {
  /** Aborting cancels the call: it rejects with the signal's reason (an `AbortError` by default). */
  readonly signal?: AbortSignal | undefined;
  /** Time allowed for each request to the API server, in ms (default the transport's, 60 s). */
  readonly timeoutMs?: number | undefined;
}

/** Which objects a list returns. */
export interface ListOptions {
  /** Only this namespace; all namespaces when omitted. */
  readonly namespace?: string | undefined;
  /** `app=web,tier!=db` or `{ app: "web" }` (equality on every pair). */
  readonly labelSelector?: string | Readonly<Record<string, string>> | undefined;
  /** `metadata.name=x`, `status.phase!=Running`, ... */
  readonly fieldSelector?: string | undefined;
}

/** Patch formats: JSON merge patch, RFC 6902 JSON patch, server-side apply, strategic merge. */
export type PatchType = "merge" | "json" | "apply" | "strategic";

export interface WriteOptions extends RequestOptions {
  /** The field manager recorded in managedFields (server-side apply needs one). */
  readonly fieldManager?: string | undefined;
  readonly dryRun?: boolean | undefined;
}

export interface PatchOptions extends WriteOptions {
  readonly type: PatchType;
  /** Server-side apply only: take ownership of fields other managers own. */
  readonly force?: boolean | undefined;
}

export interface DeleteOptions extends RequestOptions {
  readonly propagationPolicy?: "Foreground" | "Background" | "Orphan" | undefined;
  readonly gracePeriodSeconds?: number | undefined;
  /** Delete only if the object still has this resourceVersion. */
  readonly resourceVersion?: string | undefined;
}

/**
 * What {@link Client.deleteAllOf} takes: which objects (a namespace, label and field
 * selectors, as a list), and how each is deleted. Without a namespace a namespaced kind is
 * refused (405), as the API server serves a collection DELETE only in one namespace.
 */
export interface DeleteAllOfOptions extends ListOptions, RequestOptions {
  readonly propagationPolicy?: "Foreground" | "Background" | "Orphan" | undefined;
  readonly gracePeriodSeconds?: number | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * Reads and writes Kubernetes objects. In a manager, reads of watched kinds come from the
 * informer cache; writes go to the API server. Errors are {@link ApiError}s: test them with
 * `isNotFound`, `isConflict`, `isAlreadyExists`.
 */
export interface Client {
  get<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, options?: RequestOptions): Promise<T>;
  list<T extends KubernetesObject>(resource: Resource<T>, options?: ListOptions & RequestOptions): Promise<T[]>;
  create<T extends KubernetesObject>(resource: Resource<T>, object: T, options?: WriteOptions): Promise<T>;
  /** Replaces the object; its metadata.resourceVersion guards against lost updates (409). */
  update<T extends KubernetesObject>(resource: Resource<T>, object: T, options?: WriteOptions): Promise<T>;
  patch<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, options: PatchOptions): Promise<T>;
  delete<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, options?: DeleteOptions): Promise<void>;
  /** Replaces only the status, through the status subresource. */
  updateStatus<T extends KubernetesObject>(resource: Resource<T>, object: T, options?: WriteOptions): Promise<T>;
  patchStatus<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, options: PatchOptions): Promise<T>;
  /**
   * Deletes every object that a list with these options would return, in one request (a
   * DELETE on the collection), as controller-runtime's `DeleteAllOf`. Objects with finalizers
   * are marked for deletion (`deletionTimestamp`) and stay until the finalizers are removed.
   * @example
   * ```ts
   * await client.deleteAllOf(ConfigMap, { namespace: "default", labelSelector: { app: "web" } });
   * ```
   */
  deleteAllOf<T extends KubernetesObject>(resource: Resource<T>, options?: DeleteAllOfOptions): Promise<void>;
  /**
   * One page of a list: at most `limit` items and, when more remain, a `continue` token to
   * pass back for the next page (the API server's chunked list). `list` reads every page.
   * @example
   * ```ts
   * let page = await client.listPage(Pod, { namespace: "default", limit: 100 });
   * for (;;) {
   *   handle(page.items);
   *   if (!page.continue) break;
   *   page = await client.listPage(Pod, { namespace: "default", limit: 100, continue: page.continue });
   * }
   * ```
   */
  listPage<T extends KubernetesObject>(resource: Resource<T>, options?: ListPageOptions): Promise<ListPage<T>>;
}

