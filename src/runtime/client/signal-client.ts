import type { Client, RequestOptions } from "./types.js";

/**
 * `client` with `signal` added to every call: a call that names its own signal is cancelled
 * by either. The manager hands reconcilers their client bound to the reconcile's signal, so
 * a reconcile's requests end when the manager stops or loses leadership, as a Go client's
 * requests end with their context, without the reconciler passing `ctx.signal` to each call.
 * @example
 * ```ts
 * const client = withSignal(mgr.apiReader, AbortSignal.timeout(5_000));
 * await client.get(ConfigMap, { namespace: "default", name: "settings" }); // at most 5 s
 * ```
 */
export function withSignal(client: Client, signal: AbortSignal): Client {
  const bind = <O extends RequestOptions>(options: O | undefined): O => {
    const own = options?.signal;
    return { ...(options as O), signal: own && own !== signal ? AbortSignal.any([signal, own]) : signal };
  };
  return {
    get: (resource, key, options) => client.get(resource, key, bind(options)),
    list: (resource, options) => client.list(resource, bind(options)),
    listPage: (resource, options) => client.listPage(resource, bind(options)),
    create: (resource, object, options) => client.create(resource, object, bind(options)),
    update: (resource, object, options) => client.update(resource, object, bind(options)),
    updateStatus: (resource, object, options) => client.updateStatus(resource, object, bind(options)),
    patch: (resource, key, patch, options) => client.patch(resource, key, patch, bind(options)),
    patchStatus: (resource, key, patch, options) => client.patchStatus(resource, key, patch, bind(options)),
    delete: (resource, key, options) => client.delete(resource, key, bind(options)),
    deleteAllOf: (resource, options) => client.deleteAllOf(resource, bind(options)),
  };
}
