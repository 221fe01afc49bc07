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

import type { V1JobTemplateSpec, V1ObjectReference } from "@kubernetes/client-node";
import type { int32, int64, ObjectMeta, Time } from "kubebuilder-ts";
import { defineResource } from "kubebuilder-ts/runtime";
import { groupVersion } from "./groupversion-info.js";

/** CronJobSpec defines the desired state of CronJob: when to run, and what. */
export interface CronJobSpec {
  /** schedule says when to run, one field of the cron format at a time. */
  schedule: CronSchedule;

  /**
   * startingDeadlineSeconds is how late, in seconds, a run may start when it missed its
   * scheduled time for any reason. A run that cannot start within it is skipped.
   */
  // +kubebuilder:validation:Minimum=0
  startingDeadlineSeconds?: int64;

  /**
   * concurrencyPolicy says what to do when a run is due while the previous one still runs:
   * Allow (the default) runs both; Forbid skips the new run; Replace stops the running one
   * and starts the new one.
   */
  // +kubebuilder:default=Allow
  concurrencyPolicy?: ConcurrencyPolicy;

  /** suspend tells the controller to start no more runs; runs already started go on. */
  suspend?: boolean;

  /** jobTemplate is the Job each run creates. */
  jobTemplate: V1JobTemplateSpec;

  /** successfulJobsHistoryLimit is how many finished, successful Jobs to keep. */
  // +kubebuilder:validation:Minimum=0
  // +kubebuilder:default=3
  successfulJobsHistoryLimit?: int32;

  /** failedJobsHistoryLimit is how many failed Jobs to keep. */
  // +kubebuilder:validation:Minimum=0
  // +kubebuilder:default=1
  failedJobsHistoryLimit?: int32;
}

/**
 * CronSchedule is a cron schedule, field by field; a field left out is `*` (any). In v1 the
 * schedule is one string of the five fields.
 */
export interface CronSchedule {
  /** minute: 0-59. */
  minute?: CronField;
  /** hour: 0-23. */
  hour?: CronField;
  /** dayOfMonth: 1-31. */
  dayOfMonth?: CronField;
  /** month: 1-12, or JAN-DEC. */
  month?: CronField;
  /** dayOfWeek: 0-6 (Sunday is 0), or SUN-SAT. */
  dayOfWeek?: CronField;
}

/** CronField is one field of a cron schedule: a value (`5`), a list (`1,15`), a range (`1-5`) or a step (`0-59/15`). */
// +kubebuilder:validation:MinLength=1
export type CronField = string;

/** ConcurrencyPolicy says how runs of one CronJob may overlap. */
export type ConcurrencyPolicy = "Allow" | "Forbid" | "Replace";

/** CronJobStatus defines the observed state of CronJob. */
export interface CronJobStatus {
  /** active lists the Jobs of this CronJob that are running now. */
  // +listType=atomic
  // +kubebuilder:validation:MaxItems=10
  active?: V1ObjectReference[];

  /** lastScheduleTime is when a Job was last started on schedule. */
  lastScheduleTime?: Time;
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Suspend",type=boolean,JSONPath=`.spec.suspend`
// +kubebuilder:printcolumn:name="Last Schedule",type=date,JSONPath=`.status.lastScheduleTime`

/** CronJob is the Schema for the cronjobs API: a Job run on a schedule (v2: the schedule field by field). */
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
