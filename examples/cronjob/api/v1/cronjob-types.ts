/*
 * Copyright 2026.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import type { Condition, ObjectMeta } from "kubebuilder-ts";
import { defineResource } from "kubebuilder-ts/runtime";
import { groupVersion } from "./groupversion-info.js";

// EDIT THIS FILE!  THIS IS SCAFFOLDING FOR YOU TO OWN!
// After changing these types, run `npm run manifests` to regenerate the CRD.
// A property without `?` is required. Markers in comments add OpenAPI validation, see
// https://book.kubebuilder.io/reference/markers/crd-validation.html

/** CronJobSpec defines the desired state of CronJob. */
export interface CronJobSpec {
  // INSERT ADDITIONAL SPEC FIELDS - desired state of cluster

  /** foo is an example field of CronJob. Edit cronjob-types.ts to remove or update it. */
  foo?: string;
}

/** CronJobStatus defines the observed state of CronJob. */
export interface CronJobStatus {
  // INSERT ADDITIONAL STATUS FIELDS - observed state of cluster

  /**
   * conditions represent the current state of the CronJob resource.
   * Each condition has a unique type and reflects the status of a specific aspect of the resource.
   *
   * Standard condition types include:
   * - "Available": the resource is fully functional
   * - "Progressing": the resource is being created or updated
   * - "Degraded": the resource failed to reach or maintain its desired state
   *
   * The status of each condition is one of True, False, or Unknown.
   * +listType=map
   * +listMapKey=type
   */
  conditions?: Condition[];
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:storageversion

/** CronJob is the Schema for the cronjobs API. */
export interface CronJob {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  /** spec defines the desired state of CronJob. */
  spec: CronJobSpec;
  /** status defines the observed state of CronJob. */
  status?: CronJobStatus;
}

/** The handle clients and controllers use to reach cronjobs (`client.get(CronJobResource, key)`). */
export const CronJobResource = defineResource<CronJob>({
  ...groupVersion,
  kind: "CronJob",
  plural: "cronjobs",
  namespaced: true,
});
