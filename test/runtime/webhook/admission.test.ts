import jsonPatch from "fast-json-patch";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/runtime/errors.js";
import { defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { answerAdmissionReview, parseAdmissionReview } from "../../../src/runtime/webhook/admission-review.js";
import { defaulter } from "../../../src/runtime/webhook/defaulter.js";
import type { AdmissionHandler, AdmissionRequest } from "../../../src/runtime/webhook/types.js";
import { ValidationError } from "../../../src/runtime/webhook/validation-error.js";
import { validator } from "../../../src/runtime/webhook/validator.js";

interface CronJob extends KubernetesObject {
  spec?: { schedule?: string; concurrencyPolicy?: string; suspend?: boolean; jobs?: string[]; labels?: Record<string, string> };
}
const CronJobResource = defineResource<CronJob>({ group: "batch.tutorial.kubebuilder.io", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true });

const silent = pino({ level: "silent" });
const ctx = { log: silent, signal: new AbortController().signal };

function request(operation: AdmissionRequest["operation"], object?: CronJob, oldObject?: CronJob, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: "uid-1",
    kind: { group: "batch.tutorial.kubebuilder.io", version: "v1", kind: "CronJob" },
    resource: { group: "batch.tutorial.kubebuilder.io", version: "v1", resource: "cronjobs" },
    name: "job",
    namespace: "default",
    operation,
    userInfo: { username: "alice" },
    ...(object ? { object } : {}),
    ...(oldObject ? { oldObject } : {}),
    ...extra,
  };
}

const job = (spec: CronJob["spec"]): CronJob => ({
  apiVersion: "batch.tutorial.kubebuilder.io/v1",
  kind: "CronJob",
  metadata: { name: "job", namespace: "default", annotations: { "a/b~c": "1" } },
  spec,
});

const decodePatch = (patch: string | undefined) => JSON.parse(Buffer.from(patch ?? "", "base64").toString("utf8")) as jsonPatch.Operation[];

describe("defaulter", () => {
  const setDefaults = defaulter(CronJobResource, (obj, req) => {
    obj.spec ??= {};
    obj.spec.concurrencyPolicy ??= "Allow";
    obj.spec.suspend ??= false;
    if (obj.spec.jobs) obj.spec.jobs = obj.spec.jobs.slice(0, 1);
    obj.metadata!.annotations = { ...obj.metadata!.annotations, "defaulted/dry-run": String(req.dryRun ?? false) };
  });

  it("answers the RFC 6902 diff between the original and the defaulted object", async () => {
    const original = job({ schedule: "*/1 * * * *", jobs: ["a", "b", "c"] });
    const outcome = await setDefaults(request("CREATE", original, undefined, { dryRun: true }), ctx);
    expect(outcome.allowed).toBe(true);
    expect(outcome.patchType).toBe("JSONPatch");
    const ops = decodePatch(outcome.patch);
    const patched = jsonPatch.applyPatch(structuredClone(original), ops, true, false).newDocument;
    expect(patched.spec).toEqual({ schedule: "*/1 * * * *", jobs: ["a"], concurrencyPolicy: "Allow", suspend: false });
    expect(patched.metadata?.annotations).toEqual({ "a/b~c": "1", "defaulted/dry-run": "true" });
    expect(ops.map((o) => o.path)).toContain("/metadata/annotations/defaulted~1dry-run");
  });

  it("does not touch the request's object", async () => {
    const original = job({});
    const req = request("UPDATE", original, job({}));
    await setDefaults(req, ctx);
    expect(req.object).toEqual(job({}));
  });

  it("answers no patch when nothing changed", async () => {
    const noop = defaulter(CronJobResource, () => {});
    const outcome = await noop(request("CREATE", job({ schedule: "x" })), ctx);
    expect(outcome).toEqual({ allowed: true, result: { code: 200 } });
  });

  it("admits DELETE untouched, as controller-runtime does", async () => {
    const outcome = await setDefaults(request("DELETE", undefined, job({})), ctx);
    expect(outcome).toEqual({ allowed: true, result: { code: 200 } });
  });

  it("denies with a ValidationError and answers 500 for any other throw", async () => {
    const deny = defaulter(CronJobResource, () => {
      throw new ValidationError("no defaults for you");
    });
    expect(await deny(request("CREATE", job({})), ctx)).toMatchObject({ allowed: false, result: { code: 403, reason: "Forbidden", message: "no defaults for you" } });
    const crash = defaulter(CronJobResource, () => {
      throw new TypeError("boom");
    });
    const outcome = await crash(request("CREATE", job({})), ctx);
    expect(outcome.allowed).toBe(false);
    expect(outcome.result?.code).toBe(500);
    expect(outcome.result?.message).toContain("boom");
  });

  it("refuses a request for another kind or without an object (400)", async () => {
    const other = await setDefaults(request("CREATE", job({}), undefined, { kind: { group: "apps", version: "v1", kind: "Deployment" } }), ctx);
    expect(other).toMatchObject({ allowed: false, result: { code: 400 } });
    expect(other.result?.message).toContain("expected a request for CronJob.batch.tutorial.kubebuilder.io, got one for Deployment.apps");
    const missing = await setDefaults(request("CREATE"), ctx);
    expect(missing).toMatchObject({ allowed: false, result: { code: 400, message: "expected request.object to be an object for a CREATE request" } });
  });
});

describe("validator", () => {
  const seen: string[] = [];
  const validate = validator(CronJobResource, {
    validateCreate(obj, req) {
      seen.push(`create ${obj.metadata?.name} dryRun=${req.dryRun ?? false}`);
      if (!obj.spec?.schedule) {
        throw ValidationError.fields([{ field: "spec.schedule", message: "Required value", reason: "FieldValueRequired" }]);
      }
      if (obj.spec.schedule === "@never") throw new ValidationError("a schedule of @never is not allowed");
      return obj.spec.suspend ? ["the job is created suspended"] : undefined;
    },
    async validateUpdate(oldObj, newObj) {
      await Promise.resolve();
      seen.push(`update ${oldObj.spec?.schedule} -> ${newObj.spec?.schedule}`);
      if (newObj.spec?.schedule === "bad") {
        throw ValidationError.fields([
          { field: "spec.schedule", message: 'Invalid value: "bad": not a cron expression' },
          { field: "spec.jobs", message: "Too many: 3: must have at most 2 items", reason: "FieldValueTooMany" },
        ]);
      }
      return ["schedule changed"];
    },
    validateDelete(obj) {
      seen.push(`delete ${obj.metadata?.name}`);
      if (obj.metadata?.labels?.["protected"]) throw new ApiError(409, { code: 409, reason: "Conflict", message: "protected objects cannot be deleted" }, "DELETE", "/x");
    },
  });

  it("admits a valid create, with warnings, and passes dryRun", async () => {
    expect(await validate(request("CREATE", job({ schedule: "* * * * *" }), undefined, { dryRun: true }), ctx)).toEqual({ allowed: true, result: { code: 200 } });
    expect(await validate(request("CREATE", job({ schedule: "* * * * *", suspend: true })), ctx)).toEqual({
      allowed: true,
      result: { code: 200 },
      warnings: ["the job is created suspended"],
    });
    expect(seen).toContain("create job dryRun=true");
  });

  it("denies with 403 for a plain ValidationError", async () => {
    expect(await validate(request("CREATE", job({ schedule: "@never" })), ctx)).toEqual({
      allowed: false,
      result: { status: "Failure", code: 403, reason: "Forbidden", message: "a schedule of @never is not allowed" },
    });
  });

  it("denies with 422 Invalid and field causes, shaped as the API server's own errors", async () => {
    expect(await validate(request("CREATE", job({})), ctx)).toEqual({
      allowed: false,
      result: {
        status: "Failure",
        code: 422,
        reason: "Invalid",
        message: 'CronJob.batch.tutorial.kubebuilder.io "job" is invalid: spec.schedule: Required value',
        details: {
          name: "job",
          group: "batch.tutorial.kubebuilder.io",
          kind: "CronJob",
          causes: [{ reason: "FieldValueRequired", message: "Required value", field: "spec.schedule" }],
        },
      },
    });
    const several = await validate(request("UPDATE", job({ schedule: "bad" }), job({ schedule: "ok" })), ctx);
    expect(several.result?.message).toBe(
      'CronJob.batch.tutorial.kubebuilder.io "job" is invalid: [spec.schedule: Invalid value: "bad": not a cron expression, spec.jobs: Too many: 3: must have at most 2 items]',
    );
    expect(several.result?.details?.causes?.map((c) => c.reason)).toEqual(["FieldValueInvalid", "FieldValueTooMany"]);
  });

  it("validates an update with the old object first and the new one second", async () => {
    expect(await validate(request("UPDATE", job({ schedule: "new" }), job({ schedule: "old" })), ctx)).toEqual({
      allowed: true,
      result: { code: 200 },
      warnings: ["schedule changed"],
    });
    expect(seen).toContain("update old -> new");
  });

  it("validates a delete with the old object and keeps an ApiError's status", async () => {
    expect(await validate(request("DELETE", undefined, job({})), ctx)).toMatchObject({ allowed: true });
    expect(seen).toContain("delete job");
    const protectedJob = { ...job({}), metadata: { name: "job", labels: { protected: "yes" } } };
    expect(await validate(request("DELETE", undefined, protectedJob), ctx)).toEqual({
      allowed: false,
      result: { status: "Failure", code: 409, reason: "Conflict", message: "protected objects cannot be deleted" },
    });
  });

  it("admits operations without a hook, and CONNECT", async () => {
    const createOnly = validator(CronJobResource, { validateCreate: () => ["w"] });
    expect(await createOnly(request("DELETE", undefined, job({})), ctx)).toEqual({ allowed: true, result: { code: 200 } });
    expect(await createOnly(request("CONNECT"), ctx)).toEqual({ allowed: true, result: { code: 200 } });
  });

  it("needs both objects for an update (400)", async () => {
    expect(await validate(request("UPDATE", job({ schedule: "x" })), ctx)).toMatchObject({ allowed: false, result: { code: 400 } });
  });
});

describe("answerAdmissionReview", () => {
  const review = (req: unknown, apiVersion = "admission.k8s.io/v1") => ({ apiVersion, kind: "AdmissionReview", request: req });
  const allowAll: AdmissionHandler = () => ({ allowed: true });

  it("echoes the uid and the review's apiVersion", async () => {
    const answer = await answerAdmissionReview(review(request("CREATE", job({}))), allowAll, silent, ctx.signal);
    expect(answer).toEqual({ status: 200, body: { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { allowed: true, uid: "uid-1" } } });
    const beta = await answerAdmissionReview(review(request("CREATE", job({})), "admission.k8s.io/v1beta1"), allowAll, silent, ctx.signal);
    expect((beta.body as { apiVersion: string }).apiVersion).toBe("admission.k8s.io/v1beta1");
  });

  it("answers a handler that throws with allowed false and code 500, and a rejected promise the same", async () => {
    const throwing: AdmissionHandler = () => {
      throw new Error("handler bug");
    };
    const rejecting: AdmissionHandler = async () => Promise.reject(new Error("async bug"));
    for (const handler of [throwing, rejecting]) {
      const answer = await answerAdmissionReview(review(request("CREATE", job({}))), handler, silent, ctx.signal);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ response: { uid: "uid-1", allowed: false, status: { code: 500 } } });
      expect((answer.body as { response: object }).response).not.toHaveProperty("result");
    }
  });

  it.each([
    ["not an object", [], "expected a JSON object"],
    ["a wrong apiVersion", { apiVersion: "v1", kind: "AdmissionReview", request: {} }, "expected apiVersion admission.k8s.io/v1 or admission.k8s.io/v1beta1"],
    ["a wrong kind", { apiVersion: "admission.k8s.io/v1", kind: "Pod" }, "expected kind AdmissionReview"],
    ["no request", { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }, "with a request object"],
    ["no uid", review({ ...request("CREATE"), uid: "" }), "request.uid"],
    ["no kind", review({ ...request("CREATE"), kind: "CronJob" }), "request.kind"],
    ["an unknown operation", review({ ...request("CREATE"), operation: "PATCH" }), "request.operation to be one of CREATE, UPDATE, DELETE, CONNECT"],
  ])("rejects a document with %s (400 and a Status)", async (_what, doc, message) => {
    expect(parseAdmissionReview(doc).ok).toBe(false);
    const answer = await answerAdmissionReview(doc, allowAll, silent, ctx.signal);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ kind: "Status", status: "Failure", code: 400, reason: "BadRequest" });
    expect((answer.body as { message: string }).message).toContain(message);
  });
});
