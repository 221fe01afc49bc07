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

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  createLogger,
  Event,
  HttpTransport,
  isInvalid,
  Job,
  Manager,
  setControllerReference,
  type Client,
} from "kubebuilder-ts/runtime";
import {
  FakeClock,
  fakeClient,
  fakeIndex,
  reconcileContext,
  startTestEnv,
  type TestEnv,
} from "kubebuilder-ts/testing";
import { CronJobResource, type CronJob, type CronJobSpec } from "../../api/v1/cronjob-types.js";
import {
  CronJobReconciler,
  JOB_OWNER_KEY,
  jobOwner,
  SCHEDULED_TIME_ANNOTATION,
  setupCronJobController,
} from "./cronjob-controller.js";

const CRDS = join(import.meta.dirname, "../../config/crd/bases");
const T0 = Date.parse("2026-03-01T10:00:00Z");
const MINUTE = 60_000;

/** A CronJob named `name` in "default": every five minutes by default, running a busybox Job. */
function cronJob(name: string, spec: Partial<CronJobSpec> = {}): CronJob {
  return {
    apiVersion: CronJobResource.apiVersion,
    kind: CronJobResource.kind,
    metadata: { namespace: "default", name },
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: {
        spec: {
          template: {
            spec: { containers: [{ name: "hello", image: "busybox" }], restartPolicy: "Never" },
          },
        },
      },
      ...spec,
    },
  };
}

/** A Job of `owner`, as the controller would have started it for `scheduledAt`, in the state given. */
function jobOf(
  owner: CronJob,
  scheduledAt: number,
  state: "active" | "Complete" | "Failed" = "active",
): Job {
  const job: Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      namespace: "default",
      name: `${owner.metadata?.name}-${scheduledAt / 1000}`,
      annotations: {
        [SCHEDULED_TIME_ANNOTATION]: new Date(scheduledAt).toISOString().replace(".000Z", "Z"),
      },
    },
    spec: {
      template: {
        spec: { containers: [{ name: "hello", image: "busybox" }], restartPolicy: "Never" },
      },
    },
    status: {
      startTime: new Date(scheduledAt).toISOString().replace(".000Z", "Z"),
      ...(state === "active" ? { active: 1 } : { conditions: [{ type: state, status: "True" }] }),
    },
  };
  setControllerReference(owner, CronJobResource, job);
  return job;
}

describe("CronJob controller, one reconcile at a time (fake client, fake clock)", () => {
  const key = { namespace: "default", name: "sample" };
  let clock: FakeClock;
  let client: Client;
  /** The CronJob as the fake API server holds it. */
  let stored: CronJob;

  /** A fake client at T0 with the CRD and the cache's Job index, holding the CronJob and `jobs`. */
  async function given(
    spec: Partial<CronJobSpec>,
    jobs: (owner: CronJob) => Job[] = () => [],
  ): Promise<void> {
    clock = new FakeClock(T0);
    client = fakeClient({
      clock,
      crdDirectoryPaths: [CRDS],
      indexes: [fakeIndex(Job, JOB_OWNER_KEY, jobOwner)],
    });
    stored = await client.create(CronJobResource, cronJob(key.name, spec));
    for (const job of jobs(stored)) {
      const { status, ...rest } = job;
      const created = await client.create(Job, rest);
      await client.updateStatus(Job, { ...created, status });
    }
  }

  const reconcile = () =>
    new CronJobReconciler().reconcile(key, reconcileContext(client, { clock }));
  const jobNames = async () =>
    (await client.list(Job, { namespace: "default" })).map((j) => j.metadata?.name).sort();

  it("starts nothing before the first run is due, and comes back for it", async () => {
    await given({});
    clock.advance(2 * MINUTE); // 10:02; the first run is at 10:05

    await expect(reconcile()).resolves.toEqual({ requeueAfter: 3 * MINUTE });
    expect(await jobNames()).toEqual([]);
  });

  it("starts the run that is due: a Job named by its time, from the template, controlled by the CronJob", async () => {
    await given({});
    clock.advance(5 * MINUTE + 30_000); // 10:05:30

    await expect(reconcile()).resolves.toEqual({ requeueAfter: 4 * MINUTE + 30_000 });

    const due = T0 + 5 * MINUTE;
    const job = await client.get(Job, { namespace: "default", name: `sample-${due / 1000}` });
    expect(job.metadata?.annotations?.[SCHEDULED_TIME_ANNOTATION]).toBe("2026-03-01T10:05:00Z");
    expect(job.spec?.template.spec?.containers[0]?.image).toBe("busybox");
    expect(job.metadata?.ownerReferences).toEqual([
      expect.objectContaining({
        kind: "CronJob",
        name: "sample",
        uid: stored.metadata?.uid,
        controller: true,
      }),
    ]);
    const events = await client.list(Event, { namespace: "default" });
    expect(events.map((e) => e.reason)).toContain("SuccessfulCreate");
  });

  it("reports the running Job and the last scheduled time, and then writes nothing more", async () => {
    await given({});
    clock.advance(5 * MINUTE + 30_000);
    await reconcile(); // starts sample-<10:05>
    await reconcile(); // sees it running

    const reported = await client.get(CronJobResource, key);
    expect(reported.status?.active?.map((ref) => ref.name)).toEqual([
      `sample-${(T0 + 5 * MINUTE) / 1000}`,
    ]);
    expect(reported.status?.lastScheduleTime).toBe("2026-03-01T10:05:00Z");
    expect(await jobNames()).toHaveLength(1); // the same run is not started twice

    await reconcile();
    const again = await client.get(CronJobResource, key);
    expect(again.metadata?.resourceVersion).toBe(reported.metadata?.resourceVersion);
  });

  it("skips a run missed by more than the starting deadline, and waits for the next", async () => {
    await given({ startingDeadlineSeconds: 60 });
    clock.advance(7 * MINUTE); // 10:07: the 10:05 run is two minutes late

    await expect(reconcile()).resolves.toEqual({ requeueAfter: 3 * MINUTE });
    expect(await jobNames()).toEqual([]);
  });

  it("starts nothing while suspended", async () => {
    await given({ suspend: true });
    clock.advance(6 * MINUTE);

    await expect(reconcile()).resolves.toBeUndefined();
    expect(await jobNames()).toEqual([]);
  });

  it("Forbid: skips a run while the previous one is still running", async () => {
    await given({ concurrencyPolicy: "Forbid" }, (owner) => [jobOf(owner, T0 - 5 * MINUTE)]);
    clock.advance(5 * MINUTE);

    await reconcile();
    expect(await jobNames()).toEqual([`sample-${(T0 - 5 * MINUTE) / 1000}`]);
  });

  it("Replace: stops the run still going and starts the new one", async () => {
    await given({ concurrencyPolicy: "Replace" }, (owner) => [jobOf(owner, T0 - 5 * MINUTE)]);
    clock.advance(5 * MINUTE);

    await reconcile();
    expect(await jobNames()).toEqual([`sample-${(T0 + 5 * MINUTE) / 1000}`]);
  });

  it("Allow: starts the new run beside the one still going", async () => {
    await given({ concurrencyPolicy: "Allow" }, (owner) => [jobOf(owner, T0 - 5 * MINUTE)]);
    clock.advance(5 * MINUTE);

    await reconcile();
    expect(await jobNames()).toEqual([
      `sample-${(T0 - 5 * MINUTE) / 1000}`,
      `sample-${(T0 + 5 * MINUTE) / 1000}`,
    ]);
  });

  it("keeps the newest finished Jobs within the history limits, and deletes the rest", async () => {
    const at = (minutesAgo: number) => T0 - minutesAgo * MINUTE;
    // Suspended, so that the reconcile only cleans up.
    await given(
      { suspend: true, successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 },
      (owner) => [
        jobOf(owner, at(30), "Complete"),
        jobOf(owner, at(25), "Failed"),
        jobOf(owner, at(20), "Complete"),
        jobOf(owner, at(15), "Failed"),
        jobOf(owner, at(10), "Complete"),
      ],
    );

    await reconcile();
    expect(await jobNames()).toEqual(
      [at(15), at(20), at(10)].map((t) => `sample-${t / 1000}`).sort(),
    );
  });

  it("leaves Jobs another CronJob controls alone", async () => {
    await given({ successfulJobsHistoryLimit: 0 }, () => {
      const other = {
        ...cronJob("other"),
        metadata: { namespace: "default", name: "other", uid: "uid-of-other" },
      };
      return [jobOf(other, T0 - 5 * MINUTE, "Complete")];
    });

    await reconcile();
    expect(await jobNames()).toEqual([`other-${(T0 - 5 * MINUTE) / 1000}`]);
  });

  it("reports a schedule it cannot read as a Warning Event, and does not retry until the CronJob changes", async () => {
    await given({ schedule: "every five minutes" });
    clock.advance(6 * MINUTE);

    await expect(reconcile()).resolves.toBeUndefined();
    expect(await jobNames()).toEqual([]);
    const [event] = await client.list(Event, { namespace: "default" });
    expect(event).toMatchObject({ type: "Warning", reason: "CannotSchedule" });
  });

  it("gives up on more than 100 missed runs, unless a starting deadline bounds the count", async () => {
    await given({ schedule: "* * * * *" });
    clock.advance(3 * 60 * MINUTE); // three hours: 180 runs missed

    await expect(reconcile()).resolves.toBeUndefined();
    const [event] = await client.list(Event, { namespace: "default" });
    expect(event?.message).toMatch(/more than 100 missed start times/);

    await client.update(CronJobResource, {
      ...(await client.get(CronJobResource, key)),
      spec: { ...stored.spec, startingDeadlineSeconds: 600 },
    });
    await reconcile();
    expect(await jobNames()).toEqual([`sample-${(T0 + 180 * MINUTE) / 1000}`]);
  });
});

describe("CronJob controller, in a manager, against the test API server", () => {
  let env: TestEnv;
  let transport: HttpTransport;
  let client: ApiClient;
  let mgr: Manager;
  let running: Promise<void>;

  beforeAll(async () => {
    // An in-process API server with this project's CRDs (`npm run manifests` writes them);
    // KUBEBUILDER_ASSETS (a folder with kube-apiserver and etcd) selects a real API server.
    env = await startTestEnv({ crdDirectoryPaths: [CRDS] });
    transport = new HttpTransport({ kubeConfig: env.kubeConfig });
    client = new ApiClient(transport);
    mgr = new Manager({
      kubeConfig: env.kubeConfig,
      metricsBindAddress: "0",
      healthProbeBindAddress: "0",
      handleSignals: false,
      logger: createLogger({ level: "warn" }), // what goes wrong, not every reconcile
    });
    setupCronJobController(mgr);
    running = mgr.start();
  });

  afterAll(async () => {
    mgr?.stop();
    await running?.catch(() => undefined);
    transport?.close();
    await env?.stop();
  });

  /** Polls `read` until `check` holds for what it returns, for at most 20 s. */
  async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (check(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`not within 20 s; last seen: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("the API server defaults the policy and the history limits, as the markers say", async () => {
    const created = await client.create(
      CronJobResource,
      cronJob("defaults", { schedule: "0 0 1 1 *" }),
    );
    expect(created.spec).toMatchObject({
      concurrencyPolicy: "Allow",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
  });

  it("the API server refuses a negative history limit and an empty schedule", async () => {
    const bad = cronJob("bad", { schedule: "", failedJobsHistoryLimit: -1 });
    const refused = await client.create(CronJobResource, bad).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isInvalid(refused)).toBe(true);
    expect(String(refused)).toMatch(/spec\.schedule/);
    expect(String(refused)).toMatch(/spec\.failedJobsHistoryLimit/);
  });

  it("lists a running Job of the CronJob in its status, found through the owner index", async () => {
    // Once a year: no run falls due while the test runs.
    const owner = await client.create(
      CronJobResource,
      cronJob("yearly", { schedule: "0 0 1 1 *" }),
    );
    const { status, ...job } = jobOf(owner, Date.parse("2026-01-01T00:00:00Z"));
    const created = await client.create(Job, job);
    await client.updateStatus(Job, { ...created, status });

    const seen = await eventually(
      () => client.get(CronJobResource, { namespace: "default", name: "yearly" }),
      (c) => (c.status?.active?.length ?? 0) > 0,
    );
    expect(seen.status?.active?.map((ref) => ref.name)).toEqual([created.metadata?.name]);
    expect(seen.status?.lastScheduleTime).toBe("2026-01-01T00:00:00Z");

    // Background: a Job's default is to orphan its Pods, through a finalizer that only the
    // garbage collector (not running here, as under envtest) would remove.
    await client.delete(
      Job,
      { namespace: "default", name: created.metadata?.name ?? "" },
      { propagationPolicy: "Background" },
    );
    await eventually(
      () => client.get(CronJobResource, { namespace: "default", name: "yearly" }),
      (c) => c.status?.active === undefined,
    );
  });
});
