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

import type { CronJob as HubCronJob } from "../v1/cronjob-types.js";
import { CronSchedule as ScheduleParser } from "../../src/schedule.js";
import type { CronJob, CronSchedule } from "./cronjob-types.js";

/** The fields of a cron schedule, in the order the one-string form writes them. */
const FIELDS = ["minute", "hour", "dayOfMonth", "month", "dayOfWeek"] as const;

/** v2's schedule as v1's string: the fields in order, `*` for those left out. */
export function scheduleToString(schedule: CronSchedule): string {
  return FIELDS.map((f) => schedule[f] ?? "*").join(" ");
}

/**
 * v1's schedule string as v2's fields. A shorthand (`@hourly`) becomes its five fields, which
 * mean the same; a string that is not five fields (which the validating webhook refuses)
 * fills the fields it has.
 */
export function scheduleFromString(schedule: string): CronSchedule {
  let expression = schedule;
  try {
    expression = ScheduleParser.parse(schedule).expression;
  } catch {
    // Not a schedule: kept as written, as far as it goes.
  }
  const values = expression.trim().split(/\s+/);
  return Object.fromEntries(FIELDS.flatMap((f, i) => (values[i] ? [[f, values[i]]] : [])));
}

export const cronJobV2Conversion = {
  /** Converts a v2 CronJob to the hub version, v1: the schedule's fields joined into one string. */
  toHub(cronJob: CronJob): HubCronJob {
    return {
      ...cronJob,
      spec: { ...cronJob.spec, schedule: scheduleToString(cronJob.spec.schedule) },
    };
  },

  /** Converts a hub (v1) CronJob to v2: the schedule string split into its fields. */
  fromHub(cronJob: HubCronJob): CronJob {
    return {
      ...cronJob,
      spec: { ...cronJob.spec, schedule: scheduleFromString(cronJob.spec.schedule) },
    };
  },
};
