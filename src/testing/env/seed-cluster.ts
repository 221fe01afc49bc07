import type { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesObject } from "../../runtime/resource.js";
import { isAlreadyExists, isNotFound } from "../../runtime/errors.js";
import { HttpTransport } from "../../runtime/client/transport.js";
import { groupVersionPath, servedKind, servedResources, type ServedResource } from "./discovery.js";

const USER_AGENT = "kubebuilder-ts-testing";


/**
 * Creates `objects` on the cluster `kc` points at, as the in-process store seeds them:
 * CRDs first, then namespaces, then the rest; a namespace an object names is created when
 * missing; a given `status` is written through the status subresource where the kind has
 * one (a plain create drops it there). Returns the objects as stored.
 */
export async function createObjects(kc: KubeConfig, objects: readonly KubernetesObject[]): Promise<KubernetesObject[]> {
  const transport = new HttpTransport({ kubeConfig: kc, userAgent: USER_AGENT });
  const discovered = new Map<string, Promise<readonly ServedResource[]>>();
  const resourceOf = async (apiVersion: string, kind: string): Promise<{ base: string; resource: ServedResource }> => {
    let list = discovered.get(apiVersion);
    if (list === undefined) {
      list = servedResources(transport, apiVersion);
      discovered.set(apiVersion, list);
    }
    const resource = (await list).find((r) => r.kind === kind && !r.name.includes("/"));
    if (!resource) throw new Error(`the cluster does not serve ${kind} in ${apiVersion}`);
    return { base: groupVersionPath(apiVersion), resource };
  };
  const rank = (o: KubernetesObject): number => (o.kind === "CustomResourceDefinition" ? 0 : o.kind === "Namespace" ? 1 : 2);
  const ordered = [...objects].sort((a, b) => rank(a) - rank(b));
  const namespaces = new Set<string>();
  const out: KubernetesObject[] = [];
  try {
    for (const object of ordered) {
      if (!object.apiVersion || !object.kind) {
        throw new Error('an object to create needs apiVersion and kind, e.g. { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace } }');
      }
      const { base, resource } = await resourceOf(object.apiVersion, object.kind);
      const namespace = resource.namespaced ? (object.metadata?.namespace ?? "default") : undefined;
      if (namespace !== undefined && !namespaces.has(namespace)) {
        try {
          await transport.request({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } } });
        } catch (e) {
          if (!isAlreadyExists(e)) throw e;
        }
        namespaces.add(namespace);
      }
      const collection = `${base}${namespace !== undefined ? `/namespaces/${namespace}` : ""}/${resource.name}`;
      let created = await transport.request<KubernetesObject>({
        method: "POST",
        path: collection,
        body: { ...object, metadata: { ...object.metadata, ...(namespace !== undefined ? { namespace } : {}) } },
      });
      const status = (object as { status?: unknown }).status;
      if (status !== undefined) {
        try {
          created = await transport.request<KubernetesObject>({ method: "PUT", path: `${collection}/${created.metadata?.name ?? ""}/status`, body: { ...created, status } });
        } catch (e) {
          // No status subresource: the create kept the status already.
          if (!isNotFound(e)) throw e;
        }
      }
      out.push(created);
    }
  } finally {
    transport.close();
  }
  return out;
}

/**
 * Creates each of `objects` on the cluster, or replaces it (keeping its resourceVersion) when
 * it exists: how webhook configurations are installed, as envtest installs them. Sent as
 * written, not through client-node's typed models.
 */
export async function createOrReplace(kc: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  if (objects.length === 0) return;
  const transport = new HttpTransport({ kubeConfig: kc, userAgent: USER_AGENT });
  try {
    for (const object of objects) {
      const apiVersion = object.apiVersion ?? "";
      const resource = await servedKind(transport, apiVersion, object.kind ?? "");
      if (!resource || resource.namespaced) throw new Error(`createOrReplace takes cluster-scoped kinds the cluster serves; got ${object.kind ?? "?"} in ${apiVersion}`);
      const collection = `${groupVersionPath(apiVersion)}/${resource.name}`;
      const name = object.metadata?.name ?? "";
      try {
        await transport.request({ method: "POST", path: collection, body: object });
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        const existing = await transport.request<KubernetesObject>({ method: "GET", path: `${collection}/${name}` });
        await transport.request({ method: "PUT", path: `${collection}/${name}`, body: { ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata?.resourceVersion } } });
      }
    }
  } finally {
    transport.close();
  }
}
