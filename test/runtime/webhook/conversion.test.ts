import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { answerConversionReview, ConversionRegistry } from "../../../src/runtime/webhook/conversion-review.js";
import { conversion, ConversionError, type SpokeConversion } from "../../../src/runtime/webhook/conversion.js";

const GROUP = "batch.tutorial.kubebuilder.io";

/** Hub: the schedule as fields. */
interface CronJob extends KubernetesObject {
  spec: { schedule: { minute: string; hour: string }; note?: string };
}
/** Spoke: the schedule as one string; `note` does not exist here (kept in an annotation). */
interface CronJobV1Beta1 extends KubernetesObject {
  spec: { cron: string };
}
/** Spoke: the schedule as an array. */
interface CronJobV1Alpha1 extends KubernetesObject {
  spec: { parts: string[] };
}

const CronJobResource = defineResource<CronJob>({ group: GROUP, version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true });

const NOTE = "batch.tutorial.kubebuilder.io/note";

const v1beta1: SpokeConversion<CronJob, CronJobV1Beta1> = {
  toHub(old) {
    const [minute = "*", hour = "*"] = old.spec.cron.split(" ");
    const note = old.metadata?.annotations?.[NOTE];
    const annotations: Record<string, string> | undefined = old.metadata?.annotations ? { ...old.metadata.annotations } : undefined;
    if (annotations) delete annotations[NOTE];
    return {
      apiVersion: "ignored",
      kind: "CronJob",
      metadata: { ...old.metadata, ...(annotations ? { annotations } : {}) },
      spec: { schedule: { minute, hour }, ...(note ? { note } : {}) },
    };
  },
  fromHub(hub) {
    const annotations = { ...hub.metadata?.annotations, ...(hub.spec.note ? { [NOTE]: hub.spec.note } : {}) };
    const meta = Object.keys(annotations).length > 0 ? { ...hub.metadata, annotations } : { ...hub.metadata };
    return { apiVersion: "ignored", kind: "CronJob", metadata: meta, spec: { cron: `${hub.spec.schedule.minute} ${hub.spec.schedule.hour}` } };
  },
};

const v1alpha1: SpokeConversion<CronJob, CronJobV1Alpha1> = {
  toHub: async (old) => ({ kind: "CronJob", metadata: old.metadata, spec: { schedule: { minute: old.spec.parts[0] ?? "*", hour: old.spec.parts[1] ?? "*" } } }),
  // Returns no metadata at all: the source's is kept.
  fromHub: (hub) => ({ spec: { parts: [hub.spec.schedule.minute, hub.spec.schedule.hour] } }) as CronJobV1Alpha1,
};

const cronJobs = conversion<CronJob>({ hub: CronJobResource, spokes: { v1beta1, v1alpha1 } });

const metadata = { name: "job", namespace: "default", uid: "u-1", resourceVersion: "7", generation: 3, labels: { app: "x" } };
const hubObject: CronJob = { apiVersion: `${GROUP}/v1`, kind: "CronJob", metadata, spec: { schedule: { minute: "5", hour: "4" }, note: "keep me" } };
const betaObject: CronJobV1Beta1 = {
  apiVersion: `${GROUP}/v1beta1`,
  kind: "CronJob",
  metadata: { ...metadata, annotations: { [NOTE]: "keep me" } },
  spec: { cron: "5 4" },
};
const alphaObject: CronJobV1Alpha1 = { apiVersion: `${GROUP}/v1alpha1`, kind: "CronJob", metadata, spec: { parts: ["5", "4"] } };

describe("conversion (hub and spokes)", () => {
  it("knows its group, kind, hub and versions", () => {
    expect(cronJobs).toMatchObject({ group: GROUP, kind: "CronJob", hub: "v1", versions: ["v1", "v1beta1", "v1alpha1"] });
    const spelled = conversion<CronJob>({ group: GROUP, kind: "CronJob", hub: "v2", spokes: {} });
    expect(spelled.versions).toEqual(["v2"]);
  });

  it("converts a spoke to the hub and back, stamping apiVersion and kind", async () => {
    const hub = await cronJobs.convert(betaObject, "v1");
    expect(hub).toEqual({ ...hubObject, metadata: { ...metadata, annotations: {} } });
    expect(await cronJobs.convert(hubObject, "v1beta1")).toEqual(betaObject);
  });

  it("converts spoke to spoke through the hub (v1beta1 → v1alpha1 and back)", async () => {
    const alpha = await cronJobs.convert(betaObject, "v1alpha1");
    expect(alpha).toEqual({ ...alphaObject, metadata: betaObject.metadata });
    const beta = await cronJobs.convert(alphaObject, "v1beta1");
    expect(beta).toEqual({ ...betaObject, metadata });
  });

  it("keeps the source's metadata except labels and annotations, whatever the conversion did", async () => {
    const renaming = conversion<CronJob>({
      hub: CronJobResource,
      spokes: {
        v1beta1: {
          toHub: (o) => ({ ...o, metadata: { name: "renamed", labels: { changed: "yes" } } }) as unknown as CronJob,
          fromHub: (h) => h,
        },
      },
    });
    const hub = await renaming.convert(betaObject, "v1");
    expect(hub.metadata).toEqual({ name: "job", namespace: "default", uid: "u-1", resourceVersion: "7", generation: 3, labels: { changed: "yes" } });
  });

  it("does not let a conversion function change the request's object", async () => {
    const before = structuredClone(betaObject);
    await cronJobs.convert(betaObject, "v1alpha1");
    expect(betaObject).toEqual(before);
  });

  it("returns an object already at the desired version unchanged", async () => {
    expect(await cronJobs.convert(hubObject, "v1")).toEqual(hubObject);
  });

  it("refuses unknown versions and other kinds with a ConversionError naming what is known", async () => {
    await expect(cronJobs.convert(hubObject, "v9")).rejects.toThrow(ConversionError);
    await expect(cronJobs.convert(hubObject, "v9")).rejects.toThrow('unknown version "v9" of CronJob.batch.tutorial.kubebuilder.io: expected one of v1, v1beta1, v1alpha1 (hub v1)');
    await expect(cronJobs.convert({ ...hubObject, apiVersion: `${GROUP}/v0` }, "v1")).rejects.toThrow('unknown version "v0"');
    await expect(cronJobs.convert({ ...hubObject, kind: "Job" }, "v1beta1")).rejects.toThrow("expected a CronJob.batch.tutorial.kubebuilder.io, got Job");
  });

  it("will not have the hub as a spoke", () => {
    expect(() => conversion<CronJob>({ hub: CronJobResource, spokes: { v1: v1beta1 } })).toThrow("version v1 is the hub and cannot also be a spoke");
  });
});

describe("ConversionReview", () => {
  const silent = pino({ level: "silent" });
  const registry = new ConversionRegistry();
  registry.add(cronJobs);
  const review = (desiredAPIVersion: string, objects: unknown[]) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "ConversionReview",
    request: { uid: "conv-1", desiredAPIVersion, objects },
  });

  it("converts every object, in order, and echoes the uid", async () => {
    const answer = await answerConversionReview(review(`${GROUP}/v1beta1`, [hubObject, alphaObject]), registry, silent);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      response: { uid: "conv-1", result: { status: "Success" }, convertedObjects: [betaObject, { ...betaObject, metadata }] },
    });
  });

  it("fails the whole request (a failure result, not an HTTP error) for an unknown version", async () => {
    const answer = await answerConversionReview(review(`${GROUP}/v7`, [hubObject]), registry, silent);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ response: { uid: "conv-1", convertedObjects: [], result: { status: "Failure" } } });
    expect(JSON.stringify(answer.body)).toContain('unknown version \\"v7\\"');
  });

  it("fails for an unregistered kind, a group change, and an object without kind", async () => {
    const cases: [unknown[], string, string][] = [
      [[{ ...hubObject, kind: "Other" }], `${GROUP}/v1beta1`, "no conversion is registered for Other.batch.tutorial.kubebuilder.io"],
      [[hubObject], "other.io/v1", "the groups differ"],
      [[{ metadata: {} }], `${GROUP}/v1`, "objects[0]: expected an object with apiVersion and kind"],
    ];
    for (const [objects, desired, message] of cases) {
      const answer = await answerConversionReview(review(desired, objects), registry, silent);
      expect((answer.body as { response: { result: { status: string; message: string } } }).response.result).toEqual({ status: "Failure", message: expect.stringContaining(message) });
    }
  });

  it("answers a failure result when a conversion function throws", async () => {
    const broken = new ConversionRegistry();
    broken.add(conversion<CronJob>({ hub: CronJobResource, spokes: { v1beta1: { toHub: () => Promise.reject(new Error("cannot parse cron")), fromHub: (h) => h } } }));
    const answer = await answerConversionReview(review(`${GROUP}/v1`, [betaObject]), broken, silent);
    expect(answer.body).toMatchObject({ response: { result: { status: "Failure", message: "cannot parse cron" } } });
  });

  it("rejects a second conversion for the same group-kind", () => {
    expect(() => registry.add(cronJobs)).toThrow("a conversion for CronJob.batch.tutorial.kubebuilder.io is already registered");
  });

  it.each([
    ["not a review", { kind: "ConversionReview" }, "expected apiVersion"],
    ["no request", { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview" }, "with a request object"],
    ["no desiredAPIVersion", { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", request: { uid: "u", objects: [] } }, "desiredAPIVersion"],
    ["no objects", { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview", request: { uid: "u", desiredAPIVersion: "a/v1" } }, "request.objects"],
  ])("answers 400 for %s", async (_what, doc, message) => {
    const answer = await answerConversionReview(doc, registry, silent);
    expect(answer.status).toBe(400);
    expect((answer.body as { message: string }).message).toContain(message);
  });
});
