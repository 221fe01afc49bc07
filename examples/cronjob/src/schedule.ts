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

import { CronExpressionParser } from "cron-parser";

/**
 * The shorthands Kubernetes' own CronJob accepts, as five-field expressions. cron-parser
 * knows others (`@secondly`, `@weekdays`) that Kubernetes refuses, so only these are let in.
 */
const SHORTHANDS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** A schedule that is not a five-field cron expression; `message` says what is wrong. */
export class ScheduleError extends Error {
  override name = "ScheduleError";
}

/**
 * A CronJob's schedule: a standard five-field cron expression (minute, hour, day of month,
 * month, day of week) or one of the shorthands above, in UTC. cron-parser reads it; this
 * class holds it to the format Kubernetes' CronJob takes (cron-parser also takes a sixth,
 * seconds field, which a CronJob must not have).
 *
 * @example
 * ```ts
 * const schedule = CronSchedule.parse("30 * * * *");
 * schedule.after(new Date("2026-01-01T00:00:00Z")).next().value; // 2026-01-01T00:30:00Z
 * ```
 */
export class CronSchedule {
  private constructor(readonly expression: string) {}

  /** Parses `schedule`; throws a {@link ScheduleError} saying why it is not one. */
  static parse(schedule: string): CronSchedule {
    const text = schedule.trim();
    const expression = SHORTHANDS[text] ?? text;
    const fields = expression.split(/\s+/).filter((f) => f !== "");
    if (fields.length !== 5) {
      throw new ScheduleError(
        `expected five fields (minute hour day-of-month month day-of-week) or one of ${Object.keys(SHORTHANDS).join(", ")}, got ${fields.length} field(s) in "${schedule}"`,
      );
    }
    try {
      CronExpressionParser.parse(fields.join(" "), { tz: "UTC" });
    } catch (err) {
      throw new ScheduleError(`"${schedule}" is not a cron expression: ${(err as Error).message}`);
    }
    return new CronSchedule(fields.join(" "));
  }

  /** The scheduled times strictly after `after`, in order, without end. */
  *after(after: Date): Generator<Date, never> {
    const times = CronExpressionParser.parse(this.expression, { currentDate: after, tz: "UTC" });
    for (;;) yield times.next().toDate();
  }
}
