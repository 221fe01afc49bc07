import type { ListPage } from "../client/api-client.js";
import type { KubernetesObject, Resource } from "../resource.js";

/** What {@link cachePage} takes: the page size and where to continue from. */
export interface CachePageRequest {
  /** At most this many items; all when unset or 0. */
  readonly limit?: number | undefined;
  /** A token of an earlier page of the same resource from the same reader. */
  readonly continue?: string | undefined;
}

const keyOf = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/** The prefix that tells a cache's continue token from the API server's (base64url JSON). */
const TOKEN_PREFIX = "cache:";

/**
 * One page of objects held in memory (the informer cache, the fake client's index reads), in
 * namespace/name order as the API server pages: the items after the token's key, at most
 * `limit`, and a token when more remain. The token names the resource and the last key, so a
 * later page shows the objects as they are then: one added or removed between pages shows up
 * or goes missing, as when an API server's continue token has expired (there is no snapshot
 * to page through). A token of the API server, or of another resource, is an error.
 */
export function cachePage<T extends KubernetesObject>(
  resource: Resource<T>,
  objects: readonly T[],
  request: CachePageRequest,
  resourceVersion: string,
): ListPage<T> {
  let after: string | undefined;
  if (request.continue) after = decodeToken(resource, request.continue);
  const sorted = [...objects].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((o) => keyOf(o) > after);
  const limit = request.limit ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError(`list ${resource.kind}: limit must be a whole number >= 0, got ${limit}`);
  if (limit === 0 || rest.length <= limit) return { items: rest, resourceVersion };
  const items = rest.slice(0, limit);
  const last = keyOf(items[items.length - 1]!);
  return { items, resourceVersion, continue: TOKEN_PREFIX + Buffer.from(JSON.stringify({ r: resource.key, k: last }), "utf8").toString("base64url") };
}

function decodeToken(resource: Resource, token: string): string {
  const refuse = (): never => {
    throw new Error(
      `list ${resource.kind}: continue token "${token.length > 40 ? `${token.slice(0, 40)}...` : token}" was not made by this reader for ${resource.kind} (${resource.apiVersion}); ` +
        "pass the token of this reader's previous page (a token of the API server pages only through the API reader, mgr.apiReader)",
    );
  };
  if (!token.startsWith(TOKEN_PREFIX)) return refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"));
  } catch {
    return refuse();
  }
  const p = parsed as { r?: unknown; k?: unknown };
  if (typeof parsed !== "object" || parsed === null || p.r !== resource.key || typeof p.k !== "string") return refuse();
  return p.k;
}
