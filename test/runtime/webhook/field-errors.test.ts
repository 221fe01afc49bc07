import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { field, fieldPath, FieldPath, invalidStatus, type FieldError } from "../../../src/runtime/webhook/field-errors.js";
import { defaulter } from "../../../src/runtime/webhook/defaulter.js";
import { defaultingPath, validatingPath } from "../../../src/runtime/webhook/paths.js";
import { ValidationError } from "../../../src/runtime/webhook/validation-error.js";
import { validator } from "../../../src/runtime/webhook/validator.js";
import type { AdmissionRequest } from "../../../src/runtime/webhook/types.js";
import type { TestEnvBackend } from "../../../src/testing/index.js";
import { realAssets, skipReal } from "../../helpers/real-kubernetes.js";
import { apiError, FIXTURES, KIT_CRDS, startWebhookEnv, WidgetResource, type WebhookEnv, type Widget } from "../../testing/webhooks/support.js";

describe("fieldPath", () => {
  it("builds paths with children, indexes and keys, immutably", () => {
    const spec = fieldPath("spec");
    expect(spec.child("replicas").toString()).toBe("spec.replicas");
    expect(spec.child("template", "spec").child("containers").index(0).child("image").toString()).toBe("spec.template.spec.containers[0].image");
    expect(fieldPath("metadata", "labels").key("app.kubernetes.io/name").toString()).toBe("metadata.labels[app.kubernetes.io/name]");
    expect(spec.toString()).toBe("spec");
    expect(FieldPath.root("status").child("conditions").index(2).toString()).toBe("status.conditions[2]");
    expect(() => spec.index(-1)).toThrow(/whole number/);
  });
});

describe("field errors", () => {
  const p = fieldPath("spec").child("x");
  it("word each type as the API server does", () => {
    const cases: [FieldError, string, string][] = [
      [field.invalid(p, -1, "must be greater than or equal to 0"), "FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0"],
      [field.invalid(p, "a b", "must be a DNS label"), "FieldValueInvalid", 'Invalid value: "a b": must be a DNS label'],
      [field.invalid(p, null, "must be set"), "FieldValueInvalid", "Invalid value: null: must be set"],
      [field.invalid(p, { a: 1 }, "bad"), "FieldValueInvalid", 'Invalid value: {"a":1}: bad'],
      [field.required(p), "FieldValueRequired", "Required value"],
      [field.required(p, "a schedule is needed"), "FieldValueRequired", "Required value: a schedule is needed"],
      [field.forbidden(p, "may not be set when paused"), "FieldValueForbidden", "Forbidden: may not be set when paused"],
      [field.notSupported(p, "Sometimes", ["Allow", "Forbid"]), "FieldValueNotSupported", 'Unsupported value: "Sometimes": supported values: "Allow", "Forbid"'],
      [field.duplicate(p, "web"), "FieldValueDuplicate", 'Duplicate value: "web"'],
      [field.notFound(p, "db"), "FieldValueNotFound", 'Not found: "db"'],
      [field.tooLong(p, "abcdef", 5), "FieldValueTooLong", "Too long: may not be more than 5 bytes"],
      [field.tooLong(p, "ab", 1), "FieldValueTooLong", "Too long: may not be more than 1 byte"],
      [field.tooMany(p, 4, 3), "FieldValueTooMany", "Too many: 4: must have at most 3 items"],
      [field.tooMany(p, -1, 1), "FieldValueTooMany", "Too many: must have at most 1 item"],
      [field.typeInvalid(p, true, "must be a string"), "FieldValueTypeInvalid", "Invalid value: true: must be a string"],
      [field.internalError(p, new Error("boom")), "InternalError", "Internal error: boom"],
    ];
    for (const [error, reason, message] of cases) expect({ field: error.field, reason: error.reason, message: error.message }).toEqual({ field: "spec.x", reason, message });
    expect(field.invalid("spec.y", 3, "odd")).toMatchObject({ field: "spec.y", badValue: 3, detail: "odd" });
  });

  it("aggregate into the 422 Invalid Status of apierrors.NewInvalid, each message once", () => {
    const errs = [field.required(fieldPath("spec", "schedule")), field.invalid(fieldPath("spec", "replicas"), -1, "must be >= 0"), field.required(fieldPath("spec", "schedule"))];
    expect(invalidStatus({ group: "batch.example.com", kind: "CronJob" }, "nightly", errs)).toEqual({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      message: 'CronJob.batch.example.com "nightly" is invalid: [spec.schedule: Required value, spec.replicas: Invalid value: -1: must be >= 0]',
      reason: "Invalid",
      details: {
        name: "nightly",
        group: "batch.example.com",
        kind: "CronJob",
        causes: [
          { reason: "FieldValueRequired", message: "Required value", field: "spec.schedule" },
          { reason: "FieldValueInvalid", message: "Invalid value: -1: must be >= 0", field: "spec.replicas" },
          { reason: "FieldValueRequired", message: "Required value", field: "spec.schedule" },
        ],
      },
      code: 422,
    });
    expect(invalidStatus({ group: "", kind: "Pod" }, "p", []).message).toBe('Pod "p" is invalid');
  });

  it("deny a validator's request as a 422 with the causes", async () => {
    interface Job extends KubernetesObject {
      spec: { replicas: number; policy: string };
    }
    const Jobs = defineResource<Job>({ group: "batch.example.com", version: "v1", kind: "Job", plural: "jobs", namespaced: true });
    const handler = validator(Jobs, {
      validateCreate(job) {
        const spec = fieldPath("spec");
        const errs: FieldError[] = [];
        if (job.spec.replicas < 0) errs.push(field.invalid(spec.child("replicas"), job.spec.replicas, "must be >= 0"));
        if (!["Allow", "Forbid"].includes(job.spec.policy)) errs.push(field.notSupported(spec.child("policy"), job.spec.policy, ["Allow", "Forbid"]));
        if (errs.length > 0) throw ValidationError.fields(errs);
      },
    });
    const req: AdmissionRequest = {
      uid: "u",
      kind: { group: "batch.example.com", version: "v1", kind: "Job" },
      resource: { group: "batch.example.com", version: "v1", resource: "jobs" },
      name: "j",
      namespace: "ns",
      operation: "CREATE",
      userInfo: {},
      object: { apiVersion: "batch.example.com/v1", kind: "Job", metadata: { name: "j", namespace: "ns" }, spec: { replicas: -2, policy: "Maybe" } } as Job,
    };
    const outcome = await handler(req, { log: silentLogger(), signal: new AbortController().signal });
    expect(outcome).toEqual({ allowed: false, result: { ...invalidStatus(Jobs, "j", [field.invalid("spec.replicas", -2, "must be >= 0"), field.notSupported("spec.policy", "Maybe", ["Allow", "Forbid"])]), kind: undefined, apiVersion: undefined } });
  });
});

// What a user sees when the API server calls such a validator: the webhook's 422 Status with
// the causes, its message prefixed with the webhook's name.
for (const backend of ["in-process", "real"] as const satisfies readonly TestEnvBackend[]) {
  const skip = backend === "real" && skipReal("field errors from a webhook, through a real API server");
  describe.skipIf(skip)(`field errors of a validating webhook, as the API server returns them (${backend})`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    let w: WebhookEnv;
    beforeAll(async () => {
      const found = realAssets();
      w = await startWebhookEnv(
        {
          backend,
          ...(backend === "real" && "directory" in found ? { binaryAssetsDirectory: found.directory } : {}),
          crdDirectoryPaths: [KIT_CRDS],
          webhookInstallOptions: { paths: [`${FIXTURES}/webhook`] },
        },
        (server) => {
          // The fixture configuration has a mutating webhook too: it changes nothing here.
          server.register(
            defaultingPath(WidgetResource),
            defaulter(WidgetResource, () => undefined),
          );
          server.register(
            validatingPath(WidgetResource),
            validator(WidgetResource, {
              validateCreate(o: Widget) {
                const spec = fieldPath("spec");
                const errs: FieldError[] = [];
                if ((o.spec?.size ?? 0) > 8) errs.push(field.invalid(spec.child("size"), o.spec?.size, "must be at most 8"));
                o.spec?.tags?.forEach((t, i) => {
                  if (t === "bad") errs.push(field.forbidden(spec.child("tags").index(i), `the tag "${t}" is reserved`));
                });
                if (errs.length > 0) throw ValidationError.fields(errs);
              },
            }),
          );
        },
        cleanups,
      );
    }, 120_000);
    afterAll(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it("a 422 Invalid with the webhook's causes, its message prefixed with the webhook's name", async () => {
      const e = await apiError(w.client.create(WidgetResource, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "bad", namespace: "default" }, spec: { size: 9, color: "red", tags: ["ok", "bad"] } }));
      expect(e.statusCode).toBe(422);
      expect(e.body).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message:
          'admission webhook "vwidget-v1.kb.io" denied the request: Widget.example.com "bad" is invalid: [spec.size: Invalid value: 9: must be at most 8, spec.tags[1]: Forbidden: the tag "bad" is reserved]',
        reason: "Invalid",
        details: {
          name: "bad",
          group: "example.com",
          kind: "Widget",
          causes: [
            { reason: "FieldValueInvalid", message: "Invalid value: 9: must be at most 8", field: "spec.size" },
            { reason: "FieldValueForbidden", message: 'Forbidden: the tag "bad" is reserved', field: "spec.tags[1]" },
          ],
        },
        code: 422,
      });
    });
  });
}
