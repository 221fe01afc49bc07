import { ApiError } from "../errors.js";
import type { Resource } from "../resource.js";
import { WatcherError } from "../watch/watcher-event.js";

/**
 * A cached read of a resource (or namespace) the cache does not watch. The cache never
 * starts an informer on a read (controller-runtime does, which then needs list/watch RBAC and
 * can hang); watch the resource first, or read through the direct API reader.
 */
export class ResourceNotCachedError extends Error {
  readonly code = "ResourceNotCached";
  constructor(
    readonly resource: Resource,
    detail?: string,
  ) {
    super(
      `${resource.kind} (${resource.apiVersion})${detail ? ` ${detail}` : ""} is not watched by the cache: ` +
        `watch it first (a controller's for/owns/watches, or cache.informerFor(${resource.kind})), ` +
        `or read it with the uncached client (mgr.apiReader)`,
    );
    this.name = "ResourceNotCachedError";
  }
}

/** A cached read that waited for the resource's first list in vain. */
export class CacheNotSyncedError extends Error {
  readonly code = "CacheNotSynced";
  constructor(
    readonly resource: Resource,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the cache of ${resource.kind} (${resource.apiVersion}) has not synced: ${reason}`, options);
    this.name = "CacheNotSyncedError";
  }
}

/**
 * Whether a watcher failure says its kind is not served: the list answered 404. The API server
 * answers a list so only for a resource it does not know (an empty or missing namespace lists
 * as empty), which for a custom resource means its CRD is not installed (or not established).
 */
export function isKindNotServed(error: unknown): boolean {
  return error instanceof WatcherError && error.phase === "list" && error.cause instanceof ApiError && error.cause.statusCode === 404;
}

/** The group, version and kind of a resource as Go prints a GroupVersionKind: `example.com/v1, Kind=Greeting`. */
export function groupVersionKind(resource: Resource): string {
  return `${resource.group ? `${resource.group}/` : ""}${resource.version}, Kind=${resource.kind}`;
}

/**
 * Why a resource's informers have not synced, for logs and errors: a kind the API server does
 * not serve is named as such (its CRD seems not installed), another failure is quoted, and
 * with none the first list simply has not completed.
 */
export function describeUnsynced(resource: Resource, lastError: Error | undefined): string {
  const what = `${resource.kind} (${resource.apiVersion})`;
  if (isKindNotServed(lastError)) {
    return `${what} is not served by the API server: its list answers 404 NotFound, so its CRD seems not installed (install it, or check the group and version)`;
  }
  if (lastError) return `${what} still fails to list and watch: ${lastError.message}`;
  return `${what} has no complete first list yet`;
}

/**
 * A controller's caches did not sync within its `cacheSyncTimeout` (controller-runtime's
 * "timed out waiting for cache to be synced"): the manager's start fails with it.
 */
export class CacheSyncTimeoutError extends Error {
  readonly code = "CacheSyncTimeout";
  constructor(
    /** The controller's name. */
    readonly controller: string,
    /** The resources that had not synced. */
    readonly resources: readonly Resource[],
    readonly timeoutMs: number,
    /** Why each had not, in the order of `resources` (see {@link describeUnsynced}). */
    readonly reasons: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      `controller ${controller}: caches did not sync within ${timeoutMs} ms (cacheSyncTimeout): ${reasons.join("; ")}`,
      options,
    );
    this.name = "CacheSyncTimeoutError";
  }
}
