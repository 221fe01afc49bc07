import { ApiError, isNotFound } from "../../runtime/errors.js";
import type { HttpTransport } from "../../runtime/client/transport.js";

/** One entry of a group version's discovery document. */
export interface ServedResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** The discovery path of `apiVersion`: `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/**
 * The resources a cluster serves in `apiVersion`, from its discovery document; none while the
 * group version is not served (404) or not yet ready (503), as right after a CRD is created.
 */
export async function servedResources(transport: HttpTransport, apiVersion: string): Promise<readonly ServedResource[]> {
  try {
    const list = await transport.request<{ resources?: ServedResource[] }>({ method: "GET", path: groupVersionPath(apiVersion) });
    return list.resources ?? [];
  } catch (e) {
    if (isNotFound(e) || (e instanceof ApiError && e.statusCode === 503)) return [];
    throw e;
  }
}

/** The top-level resource (not a subresource) of `kind` that `apiVersion` serves, if any. */
export async function servedKind(transport: HttpTransport, apiVersion: string, kind: string): Promise<ServedResource | undefined> {
  return (await servedResources(transport, apiVersion)).find((r) => r.kind === kind && !r.name.includes("/"));
}
