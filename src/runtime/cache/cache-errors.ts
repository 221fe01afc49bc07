import type { Resource } from "../resource.js";

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
