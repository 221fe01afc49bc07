/**
 * The wire form of Kubernetes objects, and reading and writing the times in them.
 *
 * The runtime hands objects over as the API server sends them: parsed JSON, nothing converted.
 * Times (`metav1.Time`, `metav1.MicroTime`) are therefore RFC 3339 strings, quantities are
 * strings and int-or-string fields are a number or a string. @kubernetes/client-node's models
 * (`V1Job`, `V1Pod`, ...) describe what client-node's own typed APIs return after converting
 * times to `Date`, so on our objects they would lie: `job.metadata.creationTimestamp.getTime()`
 * would type-check and throw. {@link Wire} turns such a model into the type of its JSON, which
 * is how the built-in resources (`Job`, `Pod`, ...) are typed.
 *
 * Why strings rather than converting to `Date` on the way in:
 * - no cost per object on the informer cache's hot path (every list and watch event);
 * - an object read and written back is what was read: deep equality, merge and JSON patches,
 *   server-side apply and `resourceVersion` conflicts see the server's own values;
 * - `MicroTime` keeps its microseconds (a `Date` holds milliseconds);
 * - it agrees with the API types `kb generate` reads, where `Time` and `MicroTime` are `string`
 *   (see docs/api-types.md), so built-in and custom objects read the same way.
 *
 * Convert only where you compute with a time: {@link parseTime} reads one, {@link formatTime}
 * and {@link formatMicroTime} write one as the API server does.
 *
 * @example
 * ```ts
 * const job = await client.get(Job, req);
 * const age = Date.now() - parseTime(job.metadata!.creationTimestamp!).getTime();
 * ```
 */

/**
 * The JSON form of a type: `Date` (and client-node's `V1MicroTime`, a `Date`) becomes
 * `string`, through objects, arrays and unions; every other type is left as it is (`any` and
 * `unknown` included, and functions). Use it to type objects of a client-node model that you
 * read or write through the runtime.
 * @example
 * ```ts
 * import type { V1CronJob } from "@kubernetes/client-node";
 * import { defineResource, type Wire } from "kubebuilder-ts/runtime";
 * export type CronJob = Wire<V1CronJob>;
 * export const CronJob = defineResource<CronJob>({ group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true });
 * ```
 */
export type Wire<T> = 0 extends 1 & T
  ? T // any stays any
  : T extends Date
    ? string
    : T extends (...args: never[]) => unknown
      ? T
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> } // arrays and tuples map to arrays and tuples
        : T;

/** RFC 3339 as the API server accepts it: a date, a time, an optional fraction and a zone. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Reads an RFC 3339 time (`metav1.Time`, `metav1.MicroTime`, or any `format: date-time`
 * field) as a `Date`. Fractions finer than a millisecond are truncated. `undefined` and
 * `null` (a zero time, as Go writes it) give `undefined`.
 * @throws TypeError when the string is not an RFC 3339 time.
 * @example
 * ```ts
 * parseTime("2024-05-06T07:08:09Z").getTime(); // 1714979289000
 * parseTime(job.status?.startTime); // Date | undefined
 * ```
 */
export function parseTime(value: string): Date;
export function parseTime(value: string | null | undefined): Date | undefined;
export function parseTime(value: string | null | undefined): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const m = typeof value === "string" ? RFC3339.exec(value) : null;
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const millis = m[7] ? Number(`${m[7].slice(1)}00`.slice(0, 3)) : 0;
    const offsetHours = m[10] ? Number(m[10]) : 0;
    const offsetMinutes = m[11] ? Number(m[11]) : 0;
    const inRange =
      month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
    if (inRange) {
      const sign = m[9] === "-" ? -1 : 1;
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0-99 as 1900-1999
      date.setUTCHours(hour, minute, second, millis);
      return new Date(date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
    }
  }
  throw new TypeError(`parseTime: expected an RFC 3339 time such as "2024-05-06T07:08:09Z", got ${JSON.stringify(value)}`);
}

function utcIso(date: Date, fn: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new TypeError(`${fn}: expected a valid Date, got ${date instanceof Date ? "an invalid Date" : JSON.stringify(date)}`);
  }
  const iso = date.toISOString();
  if (iso.length !== 24) throw new RangeError(`${fn}: ${iso} is outside the years 0000-9999 that RFC 3339 can write`);
  return iso;
}

/**
 * Writes a `Date` as a `metav1.Time` is written: UTC, whole seconds (the fraction is
 * dropped, as the API server drops it), e.g. `"2024-05-06T07:08:09Z"`.
 * @throws TypeError for an invalid Date; RangeError for a year outside 0000-9999.
 * @example
 * ```ts
 * setStatusCondition(conds, { type: "Ready", status: "True", reason: "Up", message: "", lastTransitionTime: formatTime(now) });
 * ```
 */
export function formatTime(date: Date): string {
  return `${utcIso(date, "formatTime").slice(0, 19)}Z`;
}

/**
 * Writes a `Date` as a `metav1.MicroTime` is written (a Lease's `renewTime`, an events.k8s.io
 * Event's `eventTime`): UTC with six fraction digits, e.g. `"2024-05-06T07:08:09.123000Z"`.
 * @throws TypeError for an invalid Date; RangeError for a year outside 0000-9999.
 */
export function formatMicroTime(date: Date): string {
  return `${utcIso(date, "formatMicroTime").slice(0, 23)}000Z`;
}
