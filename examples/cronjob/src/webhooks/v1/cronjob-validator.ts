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
  field,
  fieldPath,
  validatingPath,
  ValidationError,
  validator,
  type AdmissionHandler,
  type FieldError,
  type WebhookServer,
} from "kubebuilder-ts/runtime";
import { CronJobResource, type CronJob } from "../../../api/v1/cronjob-types.js";
import { CronSchedule, ScheduleError } from "../../schedule.js";

// +kubebuilder:webhook:path=/validate-batch-tutorial-kubebuilder-io-v1-cronjob,mutating=false,failurePolicy=fail,sideEffects=None,groups=batch.tutorial.kubebuilder.io,resources=cronjobs,verbs=create;update,versions=v1,name=vcronjob-v1.kb.io,admissionReviewVersions=v1

/**
 * The longest name a CronJob may have: its Jobs are named `<name>-<unix time>` (11 more
 * characters for the next few centuries), and a Job's name must fit in a 63-character label.
 */
export const MAX_CRONJOB_NAME_LENGTH = 63 - 11;

/** What is wrong with a CronJob that the CRD's schema cannot say; empty when nothing is. */
export function validateCronJob(cronJob: CronJob): FieldError[] {
  const errors: FieldError[] = [];
  const name = cronJob.metadata?.name ?? "";
  if (name.length > MAX_CRONJOB_NAME_LENGTH) {
    errors.push(
      field.invalid(
        fieldPath("metadata", "name"),
        name,
        `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`,
      ),
    );
  }
  try {
    CronSchedule.parse(cronJob.spec.schedule);
  } catch (err) {
    if (!(err instanceof ScheduleError)) throw err;
    errors.push(field.invalid(fieldPath("spec", "schedule"), cronJob.spec.schedule, err.message));
  }
  return errors;
}

/** Denies a CronJob that {@link validateCronJob} finds fault with, naming every field at fault. */
function admit(cronJob: CronJob): void {
  const errors = validateCronJob(cronJob);
  if (errors.length > 0) throw ValidationError.fields(errors);
}

export const cronJobValidator: AdmissionHandler = validator(CronJobResource, {
  validateCreate(cronJob, _req, { log }) {
    log.info({ name: cronJob.metadata?.name }, "validating CronJob creation");
    admit(cronJob);
  },

  validateUpdate(_oldCronJob, cronJob, _req, { log }) {
    log.info({ name: cronJob.metadata?.name }, "validating CronJob update");
    admit(cronJob);
  },

  validateDelete() {
    // Any CronJob may be deleted (the marker's verbs leave deletions out anyway).
  },
});

export function setupCronJobValidator(server: WebhookServer): void {
  server.register(validatingPath(CronJobResource), cronJobValidator);
}
