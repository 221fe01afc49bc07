import type { JSONSchemaProps } from "../../model/index.js";
import type { FieldCause } from "./status-error.js";

/** What admission of a custom resource gives back: the pruned, defaulted object and its field errors. */
export interface AdmissionResult {
  readonly object: unknown;
  readonly causes: readonly FieldCause[];
}

/**
 * Admits a custom resource against its version's `openAPIV3Schema`: prunes unknown fields,
 * applies defaults, validates (CEL rules included, with `oldObject` for transition rules).
 * The test kit's `admitObject` (src/testing/schema) is the default. It must not change
 * `object` or `oldObject` (the store's working copies): it returns a changed copy.
 */
export type AdmitFunction = (schema: JSONSchemaProps, object: unknown, oldObject: unknown | undefined, options?: AdmitOptions) => AdmissionResult;

/** What a write is, for admission. */
export interface AdmitOptions {
  /**
   * `status` for a write through `/status`: the API server checks only `status` against its
   * schema (error names relative to it, as `ready in body ...`), the rest as for any write.
   */
  readonly subresource?: "status" | undefined;
}

/** Admission that accepts everything as is (for stores that validate nothing). */
export const acceptAll: AdmitFunction = (_schema, object) => ({ object, causes: [] });
