import type { KubernetesObject } from "../resource.js";
import type { StatusBody } from "../errors.js";
import { TransportError } from "./transport-error.js";

/**
 * One event of a Kubernetes watch stream, as the API server sends it. A `BOOKMARK` carries
 * an object whose only meaningful field is `metadata.resourceVersion`; an `ERROR` carries a
 * Status (code 410 means the resourceVersion expired: relist).
 */
export type RawWatchEvent<T extends KubernetesObject = KubernetesObject> =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; readonly object: T }
  | { readonly type: "ERROR"; readonly object: StatusBody };

const TYPES = new Set(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"]);

/** Checks a decoded stream value is a watch event; throws a {@link TransportError} naming what arrived otherwise. */
export function toRawWatchEvent<T extends KubernetesObject>(value: unknown, path: string): RawWatchEvent<T> {
  if (typeof value === "object" && value !== null) {
    const v = value as { type?: unknown; object?: unknown };
    if (typeof v.type === "string" && TYPES.has(v.type) && typeof v.object === "object" && v.object !== null) {
      return value as RawWatchEvent<T>;
    }
  }
  const shown = JSON.stringify(value)?.slice(0, 200) ?? String(value);
  throw new TransportError(
    "invalid-response",
    "GET",
    path,
    `expected a watch event {"type": "ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR", "object": {...}}, got ${shown}`,
  );
}
