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

import { describe, expect, it } from "vitest";
import { silentLogger, type AdmissionRequest } from "kubebuilder-ts/runtime";
import { CronJobResource, type CronJob } from "../../../api/v1/cronjob-types.js";
import { cronJobDefaulter } from "./cronjob-defaulter.js";

/** An admission request as the API server sends it when a CronJob is created. */
function createRequest(object: CronJob): AdmissionRequest {
  const { group, version, kind, plural } = CronJobResource;
  return {
    uid: "test",
    kind: { group, version, kind },
    resource: { group, version, resource: plural },
    name: object.metadata?.name,
    namespace: object.metadata?.namespace,
    operation: "CREATE",
    userInfo: { username: "tester" },
    object,
  };
}

/** The JSON patch operations of an admission outcome (none when it changed nothing). */
function patchOf(outcome: { patch?: string }): unknown[] {
  return outcome.patch
    ? (JSON.parse(Buffer.from(outcome.patch, "base64").toString("utf8")) as unknown[])
    : [];
}

describe("CronJob defaulter", () => {
  const context = { log: silentLogger(), signal: new AbortController().signal };
  const cronJob: CronJob = {
    apiVersion: CronJobResource.apiVersion,
    kind: CronJobResource.kind,
    metadata: { name: "test-resource", namespace: "default" },
    spec: { schedule: "*/5 * * * *", jobTemplate: {} },
  };

  it("fills in every field the CronJob leaves out", async () => {
    const outcome = await cronJobDefaulter(createRequest(cronJob), context);

    expect(outcome.allowed).toBe(true);
    expect(patchOf(outcome)).toEqual([
      { op: "add", path: "/spec/concurrencyPolicy", value: "Allow" },
      { op: "add", path: "/spec/suspend", value: false },
      { op: "add", path: "/spec/successfulJobsHistoryLimit", value: 3 },
      { op: "add", path: "/spec/failedJobsHistoryLimit", value: 1 },
    ]);
  });

  it("keeps what the CronJob sets", async () => {
    const spec = {
      ...cronJob.spec,
      concurrencyPolicy: "Forbid",
      suspend: true,
      successfulJobsHistoryLimit: 0,
      failedJobsHistoryLimit: 5,
    } as const;

    const outcome = await cronJobDefaulter(createRequest({ ...cronJob, spec }), context);

    expect(outcome.allowed).toBe(true);
    expect(patchOf(outcome)).toEqual([]);
  });
});
