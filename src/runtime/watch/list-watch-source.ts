import type { ApiClient, ListPage, WatchStream } from "../client/api-client.js";
import type { ListOptions } from "../client/types.js";
import type { KubernetesObject, Resource } from "../resource.js";

/** Which objects a watcher follows: a namespace (all when omitted) and selectors. */
export type WatchScope = ListOptions;

/** What the watcher asks of the API: one list page, or a watch from a resourceVersion. */
export interface ListWatchSource<T extends KubernetesObject> {
  /** A page of the list; the first page has no `continue` token. `limit` 0 means unpaged. */
  list(options: { readonly limit: number; readonly continue?: string | undefined; readonly signal: AbortSignal }): Promise<ListPage<T>>;
  /** A watch from `resourceVersion`, with bookmarks. */
  watch(options: {
    readonly resourceVersion: string;
    readonly timeoutSeconds: number;
    readonly readTimeoutMs: number;
    readonly signal: AbortSignal;
  }): Promise<WatchStream<T>>;
  /** For messages, e.g. "ConfigMap in namespace default". */
  readonly description: string;
}

/**
 * The list+watch of a resource in a scope, through an {@link ApiClient}. Lists read the most
 * recent state (no resourceVersion: a consistent read, paged with `limit`/`continue`);
 * watches ask for bookmarks.
 * @example
 * ```ts
 * const source = listWatchSource(apiClient, ConfigMap, { namespace: "default", labelSelector: { app: "web" } });
 * ```
 */
export function listWatchSource<T extends KubernetesObject>(
  client: ApiClient,
  resource: Resource<T>,
  scope: WatchScope = {},
): ListWatchSource<T> {
  const parts = [resource.kind];
  if (scope.namespace) parts.push(`in namespace ${scope.namespace}`);
  if (scope.labelSelector) parts.push(`with labels ${JSON.stringify(scope.labelSelector)}`);
  if (scope.fieldSelector) parts.push(`with fields ${scope.fieldSelector}`);
  return {
    description: parts.join(" "),
    list: ({ limit, continue: cont, signal }) =>
      client.listPage(resource, { ...scope, limit: limit > 0 ? limit : undefined, continue: cont, signal }),
    watch: ({ resourceVersion, timeoutSeconds, readTimeoutMs, signal }) =>
      client.watch(resource, { ...scope, resourceVersion, timeoutSeconds, readTimeoutMs, signal, allowWatchBookmarks: true }),
  };
}
