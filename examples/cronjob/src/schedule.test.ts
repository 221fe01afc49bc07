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
import { CronSchedule, ScheduleError } from "./schedule.js";

/** The first `count` runs of `schedule` after `after`, as ISO strings. */
function runs(schedule: string, after: string, count: number): string[] {
  const times = CronSchedule.parse(schedule).after(new Date(after));
  return Array.from({ length: count }, () => times.next().value.toISOString());
}

describe("CronSchedule", () => {
  it("gives the runs strictly after a time, in UTC", () => {
    expect(runs("*/15 * * * *", "2026-01-01T00:15:00Z", 3)).toEqual([
      "2026-01-01T00:30:00.000Z",
      "2026-01-01T00:45:00.000Z",
      "2026-01-01T01:00:00.000Z",
    ]);
    expect(runs("30 9 * * 1-5", "2026-01-02T10:00:00Z", 2)).toEqual([
      "2026-01-05T09:30:00.000Z", // Friday 10:00, so Monday
      "2026-01-06T09:30:00.000Z",
    ]);
  });

  it("takes the shorthands Kubernetes takes", () => {
    expect(runs("@hourly", "2026-01-01T00:10:00Z", 1)).toEqual(["2026-01-01T01:00:00.000Z"]);
    expect(runs("@midnight", "2026-01-01T00:10:00Z", 1)).toEqual(["2026-01-02T00:00:00.000Z"]);
    expect(CronSchedule.parse("@weekly").expression).toBe("0 0 * * 0");
  });

  it("refuses what a CronJob's schedule cannot be, saying why", () => {
    expect(() => CronSchedule.parse("0 */5 * * * *")).toThrow(/expected five fields .* got 6/);
    expect(() => CronSchedule.parse("@secondly")).toThrow(ScheduleError);
    expect(() => CronSchedule.parse("61 * * * *")).toThrow(
      /"61 \* \* \* \*" is not a cron expression/,
    );
    expect(() => CronSchedule.parse("")).toThrow(/got 0 field/);
  });
});
