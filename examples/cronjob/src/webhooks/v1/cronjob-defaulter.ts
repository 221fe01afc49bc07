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

import {
  defaulter,
  defaultingPath,
  type AdmissionHandler,
  type WebhookServer,
} from "kubebuilder-ts/runtime";
import { CronJobResource, type CronJobSpec } from "../../../api/v1/cronjob-types.js";

// +kubebuilder:webhook:path=/mutate-batch-tutorial-kubebuilder-io-v1-cronjob,mutating=true,failurePolicy=fail,sideEffects=None,groups=batch.tutorial.kubebuilder.io,resources=cronjobs,verbs=create;update,versions=v1,name=mcronjob-v1.kb.io,admissionReviewVersions=v1

/** The defaults a CronJob gets for the fields it leaves out. */
export const CRONJOB_DEFAULTS = {
  concurrencyPolicy: "Allow",
  suspend: false,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
} as const satisfies Partial<CronJobSpec>;

/**
 * Fills in the fields a CronJob leaves out. The API server applies the CRD's
 * `+kubebuilder:default` markers before it calls any webhook, so of these only `suspend` is
 * this webhook's own work; it sets the others too, so that it gives a complete spec by itself
 * (its unit test calls it without an API server). Defaults that need code (one field's
 * default computed from another's) belong here.
 */
export const cronJobDefaulter: AdmissionHandler = defaulter(
  CronJobResource,
  (cronJob, _req, { log }) => {
    log.info({ name: cronJob.metadata?.name }, "defaulting CronJob");
    const spec = cronJob.spec;
    spec.concurrencyPolicy ??= CRONJOB_DEFAULTS.concurrencyPolicy;
    spec.suspend ??= CRONJOB_DEFAULTS.suspend;
    spec.successfulJobsHistoryLimit ??= CRONJOB_DEFAULTS.successfulJobsHistoryLimit;
    spec.failedJobsHistoryLimit ??= CRONJOB_DEFAULTS.failedJobsHistoryLimit;
  },
);

export function setupCronJobDefaulter(server: WebhookServer): void {
  server.register(defaultingPath(CronJobResource), cronJobDefaulter);
}
