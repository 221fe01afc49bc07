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
import { cronJobValidator, MAX_CRONJOB_NAME_LENGTH } from "./cronjob-validator.js";

/** An admission request as the API server sends it: the new object, the stored one, or both. */
function request(
  operation: AdmissionRequest["operation"],
  object: CronJob | undefined,
  oldObject: CronJob | undefined,
): AdmissionRequest {
  const { group, version, kind, plural } = CronJobResource;
  const metadata = (object ?? oldObject)?.metadata;
  return {
    uid: "test",
    kind: { group, version, kind },
    resource: { group, version, resource: plural },
    name: metadata?.name,
    namespace: metadata?.namespace,
    operation,
    userInfo: { username: "tester" },
    object,
    oldObject,
  };
}

describe("CronJob validator", () => {
  const context = { log: silentLogger(), signal: new AbortController().signal };
  const cronJob: CronJob = {
    apiVersion: CronJobResource.apiVersion,
    kind: CronJobResource.kind,
    metadata: { name: "test-resource", namespace: "default" },
    spec: { schedule: "*/5 * * * *", jobTemplate: {} },
  };
  const withSchedule = (schedule: string): CronJob => ({
    ...cronJob,
    spec: { ...cronJob.spec, schedule },
  });

  it("admits a valid CronJob on creation and on update", async () => {
    expect(await cronJobValidator(request("CREATE", cronJob, undefined), context)).toMatchObject({
      allowed: true,
    });
    expect(await cronJobValidator(request("UPDATE", cronJob, cronJob), context)).toMatchObject({
      allowed: true,
    });
  });

  it("refuses a schedule that is not a five-field cron expression, on creation and on update", async () => {
    for (const outcome of [
      await cronJobValidator(request("CREATE", withSchedule("*/5 * * * * *"), undefined), context),
      await cronJobValidator(request("UPDATE", withSchedule("*/5 * * * * *"), cronJob), context),
    ]) {
      expect(outcome).toMatchObject({
        allowed: false,
        result: {
          code: 422,
          reason: "Invalid",
          details: { causes: [{ field: "spec.schedule", reason: "FieldValueInvalid" }] },
        },
      });
    }
  });

  it("refuses a name too long for its Jobs' names, and names every field at fault", async () => {
    const name = "a".repeat(MAX_CRONJOB_NAME_LENGTH + 1);
    const bad = { ...withSchedule("every minute"), metadata: { ...cronJob.metadata, name } };

    const outcome = await cronJobValidator(request("CREATE", bad, undefined), context);

    expect(outcome.allowed).toBe(false);
    expect(outcome.result?.details?.causes?.map((c) => c.field)).toEqual([
      "metadata.name",
      "spec.schedule",
    ]);
  });

  it("admits a name of exactly the longest length", async () => {
    const name = "a".repeat(MAX_CRONJOB_NAME_LENGTH);
    const outcome = await cronJobValidator(
      request("CREATE", { ...cronJob, metadata: { ...cronJob.metadata, name } }, undefined),
      context,
    );
    expect(outcome.allowed).toBe(true);
  });

  it("admits a deletion", async () => {
    const outcome = await cronJobValidator(request("DELETE", undefined, cronJob), context);
    expect(outcome.allowed).toBe(true);
  });
});
