import { abortError } from "../../runtime/client/transport-error.js";
import type { Client, DeleteOptions, ListOptions, ObjectKey, PatchOptions, RequestOptions, WriteOptions } from "../../runtime/client/types.js";
import { ApiError } from "../../runtime/errors.js";
import { resourcePath, type KubernetesObject, type Resource } from "../../runtime/resource.js";
import { buildStore, type StoreSetup } from "../env/build-store.js";
import type { JsonObject } from "../store/json.js";
import type { ResolvedResource } from "../store/kind-info.js";
import type { ObjectStore } from "../store/object-store.js";
import { StatusError } from "../store/status-error.js";

/** What {@link fakeClient} takes: a starting state, and the field manager of its writes. */
export interface FakeClientOptions extends StoreSetup {
  /** The field manager of writes that name none (default "kubebuilder-ts", as the runtime's HTTP client's User-Agent gives). */
  readonly fieldManager?: string | undefined;
  /** Share a store (e.g. a test server's) instead of building one; the setup options are then ignored. */
  readonly store?: ObjectStore | undefined;
}

/** A {@link Client} over an in-memory store; `store` is there to inspect or to share. */
export interface FakeClient extends Client {
  readonly store: ObjectStore;
}

const DEFAULT_MANAGER = "kubebuilder-ts";

function namespaceFor(resource: Resource, namespace: string | undefined, verb: string, name: string | undefined): string | undefined {
  if (!resource.namespaced) return undefined;
  if (!namespace) throw new TypeError(`${verb} ${resource.kind}${name ? ` "${name}"` : ""}: ${resource.kind} is namespaced, so a namespace is required`);
  return namespace;
}

function keyOf(resource: Resource, key: ObjectKey, verb: string): { namespace: string | undefined; name: string } {
  if (!key.name) throw new TypeError(`${verb} ${resource.kind}: a name is required`);
  return { namespace: namespaceFor(resource, key.namespace, verb, key.name), name: key.name };
}

function withTypeMeta<T extends KubernetesObject>(object: JsonObject, resource: Resource): T {
  if (!object["apiVersion"]) object["apiVersion"] = resource.apiVersion;
  if (!object["kind"]) object["kind"] = resource.kind;
  return object as unknown as T;
}

/**
 * A fake {@link Client} for plain unit tests of a reconciler: the test server's semantics
 * (resourceVersion and 409 conflicts, generation, the status subresource, finalizers,
 * garbage collection, selectors, patches, server-side apply, CRD schema validation) in
 * memory, with no HTTP. Errors are the same {@link ApiError}s, with the same Status bodies,
 * that the runtime's HTTP client gets from the test server.
 * @example
 * ```ts
 * const client = fakeClient({ crdDirectoryPaths: ["config/crd/bases"], objects: [myWidget] });
 * await reconciler.reconcile({ namespace: "default", name: "w" }, { client, log, signal });
 * const cm = await client.get(ConfigMap, { namespace: "default", name: "w-config" });
 * ```
 */
export function fakeClient(options: FakeClientOptions = {}): FakeClient {
  const store = options.store ?? buildStore(options);
  const defaultManager = options.fieldManager ?? DEFAULT_MANAGER;
  const manager = (o?: WriteOptions): string => o?.fieldManager ?? defaultManager;
  const resolve = (resource: Resource): ResolvedResource => store.resolve(resource.group, resource.version, resource.plural);
  // Calls answer at once, so only an already-aborted signal has anything to cancel.
  const call = <R>(method: string, path: string, fn: () => R, signal?: AbortSignal): Promise<R> => {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    try {
      return Promise.resolve(fn());
    } catch (e) {
      if (e instanceof StatusError) return Promise.reject(new ApiError(e.code, e.status, method, path));
      return Promise.reject(e);
    }
  };

  return {
    store,
    async get<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, opts: RequestOptions = {}): Promise<T> {
      const { namespace, name } = keyOf(resource, key, "get");
      return call("GET", resourcePath(resource, { namespace, name }), () => withTypeMeta<T>(store.get(resolve(resource), namespace, name), resource), opts.signal);
    },
    async list<T extends KubernetesObject>(resource: Resource<T>, opts: ListOptions & RequestOptions = {}): Promise<T[]> {
      const path = resourcePath(resource, { namespace: opts.namespace });
      return call("GET", path, () =>
        store
          .list(resolve(resource), { namespace: opts.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector })
          .items.map((i) => withTypeMeta<T>(i, resource)),
        opts.signal,
      );
    },
    async create<T extends KubernetesObject>(resource: Resource<T>, object: T, opts: WriteOptions = {}): Promise<T> {
      const namespace = namespaceFor(resource, object.metadata?.namespace, "create", object.metadata?.name);
      const body = { ...object, apiVersion: object.apiVersion ?? resource.apiVersion, kind: object.kind ?? resource.kind };
      return call("POST", resourcePath(resource, { namespace }), () =>
        withTypeMeta<T>(store.create(resolve(resource), namespace, body, { manager: manager(opts), dryRun: opts.dryRun }), resource),
        opts.signal,
      );
    },
    async update<T extends KubernetesObject>(resource: Resource<T>, object: T, opts: WriteOptions = {}): Promise<T> {
      return put(resource, object, opts, undefined, "update");
    },
    async updateStatus<T extends KubernetesObject>(resource: Resource<T>, object: T, opts: WriteOptions = {}): Promise<T> {
      return put(resource, object, opts, "status", "updateStatus");
    },
    async patch<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, opts: PatchOptions): Promise<T> {
      return patchWith(resource, key, patch, opts, undefined, "patch");
    },
    async patchStatus<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, patch: unknown, opts: PatchOptions): Promise<T> {
      return patchWith(resource, key, patch, opts, "status", "patchStatus");
    },
    async delete<T extends KubernetesObject>(resource: Resource<T>, key: ObjectKey, opts: DeleteOptions = {}): Promise<void> {
      const { namespace, name } = keyOf(resource, key, "delete");
      return call("DELETE", resourcePath(resource, { namespace, name }), () => {
        store.delete(resolve(resource), namespace, name, {
          propagationPolicy: opts.propagationPolicy,
          preconditions: opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : undefined,
        });
      }, opts.signal);
    },
  };

  async function put<T extends KubernetesObject>(resource: Resource<T>, object: T, opts: WriteOptions, subresource: "status" | undefined, verb: string): Promise<T> {
    const { namespace, name } = keyOf(resource, { namespace: object.metadata?.namespace, name: object.metadata?.name ?? "" }, verb);
    const body = { ...object, apiVersion: object.apiVersion ?? resource.apiVersion, kind: object.kind ?? resource.kind };
    return call("PUT", resourcePath(resource, { namespace, name, subresource }), () =>
      withTypeMeta<T>(store.update(resolve(resource), namespace, name, body, { manager: manager(opts), dryRun: opts.dryRun, subresource }), resource),
      opts.signal,
    );
  }

  async function patchWith<T extends KubernetesObject>(
    resource: Resource<T>,
    key: ObjectKey,
    patch: unknown,
    opts: PatchOptions,
    subresource: "status" | undefined,
    verb: string,
  ): Promise<T> {
    const { namespace, name } = keyOf(resource, key, verb);
    let body = patch;
    const fieldManager = opts.fieldManager ?? options.fieldManager;
    if (opts.type === "apply") {
      if (!fieldManager) throw new TypeError(`${verb} ${resource.kind} "${name}": server-side apply needs a field manager (options.fieldManager)`);
      if (typeof patch === "object" && patch !== null && !Array.isArray(patch)) {
        const p = patch as KubernetesObject;
        body = {
          ...p,
          apiVersion: p.apiVersion ?? resource.apiVersion,
          kind: p.kind ?? resource.kind,
          metadata: { ...(p.metadata ?? {}), name: p.metadata?.name ?? name, ...(resource.namespaced && !p.metadata?.namespace ? { namespace } : {}) },
        };
      }
    } else if (opts.type === "json" && !Array.isArray(patch)) {
      throw new TypeError(`${verb} ${resource.kind} "${name}": a JSON patch is an array of operations ({ op, path, value })`);
    }
    return call("PATCH", resourcePath(resource, { namespace, name, subresource }), () =>
      withTypeMeta<T>(
        store.patch(resolve(resource), namespace, name, {
          type: opts.type,
          patch: body,
          manager: opts.type === "apply" ? (fieldManager ?? "") : manager(opts),
          force: opts.force,
          dryRun: opts.dryRun,
          subresource,
        }).object,
        resource,
      ),
      opts.signal,
    );
  }
}
