/**
 * Types for API authors. Import them as types in your API packages; `kb generate`
 * recognises them by name and module and gives each the schema controller-gen gives its
 * Go counterpart.
 *
 * @example
 * ```ts
 * import type { int32, Time, Condition, ObjectMeta } from "kubebuilder-ts";
 * ```
 */

/** An integer: `type: integer`. */
export type int = number;
/** A 32-bit integer: `type: integer, format: int32`. */
export type int32 = number;
/** A 64-bit integer: `type: integer, format: int64`. */
export type int64 = number;
/** A point in time, RFC 3339 (`metav1.Time`): `type: string, format: date-time`. */
export type Time = string;
/** A point in time with microseconds (`metav1.MicroTime`): `type: string, format: date-time`. */
export type MicroTime = string;
/** A duration such as "1h30m" (`metav1.Duration`): `type: string`. */
export type Duration = string;
/** A quantity such as "500m" or 2 (`resource.Quantity`): int-or-string with the quantity pattern. */
export type Quantity = string | number;
/** An integer or a string (`intstr.IntOrString`), such as a port number or name. */
export type IntOrString = string | number;
/** Any JSON value, kept as is (`apiextensionsv1.JSON`). */
export type JSON = unknown;
/** An embedded object of any kind (`runtime.RawExtension`): fields are preserved. */
export type RawExtension = { [key: string]: unknown };

/**
 * Standard object metadata; on a kind's `metadata` it becomes `type: object`. Elsewhere (a
 * field of this type) too, unless `kb generate --generate-embedded-object-meta` gives it name,
 * namespace, labels, annotations and finalizers.
 */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  /** When the object was created, set by the API server (`parseTime` from kubebuilder-ts/runtime reads it). */
  creationTimestamp?: Time;
  /** When deletion was asked for; the object stays until its finalizers are gone. */
  deletionTimestamp?: Time;
  finalizers?: string[];
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  [key: string]: unknown;
}

/** A status condition (`metav1.Condition`), with the validations controller-gen gives it. */
export interface Condition {
  /** The condition's type, in CamelCase, e.g. Ready or Available. */
  type: string;
  /** True, False or Unknown. */
  status: "True" | "False" | "Unknown";
  /** The .metadata.generation the condition was set from. */
  observedGeneration?: number;
  /** When the condition last changed from one status to another. */
  lastTransitionTime: string;
  /** A CamelCase reason for the last transition. */
  reason: string;
  /** A human readable message about the transition. */
  message: string;
}
