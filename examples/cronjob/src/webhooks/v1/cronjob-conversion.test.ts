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
import { cronJobConversion } from "../../../api/v1/cronjob-conversion.js";
import { CronJobResource, type CronJob } from "../../../api/v1/cronjob-types.js";
import {
  CronJobResource as CronJobV2Resource,
  type CronJob as CronJobV2,
} from "../../../api/v2/cronjob-types.js";

describe("CronJob conversion", () => {
  const hub: CronJob = {
    apiVersion: CronJobResource.apiVersion,
    kind: CronJobResource.kind,
    metadata: { name: "test-resource", namespace: "default" },
    spec: {
      schedule: "30 9 * * 1-5",
      concurrencyPolicy: "Forbid",
      jobTemplate: {
        spec: { template: { spec: { containers: [{ name: "hello", image: "busybox" }] } } },
      },
    },
    status: { lastScheduleTime: "2026-01-02T09:30:00Z" },
  };

  for (const version of cronJobConversion.versions.filter((v) => v !== cronJobConversion.hub)) {
    it(`converts to ${version} and back without loss`, async () => {
      const spoke = await cronJobConversion.convert(hub, version);
      expect(spoke.apiVersion).toBe(`${CronJobResource.group}/${version}`);

      expect(await cronJobConversion.convert(spoke, cronJobConversion.hub)).toEqual(hub);
    });
  }

  it("splits v1's schedule string into v2's fields, and keeps the rest as it is", async () => {
    const v2 = (await cronJobConversion.convert(hub, "v2")) as CronJobV2;
    expect(v2.spec.schedule).toEqual({
      minute: "30",
      hour: "9",
      dayOfMonth: "*",
      month: "*",
      dayOfWeek: "1-5",
    });
    expect(v2.spec.concurrencyPolicy).toBe("Forbid");
    expect(v2.status).toEqual(hub.status);
  });

  it("joins v2's fields into v1's string, with * for the fields left out", async () => {
    const v2: CronJobV2 = {
      apiVersion: CronJobV2Resource.apiVersion,
      kind: CronJobV2Resource.kind,
      metadata: { name: "test-resource", namespace: "default" },
      spec: { schedule: { minute: "0", hour: "*/2" }, jobTemplate: {} },
    };
    const v1 = (await cronJobConversion.convert(v2, "v1")) as CronJob;
    expect(v1.apiVersion).toBe(CronJobResource.apiVersion);
    expect(v1.spec.schedule).toBe("0 */2 * * *");
  });

  it("gives a shorthand's five fields to v2", async () => {
    const daily = { ...hub, spec: { ...hub.spec, schedule: "@daily" } };
    const v2 = (await cronJobConversion.convert(daily, "v2")) as CronJobV2;
    expect(v2.spec.schedule).toEqual({
      minute: "0",
      hour: "0",
      dayOfMonth: "*",
      month: "*",
      dayOfWeek: "*",
    });
  });
});
