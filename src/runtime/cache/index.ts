// The cache module: shared informers, their stores and the cached client. Named exports only.
export {
  CacheNotSyncedError,
  CacheSyncTimeoutError,
  describeUnsynced,
  groupVersionKind,
  isKindNotServed,
  ResourceNotCachedError,
} from "./cache-errors.js";
export { CachedClient, type CachedClientOptions } from "./cached-client.js";
export { parseFieldSelector, readField, type FieldRequirement, type FieldSelector } from "./field-selector.js";
export { InformerCache, type InformerCacheOptions, type InformerScope } from "./informer-cache.js";
export { parseLabelSelector, type LabelRequirement, type LabelSelector } from "./label-selector.js";
export { deepCopy, deepFreeze, stripManagedFields } from "./object-copy.js";
export { ObjectStore, objectKey, type IndexFunc, type ReplaceDiff, type StoreReader } from "./object-store.js";
export { ResourceInformer } from "./resource-informer.js";
export { selectObjects } from "./select-objects.js";
export {
  SharedInformer,
  type AddInfo,
  type DeleteInfo,
  type InformerEventHandler,
  type SharedInformerOptions,
  type UpdateInfo,
} from "./shared-informer.js";
export { waitForSyncWithin, type WaitForSyncOptions } from "./wait-for-sync.js";
