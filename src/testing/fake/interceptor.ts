import type { ListPage, ListPageOptions, WatchRequestOptions, WatchStream } from "../../runtime/client/api-client.js";
import type { Client, DeleteAllOfOptions, DeleteOptions, ListOptions, ObjectKey, PatchOptions, RequestOptions, WriteOptions } from "../../runtime/client/types.js";
import type { KubernetesObject, Resource } from "../../runtime/resource.js";

/** A client that can also watch, as the fake client can: what interceptor hooks get to delegate to. */
export interface WatchingClient extends Client {
  watch<T extends KubernetesObject>(resource: Resource<T>, options?: WatchRequestOptions): Promise<WatchStream<T>>;
}

/**
 * Per-call hooks, as controller-runtime's `interceptor.Funcs`: each replaces one method of a
 * client. A hook gets the client it wraps (first) and the call's arguments; it can throw (or
 * reject) to inject an error, answer on its own, or delegate by calling the same method of
 * `client`. Methods without a hook go to the wrapped client. The status writes have their own
 * hooks (`updateStatus`, `patchStatus`), as `SubResourceUpdate` and `SubResourcePatch`.
 * @example
 * ```ts
 * let failures = 1;
 * const client = fakeClient({
 *   interceptor: {
 *     update(client, resource, object, options) {
 *       if (resource === WidgetResource && failures-- > 0) {
 *         throw new ApiError(409, { reason: "Conflict", code: 409, message: "the object has been modified" }, "PUT", "/apis/...");
 *       }
 *       return client.update(resource, object, options);
 *     },
 *   },
 * });
 * ```
 */
export interface InterceptorFuncs {
  readonly get?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, key: ObjectKey, options: RequestOptions | undefined) => Promise<T> | T;
  readonly list?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, options: ListOptions | undefined) => Promise<T[]> | T[];
  readonly listPage?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, options: ListPageOptions | undefined) => Promise<ListPage<T>> | ListPage<T>;
  readonly create?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, object: T, options: WriteOptions | undefined) => Promise<T> | T;
  readonly update?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, object: T, options: WriteOptions | undefined) => Promise<T> | T;
  readonly patch?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, key: ObjectKey, patch: unknown, options: PatchOptions) => Promise<T> | T;
  readonly delete?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, key: ObjectKey, options: DeleteOptions | undefined) => Promise<void> | void;
  readonly deleteAllOf?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, options: DeleteAllOfOptions | undefined) => Promise<void> | void;
  readonly updateStatus?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, object: T, options: WriteOptions | undefined) => Promise<T> | T;
  readonly patchStatus?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, key: ObjectKey, patch: unknown, options: PatchOptions) => Promise<T> | T;
  readonly watch?: <T extends KubernetesObject>(client: WatchingClient, resource: Resource<T>, options: WatchRequestOptions | undefined) => Promise<WatchStream<T>> | WatchStream<T>;
}

/** Runs a hook as a method: a synchronous throw becomes a rejection, as for the real call. */
const run = async <R>(fn: () => Promise<R> | R): Promise<R> => await fn();

/**
 * Wraps `client` so that each call with a hook in `funcs` goes to the hook (controller-runtime's
 * `interceptor.NewClient`). The hooks get `client` itself, unwrapped, to delegate to. Other
 * members of `client` (such as the fake client's `store`) are kept.
 */
export function interceptClient<C extends WatchingClient>(client: C, funcs: InterceptorFuncs): C {
  const wrapped: WatchingClient = {
    get: (resource, key, options) => (funcs.get ? run(() => funcs.get!(client, resource, key, options)) : client.get(resource, key, options)),
    list: (resource, options) => (funcs.list ? run(() => funcs.list!(client, resource, options)) : client.list(resource, options)),
    listPage: (resource, options) => (funcs.listPage ? run(() => funcs.listPage!(client, resource, options)) : client.listPage(resource, options)),
    create: (resource, object, options) => (funcs.create ? run(() => funcs.create!(client, resource, object, options)) : client.create(resource, object, options)),
    update: (resource, object, options) => (funcs.update ? run(() => funcs.update!(client, resource, object, options)) : client.update(resource, object, options)),
    patch: (resource, key, patch, options) => (funcs.patch ? run(() => funcs.patch!(client, resource, key, patch, options)) : client.patch(resource, key, patch, options)),
    delete: (resource, key, options) => (funcs.delete ? run(() => funcs.delete!(client, resource, key, options)) : client.delete(resource, key, options)),
    deleteAllOf: (resource, options) => (funcs.deleteAllOf ? run(() => funcs.deleteAllOf!(client, resource, options)) : client.deleteAllOf(resource, options)),
    updateStatus: (resource, object, options) =>
      funcs.updateStatus ? run(() => funcs.updateStatus!(client, resource, object, options)) : client.updateStatus(resource, object, options),
    patchStatus: (resource, key, patch, options) =>
      funcs.patchStatus ? run(() => funcs.patchStatus!(client, resource, key, patch, options)) : client.patchStatus(resource, key, patch, options),
    watch: (resource, options) => (funcs.watch ? run(() => funcs.watch!(client, resource, options)) : client.watch(resource, options)),
  };
  // A proxy, so that the client's other members (getters, private fields) keep working on it.
  return new Proxy(client, {
    get(target, property) {
      if (typeof property === "string" && Object.hasOwn(wrapped, property)) return wrapped[property as keyof WatchingClient];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
