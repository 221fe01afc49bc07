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
  isNotFound,
  setStatusCondition,
  type Client,
  type Manager,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
} from "kubebuilder-ts/runtime";
import { CronJobResource } from "../../api/v1/cronjob-types.js";

// +kubebuilder:rbac:groups=batch.tutorial.kubebuilder.io,resources=cronjobs,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=batch.tutorial.kubebuilder.io,resources=cronjobs/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=batch.tutorial.kubebuilder.io,resources=cronjobs/finalizers,verbs=update

/**
 * CronJobReconciler reconciles CronJob objects: it moves the cluster towards the state
 * each CronJob asks for, and reports what it did in the CronJob's status.
 */
export class CronJobReconciler implements Reconciler<Client> {
  /**
   * Called whenever a CronJob changes (and again after an error, with backoff), with only
   * its key: it reads the current state, so running it any number of times is safe.
   *
   * TODO(user): compare what the CronJob asks for with the cluster's state, then create,
   * update or delete objects to close the gap (see createOrUpdate, setControllerReference
   * and addFinalizer in kubebuilder-ts/runtime). Return `{ requeueAfter: ms }` to look again later.
   */
  async reconcile(req: Request, { client, log }: ReconcileContext<Client>): Promise<Result | void> {
    const cronJob = await client.get(CronJobResource, req).catch((err: unknown) => {
      // Deleted since the event was queued: nothing left to do.
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!cronJob) return;

    // TODO(user): your logic here

    // Report the CronJob as reconciled for the generation just read. The status is written
    // only when the condition changes, so reconciling an unchanged CronJob writes nothing.
    cronJob.status ??= {};
    cronJob.status.conditions ??= [];
    const changed = setStatusCondition(cronJob.status.conditions, {
      type: "Available",
      status: "True",
      reason: "Reconciled",
      message: "The CronJob has been reconciled",
      observedGeneration: cronJob.metadata?.generation,
    });
    if (changed) {
      await client.updateStatus(CronJobResource, cronJob);
      log.info("set the Available condition");
    }
  }
}

/** Builds the CronJob controller and registers it with the manager. */
export function setupCronJobController(mgr: Manager): void {
  mgr
    .controller(CronJobResource)
    // TODO(user): also reconcile a CronJob when objects it owns change, e.g. `.owns(Deployment)`.
    .named("cronjob")
    .complete(new CronJobReconciler());
}
