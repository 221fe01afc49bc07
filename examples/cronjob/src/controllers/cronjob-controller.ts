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
  formatTime,
  getReference,
  isAlreadyExists,
  isNotFound,
  Job,
  parseTime,
  setControllerReference,
  type Client,
  type Manager,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
  type Wire,
} from "kubebuilder-ts/runtime";
import type { V1JobSpec } from "@kubernetes/client-node";
import { isDeepStrictEqual } from "node:util";
import { CronJobResource, type CronJob, type CronJobStatus } from "../../api/v1/cronjob-types.js";
import { CronSchedule } from "../schedule.js";

// +kubebuilder:rbac:groups=batch.tutorial.kubebuilder.io,resources=cronjobs,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=batch.tutorial.kubebuilder.io,resources=cronjobs/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=batch.tutorial.kubebuilder.io,resources=cronjobs/finalizers,verbs=update
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=batch,resources=jobs/status,verbs=get
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch

/** The annotation on each Job that holds the time it was scheduled for. */
export const SCHEDULED_TIME_ANNOTATION = "batch.tutorial.kubebuilder.io/scheduled-at";

/** The cache's index of Jobs by the name of the CronJob that controls them. */
export const JOB_OWNER_KEY = ".metadata.controller";

/** How many missed runs make the controller give up rather than count further. */
export const MAX_MISSED_RUNS = 100;

/** The index's value for a Job: the name of the CronJob that controls it, or none. */
export function jobOwner(job: Job): string[] {
  const owner = job.metadata?.ownerReferences?.find((ref) => ref.controller === true);
  const ours = owner?.apiVersion === CronJobResource.apiVersion && owner.kind === "CronJob";
  return ours ? [owner.name] : [];
}

/** Whether a Job has finished, and how: "Complete", "Failed", or undefined while it runs. */
export function jobFinishedAs(job: Job): "Complete" | "Failed" | undefined {
  const finished = job.status?.conditions?.find(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
  return finished?.type as "Complete" | "Failed" | undefined;
}

/** The time a Job was scheduled for, from its annotation; undefined for a Job without one. */
export function scheduledTimeOf(job: Job): Date | undefined {
  const value = job.metadata?.annotations?.[SCHEDULED_TIME_ANNOTATION];
  return value === undefined ? undefined : parseTime(value);
}

/**
 * When the CronJob should have run last, at or before `now` (undefined when no run is due),
 * and when it runs next. Runs are counted from the last scheduled run, or from the CronJob's
 * creation, but no further back than its starting deadline; more than {@link MAX_MISSED_RUNS}
 * missed runs is an error (a clock gone wrong, or a long outage), not a loop through them all.
 */
export function missedAndNextRun(
  cronJob: CronJob,
  now: Date,
): { missed: Date | undefined; next: Date } {
  const schedule = CronSchedule.parse(cronJob.spec.schedule);
  let earliest =
    parseTime(cronJob.status?.lastScheduleTime) ??
    parseTime(cronJob.metadata?.creationTimestamp) ??
    now;
  const deadline = cronJob.spec.startingDeadlineSeconds;
  if (deadline !== undefined) {
    const schedulingDeadline = new Date(now.getTime() - deadline * 1000);
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  let missed: Date | undefined;
  let count = 0;
  for (const time of schedule.after(earliest)) {
    if (time > now) return { missed, next: time };
    missed = time;
    if (++count > MAX_MISSED_RUNS) {
      throw new Error(
        `more than ${MAX_MISSED_RUNS} missed start times: set or decrease .spec.startingDeadlineSeconds, or check the clock`,
      );
    }
  }
  throw new Error("unreachable: a schedule's times have no end");
}

/**
 * CronJobReconciler runs each CronJob's Job on its schedule, keeps the history of finished
 * Jobs within the CronJob's limits, and reports the running Jobs in the CronJob's status.
 */
export class CronJobReconciler implements Reconciler<Client> {
  async reconcile(
    req: Request,
    { client, log, recorder, clock }: ReconcileContext<Client>,
  ): Promise<Result | void> {
    // 1. Load the CronJob by name.
    const cronJob = await client.get(CronJobResource, req).catch((err: unknown) => {
      if (isNotFound(err)) return undefined; // deleted: its Jobs go with it (owner references)
      throw err;
    });
    if (!cronJob) return;

    // 2. List its Jobs, through the cache's index of Jobs by their controller's name.
    const jobs = await client.list(Job, {
      namespace: req.namespace,
      fieldSelector: `${JOB_OWNER_KEY}=${req.name}`,
    });
    const active: Job[] = [];
    const successful: Job[] = [];
    const failed: Job[] = [];
    let mostRecent: Date | undefined;
    for (const job of jobs) {
      const finished = jobFinishedAs(job);
      if (finished === undefined) active.push(job);
      else if (finished === "Complete") successful.push(job);
      else failed.push(job);
      const scheduled = scheduledTimeOf(job);
      if (scheduled && (!mostRecent || scheduled > mostRecent)) mostRecent = scheduled;
    }

    // 3. Report what runs now, and when it was last scheduled; written only when it changed.
    const status: CronJobStatus = { ...cronJob.status };
    if (active.length > 0) status.active = active.map((job) => getReference(job, Job));
    else delete status.active;
    if (mostRecent) status.lastScheduleTime = formatTime(mostRecent);
    if (!isDeepStrictEqual(status, cronJob.status ?? {})) {
      cronJob.status = status;
      await client.updateStatus(CronJobResource, cronJob);
    }
    log.debug(
      { active: active.length, successful: successful.length, failed: failed.length },
      "job count",
    );

    // 4. Keep no more finished Jobs than the history limits allow, deleting the oldest.
    await this.deleteOldest(client, failed, cronJob.spec.failedJobsHistoryLimit);
    await this.deleteOldest(client, successful, cronJob.spec.successfulJobsHistoryLimit);

    // 5. A suspended CronJob starts nothing.
    if (cronJob.spec.suspend) {
      log.debug("suspended: no new run");
      return;
    }

    // 6. Find the run that is due, if any, and when the next one is.
    const now = new Date(clock.now());
    let runs: { missed: Date | undefined; next: Date };
    try {
      runs = missedAndNextRun(cronJob, now);
    } catch (err) {
      // Nothing changes until the CronJob does (and its update queues it again): no requeue.
      log.error({ err }, "cannot work out the CronJob's schedule");
      await recorder.event(
        cronJob,
        CronJobResource,
        "Warning",
        "CannotSchedule",
        (err as Error).message,
      );
      return;
    }
    const scheduled: Result = { requeueAfter: runs.next.getTime() - now.getTime() };
    const missed = runs.missed;
    if (!missed) return scheduled;

    // 7. Too late for the run that is due: skip it, and wait for the next.
    const deadline = cronJob.spec.startingDeadlineSeconds;
    if (deadline !== undefined && missed.getTime() + deadline * 1000 < now.getTime()) {
      log.info(
        { missed: formatTime(missed) },
        "missed the starting deadline for the last run, skipping it",
      );
      return scheduled;
    }

    // 8. The concurrency policy decides what happens to the runs still going.
    if (cronJob.spec.concurrencyPolicy === "Forbid" && active.length > 0) {
      log.info(
        { active: active.length },
        "the concurrency policy forbids a run while others are active, skipping it",
      );
      return scheduled;
    }
    if (cronJob.spec.concurrencyPolicy === "Replace") {
      for (const job of active) await this.deleteJob(client, job);
    }

    // 9. Start the run. Its name comes from its scheduled time, so a second try (the cache not
    // showing the Job yet) finds it already there rather than starting it twice.
    const job = this.jobFor(cronJob, missed);
    try {
      await client.create(Job, job);
      log.info({ job: job.metadata?.name }, "created the Job for the run");
      await recorder.event(
        cronJob,
        CronJobResource,
        "Normal",
        "SuccessfulCreate",
        `Created job ${job.metadata?.name}`,
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    return scheduled;
  }

  /** The Job of the run scheduled for `scheduledTime`, owned by the CronJob. */
  private jobFor(cronJob: CronJob, scheduledTime: Date): Job {
    const job: Job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: `${cronJob.metadata?.name}-${Math.floor(scheduledTime.getTime() / 1000)}`,
        namespace: cronJob.metadata?.namespace,
        annotations: { [SCHEDULED_TIME_ANNOTATION]: formatTime(scheduledTime) },
      },
      // The template as read from the API server: its times are strings already (Wire).
      spec: structuredClone(cronJob.spec.jobTemplate.spec) as Wire<V1JobSpec>,
    };
    setControllerReference(cronJob, CronJobResource, job);
    return job;
  }

  /** Deletes the oldest of `jobs` beyond `limit` (none without a limit). */
  private async deleteOldest(
    client: Client,
    jobs: Job[],
    limit: number | undefined,
  ): Promise<void> {
    if (limit === undefined || jobs.length <= limit) return;
    const startOf = (job: Job) =>
      parseTime(job.status?.startTime ?? job.metadata?.creationTimestamp)?.getTime() ?? 0;
    const oldestFirst = jobs.toSorted((a, b) => startOf(a) - startOf(b));
    for (const job of oldestFirst.slice(0, jobs.length - limit)) await this.deleteJob(client, job);
  }

  /** Deletes a Job and, in the background, its Pods; one already gone is fine. */
  private async deleteJob(client: Client, job: Job): Promise<void> {
    const key = { namespace: job.metadata?.namespace, name: job.metadata?.name ?? "" };
    await client.delete(Job, key, { propagationPolicy: "Background" }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

/**
 * Builds the CronJob controller and registers it with the manager: the index of Jobs by
 * their CronJob first (the cache builds it from the start), then a controller that
 * reconciles a CronJob when it or one of its Jobs changes.
 */
export function setupCronJobController(mgr: Manager): void {
  mgr.cache.indexField(Job, JOB_OWNER_KEY, jobOwner);
  mgr.controller(CronJobResource).owns(Job).named("cronjob").complete(new CronJobReconciler());
}
