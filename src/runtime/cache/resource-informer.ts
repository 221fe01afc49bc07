import type { KubernetesObject, Resource } from "../resource.js";
import type { IndexFunc } from "./object-store.js";
import type { InformerEventHandler, SharedInformer } from "./shared-informer.js";

/**
 * The cache's informers for one resource: one {@link SharedInformer}, or one per namespace
 * when the cache is limited to several namespaces. Handlers and indexes apply to all.
 */
export class ResourceInformer<T extends KubernetesObject = KubernetesObject> {
  constructor(
    readonly resource: Resource<T>,
    /** The namespace each informer covers (undefined: all), with the informer. */
    readonly informers: readonly { readonly namespace: string | undefined; readonly informer: SharedInformer<T> }[],
  ) {}

  /** Adds a handler to every informer; returns a function removing it. */
  addEventHandler(handler: InformerEventHandler<T>): () => void {
    const removers = this.informers.map(({ informer }) => informer.addEventHandler(handler));
    return () => removers.forEach((remove) => remove());
  }

  /** True once every informer has listed. */
  hasSynced(): boolean {
    return this.informers.every(({ informer }) => informer.hasSynced());
  }

  /** The last failure one of the informers recovered from (see {@link SharedInformer.lastError}). */
  get lastError(): Error | undefined {
    return this.informers.find(({ informer }) => informer.lastError)?.informer.lastError;
  }

  /** Resolves true once every informer has synced; false if `signal` aborts or one stops first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all(this.informers.map(({ informer }) => informer.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Adds an index to every informer. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    for (const { informer } of this.informers) if (!informer.store.hasIndex(name)) informer.addIndex(name, fn);
  }

  /** The informers that hold objects of `namespace` (all of them for undefined), or undefined if none covers it. */
  informersFor(namespace: string | undefined): SharedInformer<T>[] | undefined {
    if (!this.resource.namespaced || namespace === undefined) return this.informers.map((i) => i.informer);
    const covering = this.informers.find((i) => i.namespace === undefined || i.namespace === namespace);
    return covering ? [covering.informer] : undefined;
  }

  /** The namespaces covered, for messages: "all namespaces" or "namespaces a, b". */
  describeNamespaces(): string {
    if (this.informers.some((i) => i.namespace === undefined)) return "all namespaces";
    return `namespaces ${this.informers.map((i) => i.namespace).join(", ")}`;
  }
}
