// The wire types of built-in objects and the time helpers. The type assertions are checked by
// `tsc -p tsconfig.json --noEmit`, which covers test/ (expectTypeOf calls also run, as no-ops);
// each `@ts-expect-error` fails the type check if what it marks ever compiles again.
import type { V1CronJob, V1Job, V1MicroTime } from "@kubernetes/client-node";
import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  defineResource,
  Event,
  formatMicroTime,
  formatTime,
  Job,
  Lease,
  parseTime,
  Pod,
  type KubernetesObject,
  type ObjectOf,
  type Wire,
} from "../../src/runtime/index.js";
import type { ObjectMeta, Time } from "../../src/index.js";

type Meta = NonNullable<KubernetesObject["metadata"]>;

describe("Wire<T> and the built-in object types", () => {
  it("types every timestamp of a built-in object as a string", () => {
    expectTypeOf<Meta["creationTimestamp"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Meta["deletionTimestamp"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<Meta["managedFields"]>[number]["time"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<NonNullable<Job["status"]>["startTime"]>>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<NonNullable<Job["status"]>["conditions"]>[number]["lastTransitionTime"]>().toEqualTypeOf<string | undefined>();
    type ContainerStatus = NonNullable<NonNullable<Pod["status"]>["containerStatuses"]>[number];
    expectTypeOf<NonNullable<NonNullable<ContainerStatus["state"]>["running"]>["startedAt"]>().toEqualTypeOf<string | undefined>();
    // MicroTime: client-node's V1MicroTime is a Date too.
    expectTypeOf<NonNullable<Lease["spec"]>["renewTime"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<Lease["spec"]>["acquireTime"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Event["eventTime"]>().toEqualTypeOf<string | undefined>();
    // The resource carries the same type as the name's type meaning.
    expectTypeOf<ObjectOf<typeof Job>>().toEqualTypeOf<Job>();
  });

  it("no longer lets a Date method be called on a timestamp", () => {
    const job: Job = { metadata: { name: "j", creationTimestamp: "2024-05-06T07:08:09Z" } };
    // @ts-expect-error creationTimestamp is a string: there is no getTime()
    expect(() => job.metadata!.creationTimestamp!.getTime()).toThrow(TypeError);
    expect(parseTime(job.metadata!.creationTimestamp!).getTime()).toBe(Date.UTC(2024, 4, 6, 7, 8, 9));
    const lease: Lease = { spec: { renewTime: "2024-05-06T07:08:09.123456Z" } };
    // @ts-expect-error renewTime is a string
    void lease.spec!.renewTime!.toISOString;
  });

  it("maps Date to string through objects, arrays, tuples and unions, and leaves every other type alone", () => {
    interface Sample {
      at: Date;
      maybe?: Date | null;
      micro: V1MicroTime;
      list: Date[];
      frozen: readonly Date[];
      pair: [Date, number];
      nested: { deeper: { at?: Date }[] };
      map: Record<string, Date>;
      port: number | string;
      flag: boolean;
      anything: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      opaque: unknown;
      callback: (d: Date) => Date;
    }
    expectTypeOf<Wire<Sample>>().toEqualTypeOf<{
      at: string;
      maybe?: string | null;
      micro: string;
      list: string[];
      frozen: readonly string[];
      pair: [string, number];
      nested: { deeper: { at?: string }[] };
      map: Record<string, string>;
      port: number | string;
      flag: boolean;
      anything: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      opaque: unknown;
      callback: (d: Date) => Date;
    }>();
    expectTypeOf<Wire<Date>>().toEqualTypeOf<string>();
    expectTypeOf<Wire<string>>().toEqualTypeOf<string>();
  });

  it("types client-node models imported by a user: Wire<V1Xxx> is a resource's object type, the bare model is refused", () => {
    const CronJob = defineResource<Wire<V1CronJob>>({ group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true });
    expectTypeOf<NonNullable<NonNullable<ObjectOf<typeof CronJob>["status"]>["lastScheduleTime"]>>().toEqualTypeOf<string>();
    // @ts-expect-error a bare model says Date where the runtime gives strings
    defineResource<V1Job>({ group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true });
  });

  it("accepts API types written with kubebuilder-ts's ObjectMeta and Time, as kb generate reads them", () => {
    interface Widget {
      apiVersion?: string;
      kind?: string;
      metadata?: ObjectMeta;
      status?: { lastSeen?: Time };
    }
    const Widget = defineResource<Widget>({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });
    expectTypeOf<NonNullable<ObjectOf<typeof Widget>["status"]>["lastSeen"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<Widget["metadata"]>["creationTimestamp"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<Widget["metadata"]>["deletionTimestamp"]>().toEqualTypeOf<string | undefined>();
  });
});

describe("parseTime", () => {
  it("reads RFC 3339 times as the API server writes them, and with fractions and offsets", () => {
    expect(parseTime("2024-05-06T07:08:09Z").toISOString()).toBe("2024-05-06T07:08:09.000Z");
    expect(parseTime("2024-05-06T07:08:09.123456Z").toISOString()).toBe("2024-05-06T07:08:09.123Z");
    expect(parseTime("2024-05-06T07:08:09.5Z").toISOString()).toBe("2024-05-06T07:08:09.500Z");
    expect(parseTime("2024-05-06T07:08:09.999999999Z").toISOString()).toBe("2024-05-06T07:08:09.999Z");
    expect(parseTime("2024-05-06T09:38:09+02:30").toISOString()).toBe("2024-05-06T07:08:09.000Z");
    expect(parseTime("2024-05-05T23:08:09-08:00").toISOString()).toBe("2024-05-06T07:08:09.000Z");
    expect(parseTime("2024-05-06t07:08:09z").toISOString()).toBe("2024-05-06T07:08:09.000Z");
    expect(parseTime("2024-02-29T00:00:00Z").getUTCDate()).toBe(29);
    expect(parseTime("0050-01-01T00:00:00Z").getUTCFullYear()).toBe(50);
  });

  it("gives undefined for an absent or null (zero) time", () => {
    expect(parseTime(undefined)).toBeUndefined();
    expect(parseTime(null)).toBeUndefined();
    const job: Job = { metadata: { name: "j" } };
    expectTypeOf(parseTime(job.metadata?.creationTimestamp)).toEqualTypeOf<Date | undefined>();
    expectTypeOf(parseTime("2024-05-06T07:08:09Z")).toEqualTypeOf<Date>();
  });

  it.each([
    "",
    "2024-05-06",
    "2024-05-06T07:08:09",
    "2024-05-06 07:08:09Z",
    "2024-05-06T07:08Z",
    "2023-02-29T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-05-06T24:00:00Z",
    "2024-05-06T07:60:00Z",
    "2024-05-06T07:08:60Z",
    "2024-05-06T07:08:09.Z",
    "2024-05-06T07:08:09+0200",
    "Mon May 06 2024",
  ])("refuses %j, saying what it expected", (s) => {
    expect(() => parseTime(s)).toThrow(/parseTime: expected an RFC 3339 time/);
  });
});

describe("formatTime and formatMicroTime", () => {
  it("write metav1.Time in whole seconds and metav1.MicroTime with six fraction digits, in UTC", () => {
    const d = new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 123));
    expect(formatTime(d)).toBe("2024-05-06T07:08:09Z");
    expect(formatMicroTime(d)).toBe("2024-05-06T07:08:09.123000Z");
    expect(formatMicroTime(new Date(Date.UTC(2024, 4, 6, 7, 8, 9)))).toBe("2024-05-06T07:08:09.000000Z");
  });

  it("refuse an invalid Date and years RFC 3339 cannot write", () => {
    expect(() => formatTime(new Date(NaN))).toThrow(/formatTime: expected a valid Date, got an invalid Date/);
    expect(() => formatMicroTime(new Date(NaN))).toThrow(/formatMicroTime: expected a valid Date/);
    expect(() => formatTime(new Date(Date.UTC(10000, 0, 1)))).toThrow(RangeError);
    expect(() => formatTime("2024-05-06T07:08:09Z" as unknown as Date)).toThrow(/expected a valid Date, got "2024/);
  });

  const inRange = fc.date({ min: new Date("0000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true });

  it("round-trip through parseTime: MicroTime exactly (to the millisecond a Date holds), Time to the second", () => {
    fc.assert(
      fc.property(inRange, (d) => {
        expect(parseTime(formatMicroTime(d)).getTime()).toBe(d.getTime());
        expect(parseTime(formatTime(d)).getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
        // A parsed time writes back as the same string.
        const t = formatTime(d);
        expect(formatTime(parseTime(t))).toBe(t);
        const m = formatMicroTime(d);
        expect(formatMicroTime(parseTime(m))).toBe(m);
      }),
    );
  });

  it("order as the times they write, so same-format strings compare as text", () => {
    fc.assert(
      fc.property(inRange, inRange, (a, b) => {
        const [x, y] = [formatMicroTime(a), formatMicroTime(b)];
        expect(x < y ? -1 : x > y ? 1 : 0).toBe(Math.sign(a.getTime() - b.getTime()));
      }),
    );
  });
});
