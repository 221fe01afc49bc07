import jsonPatch from "fast-json-patch";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { conversion } from "../../../src/runtime/webhook/conversion.js";
import { defaulter } from "../../../src/runtime/webhook/defaulter.js";
import { defaultingPath, validatingPath } from "../../../src/runtime/webhook/paths.js";
import { ValidationError } from "../../../src/runtime/webhook/validation-error.js";
import { validator } from "../../../src/runtime/webhook/validator.js";
import { WebhookServer } from "../../../src/runtime/webhook/webhook-server.js";
import { makeCert, opensslUnavailable, post, type CertPair } from "./support.js";
import type { AdmissionHandler } from "../../../src/runtime/webhook/types.js";

const skipReason = opensslUnavailable();
if (skipReason) console.warn(`skipping HTTPS webhook server tests: ${skipReason}`);

const GROUP = "batch.tutorial.kubebuilder.io";
interface CronJob extends KubernetesObject {
  spec?: { schedule?: string; concurrencyPolicy?: string; startingDeadlineSeconds?: number };
}
interface CronJobV1Beta1 extends KubernetesObject {
  spec?: { cron?: string };
}
const CronJobResource = defineResource<CronJob>({ group: GROUP, version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true });

const cronJob = (spec: CronJob["spec"], name = "job"): CronJob => ({ apiVersion: `${GROUP}/v1`, kind: "CronJob", metadata: { name, namespace: "default" }, spec });

const admissionReview = (operation: string, object?: unknown, oldObject?: unknown, extra: object = {}) => ({
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: {
    uid: `uid-${operation}`,
    kind: { group: GROUP, version: "v1", kind: "CronJob" },
    resource: { group: GROUP, version: "v1", resource: "cronjobs" },
    name: "job",
    namespace: "default",
    operation,
    userInfo: { username: "alice" },
    object,
    oldObject,
    ...extra,
  },
});

describe.skipIf(skipReason !== undefined)("WebhookServer over HTTPS", () => {
  let dir: string;
  let pair: CertPair;
  let server: WebhookServer;
  let port: number;
  const dryRuns: boolean[] = [];

  beforeAll(async () => {
    pair = makeCert();
    dir = mkdtempSync(join(tmpdir(), "kb-webhook-"));
    writeFileSync(join(dir, "tls.crt"), pair.cert);
    writeFileSync(join(dir, "tls.key"), pair.key);
    server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir, maxRequestBytes: 64 * 1024, certPollInterval: 0, watchCertDir: false });
    server.register(
      defaultingPath(CronJobResource),
      defaulter(CronJobResource, (job, req) => {
        dryRuns.push(req.dryRun ?? false);
        job.spec ??= {};
        job.spec.concurrencyPolicy ??= "Allow";
        job.spec.startingDeadlineSeconds ??= 60;
        job.metadata!.labels = { ...job.metadata!.labels, "app.kubernetes.io/managed-by": "kb" };
      }),
    );
    server.register(
      validatingPath(CronJobResource),
      validator(CronJobResource, {
        validateCreate(job) {
          if (!job.spec?.schedule) throw ValidationError.fields([{ field: "spec.schedule", message: "Required value", reason: "FieldValueRequired" }]);
          return job.spec.schedule.startsWith("*") ? ["runs every minute"] : [];
        },
        validateUpdate(oldJob, job) {
          if (oldJob.spec?.schedule !== job.spec?.schedule) throw new ValidationError("the schedule cannot change");
        },
        validateDelete(job) {
          if (job.metadata?.name === "keep") throw new ValidationError("this CronJob cannot be deleted");
        },
      }),
    );
    server.register("/crash", () => {
      throw new Error("handler crashed");
    });
    server.registerConversion(
      conversion<CronJob>({
        hub: CronJobResource,
        spokes: {
          v1beta1: {
            toHub: (old: CronJobV1Beta1) => ({ ...old, spec: { schedule: old.spec?.cron } }) as CronJob,
            fromHub: (job) => ({ ...job, spec: { cron: job.spec?.schedule } }),
          },
          v1alpha1: {
            toHub: (old: CronJobV1Beta1) => ({ ...old, spec: { schedule: `alpha:${old.spec?.cron}` } }) as CronJob,
            fromHub: (job) => ({ ...job, spec: { cron: String(job.spec?.schedule).replace(/^alpha:/, "") } }),
          },
        },
      }),
    );
    expect(server.started()).toBe(false);
    await server.start();
    port = server.address()!.port;
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is ready once started, and its check completes a TLS handshake", async () => {
    expect(server.started()).toBe(true);
    await expect(server.startedChecker()()).resolves.toBeUndefined();
    expect(server.paths()).toEqual([defaultingPath(CronJobResource), validatingPath(CronJobResource), "/crash", "/convert"]);
  });

  it("defaults: the response patch applies cleanly and yields the defaulted object", async () => {
    const original = cronJob({ schedule: "0 * * * *" });
    const reply = await post(port, `${defaultingPath(CronJobResource)}?timeout=10s`, admissionReview("CREATE", original, undefined, { dryRun: true }), { ca: pair.cert });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "uid-CREATE", allowed: true, patchType: "JSONPatch" } });
    const ops = JSON.parse(Buffer.from(reply.json.response.patch, "base64").toString("utf8"));
    const patched = jsonPatch.applyPatch(structuredClone(original), ops, true, false).newDocument;
    expect(patched).toEqual({
      ...original,
      metadata: { ...original.metadata, labels: { "app.kubernetes.io/managed-by": "kb" } },
      spec: { schedule: "0 * * * *", concurrencyPolicy: "Allow", startingDeadlineSeconds: 60 },
    });
    expect(dryRuns).toContain(true);
  });

  it("validates create (warnings, 422 field errors), update (403) and delete", async () => {
    const path = validatingPath(CronJobResource);
    const ok = await post(port, path, admissionReview("CREATE", cronJob({ schedule: "* * * * *" })), { ca: pair.cert });
    expect(ok.json.response).toEqual({ uid: "uid-CREATE", allowed: true, status: { code: 200 }, warnings: ["runs every minute"] });

    const invalid = await post(port, path, admissionReview("CREATE", cronJob({})), { ca: pair.cert });
    expect(invalid.status).toBe(200);
    expect(invalid.json.response).toMatchObject({
      allowed: false,
      status: { code: 422, reason: "Invalid", message: 'CronJob.batch.tutorial.kubebuilder.io "job" is invalid: spec.schedule: Required value' },
    });

    const update = await post(port, path, admissionReview("UPDATE", cronJob({ schedule: "b" }), cronJob({ schedule: "a" })), { ca: pair.cert });
    expect(update.json.response).toEqual({
      uid: "uid-UPDATE",
      allowed: false,
      status: { status: "Failure", code: 403, reason: "Forbidden", message: "the schedule cannot change" },
    });

    const remove = await post(port, path, admissionReview("DELETE", null, cronJob({}, "keep")), { ca: pair.cert });
    expect(remove.json.response).toMatchObject({ allowed: false, status: { code: 403, message: "this CronJob cannot be deleted" } });
    const removeOther = await post(port, path, admissionReview("DELETE", null, cronJob({}, "other")), { ca: pair.cert });
    expect(removeOther.json.response).toMatchObject({ allowed: true });
  });

  it("converts hub ↔ spoke and spoke ↔ spoke on /convert, and fails an unknown version in the result", async () => {
    const review = (desiredAPIVersion: string, objects: unknown[]) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      request: { uid: "c-1", desiredAPIVersion, objects },
    });
    const beta = { apiVersion: `${GROUP}/v1beta1`, kind: "CronJob", metadata: { name: "job", uid: "x", resourceVersion: "3" }, spec: { cron: "5 4" } };
    const toHub = await post(port, "/convert", review(`${GROUP}/v1`, [beta]), { ca: pair.cert });
    expect(toHub.json).toEqual({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      response: { uid: "c-1", result: { status: "Success" }, convertedObjects: [{ ...beta, apiVersion: `${GROUP}/v1`, spec: { schedule: "5 4" } }] },
    });
    const toAlpha = await post(port, "/convert", review(`${GROUP}/v1alpha1`, [beta]), { ca: pair.cert });
    expect(toAlpha.json.response.convertedObjects).toEqual([{ ...beta, apiVersion: `${GROUP}/v1alpha1`, spec: { cron: "5 4" } }]);
    const fromHub = await post(port, "/convert", review(`${GROUP}/v1beta1`, [cronJob({ schedule: "1 2" })]), { ca: pair.cert });
    expect(fromHub.json.response.convertedObjects[0]).toMatchObject({ apiVersion: `${GROUP}/v1beta1`, spec: { cron: "1 2" }, metadata: { name: "job" } });

    const unknown = await post(port, "/convert", review(`${GROUP}/v2`, [beta]), { ca: pair.cert });
    expect(unknown.status).toBe(200);
    expect(unknown.json.response).toMatchObject({ uid: "c-1", convertedObjects: [], result: { status: "Failure" } });
    expect(unknown.json.response.result.message).toContain('unknown version "v2"');
  });

  it("answers a handler that throws with allowed false and code 500, and keeps serving", async () => {
    const crashed = await post(port, "/crash", admissionReview("CREATE", cronJob({})), { ca: pair.cert });
    expect(crashed.status).toBe(200);
    expect(crashed.json.response).toMatchObject({ uid: "uid-CREATE", allowed: false, status: { code: 500 } });
    expect(crashed.json.response.status.message).toContain("handler crashed");
    const after = await post(port, validatingPath(CronJobResource), admissionReview("CREATE", cronJob({ schedule: "1 1 * * *" })), { ca: pair.cert });
    expect(after.json.response.allowed).toBe(true);
  });

  it("answers bad requests with an HTTP error and a Status body", async () => {
    const path = validatingPath(CronJobResource);
    const cases: [string, Promise<Awaited<ReturnType<typeof post>>>, number, string][] = [
      ["unknown path", post(port, "/mutate-nothing", admissionReview("CREATE", {}), { ca: pair.cert }), 404, "no webhook is served on /mutate-nothing"],
      ["GET", post(port, path, undefined, { ca: pair.cert, method: "GET" }), 405, "GET is not allowed"],
      ["wrong content type", post(port, path, admissionReview("CREATE", {}), { ca: pair.cert, contentType: "text/plain" }), 400, "expected application/json"],
      ["empty body", post(port, path, undefined, { ca: pair.cert }), 400, "request body is empty"],
      ["not JSON", post(port, path, undefined, { ca: pair.cert, raw: "{nope" }), 400, "request body is not JSON"],
      ["not a review", post(port, path, { apiVersion: "v1", kind: "Pod" }, { ca: pair.cert }), 400, "expected apiVersion admission.k8s.io/v1"],
      ["too large", post(port, path, undefined, { ca: pair.cert, raw: "x".repeat(100 * 1024) }), 413, "larger than 65536 bytes"],
      ["bad conversion review", post(port, "/convert", { apiVersion: "apiextensions.k8s.io/v1", kind: "ConversionReview" }, { ca: pair.cert }), 400, "request object"],
    ];
    for (const [what, pending, status, message] of cases) {
      const reply = await pending;
      expect(reply.status, what).toBe(status);
      expect(reply.json, what).toMatchObject({ kind: "Status", status: "Failure", code: status });
      expect(reply.json.message, what).toContain(message);
    }
    const get = await post(port, path, undefined, { ca: pair.cert, method: "GET" });
    expect(get.headers["allow"]).toBe("POST");
  });

  it("accepts a content type with parameters", async () => {
    const reply = await post(port, validatingPath(CronJobResource), admissionReview("CREATE", cronJob({ schedule: "1 1 * * *" })), {
      ca: pair.cert,
      contentType: "application/json; charset=utf-8",
    });
    expect(reply.json.response.allowed).toBe(true);
  });

  it("refuses to register a path twice, /convert, or a path without a slash", () => {
    expect(() => server.register("/crash", () => ({ allowed: true }))).toThrow("already registered on /crash");
    expect(() => server.register("/convert", () => ({ allowed: true }))).toThrow("registerConversion");
    expect(() => server.register("crash", () => ({ allowed: true }))).toThrow('must start with "/"');
  });
});

describe.skipIf(skipReason !== undefined)("WebhookServer lifecycle", () => {
  it("fails to start with a message naming the missing certificate files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kb-webhook-empty-"));
    try {
      const server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir });
      await expect(server.start()).rejects.toThrow(`cannot read the serving certificate (${join(dir, "tls.crt")}) and key (${join(dir, "tls.key")})`);
      expect(server.started()).toBe(false);
      await expect(server.startedChecker()()).rejects.toThrow("webhook server has not started");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails to start when the key does not match the certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kb-webhook-mismatch-"));
    try {
      writeFileSync(join(dir, "tls.crt"), makeCert("a").cert);
      writeFileSync(join(dir, "tls.key"), makeCert("b").key);
      await expect(new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir }).start()).rejects.toThrow("do not load as a PEM pair");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops when the signal aborts, and reports the port in use", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kb-webhook-signal-"));
    const pair = makeCert();
    writeFileSync(join(dir, "tls.crt"), pair.cert);
    writeFileSync(join(dir, "tls.key"), pair.key);
    const controller = new AbortController();
    const server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir });
    try {
      await server.start(controller.signal);
      const port = server.address()!.port;
      await expect(new WebhookServer({ host: "127.0.0.1", port, certDir: dir }).start()).rejects.toThrow(`cannot listen on 127.0.0.1:${port}`);
      controller.abort();
      await server.stop();
      expect(server.started()).toBe(false);
      await expect(post(port, "/convert", {})).rejects.toThrow(/ECONNREFUSED/);
      await expect(server.start()).rejects.toThrow("was stopped");
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a second start while starting, and ends a start that stop() interrupted", async () => {
    const { dir, cleanup } = certDir();
    try {
      const server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir });
      const first = server.start();
      await expect(server.start()).rejects.toThrow("already started");
      const stopped = server.stop();
      await expect(first).rejects.toThrow("stopped while starting");
      await stopped;
      expect(server.started()).toBe(false);
      expect(server.address()).toBeUndefined();
    } finally {
      cleanup();
    }
  });

  function certDir(): { dir: string; cleanup: () => void } {
    const dir = mkdtempSync(join(tmpdir(), "kb-webhook-stop-"));
    const pair = makeCert();
    writeFileSync(join(dir, "tls.crt"), pair.cert);
    writeFileSync(join(dir, "tls.key"), pair.key);
    return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }

  /** POSTs on a keep-alive connection, as the API server does. */
  function keepAlivePost(port: number, path: string, agent: Agent): Promise<{ status: number; connection: string | undefined; json: any }> {
    const body = JSON.stringify(admissionReview("CREATE", cronJob({})));
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, json: text ? JSON.parse(text) : undefined }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  it("lets an in-flight request finish on stop, and does not wait for keep-alive connections", async () => {
    const { dir, cleanup } = certDir();
    let release!: () => void;
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const gate = new Promise<void>((r) => (release = r));
    const slow: AdmissionHandler = async () => {
      entered();
      await gate;
      return { allowed: true };
    };
    const server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir });
    server.register("/slow", slow);
    const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
    try {
      await server.start();
      const port = server.address()!.port;
      const reply = keepAlivePost(port, "/slow", agent);
      await inHandler;
      const started = Date.now();
      const stopped = server.stop();
      release();
      expect(await reply).toMatchObject({ status: 200, connection: "close", json: { response: { allowed: true, uid: "uid-CREATE" } } });
      await stopped;
      expect(Date.now() - started).toBeLessThan(2_000); // well under the 5 s keep-alive timeout
    } finally {
      agent.destroy();
      await server.stop();
      cleanup();
    }
  });

  it("closes connections and aborts handlers' signals when in-flight requests outlast shutdownTimeout", async () => {
    const { dir, cleanup } = certDir();
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    let abortedWith: unknown;
    const stuck: AdmissionHandler = (_req, ctx) =>
      new Promise((resolve) => {
        entered();
        ctx.signal.addEventListener("abort", () => {
          abortedWith = ctx.signal.reason;
          resolve({ allowed: false });
        });
      });
    const server = new WebhookServer({ host: "127.0.0.1", port: 0, certDir: dir, shutdownTimeout: 20 });
    server.register("/stuck", stuck);
    const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
    try {
      await server.start();
      const reply = keepAlivePost(server.address()!.port, "/stuck", agent);
      await inHandler;
      await server.stop();
      await expect(reply).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(String(abortedWith)).toContain("webhook server stopped");
    } finally {
      agent.destroy();
      cleanup();
    }
  });
});
