import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/index.js";
import { ConfigMap, defineResource, Namespace } from "../../../src/runtime/resource.js";
import { denied, allowed } from "../../../src/runtime/webhook/admission-outcome.js";
import { defaulter } from "../../../src/runtime/webhook/defaulter.js";
import { defaultingPath, validatingPath } from "../../../src/runtime/webhook/paths.js";
import type { AdmissionRequest } from "../../../src/runtime/webhook/types.js";
import { ValidationError } from "../../../src/runtime/webhook/validation-error.js";
import { validator } from "../../../src/runtime/webhook/validator.js";
import { InMemoryTransport } from "../../../src/testing/index.js";
import { apiError, deferred, FIXTURES, KIT_CRDS, requestsServed, startWebhookEnv, WidgetResource, WidgetV2Resource, type Widget } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const widget = (name: string, spec: Widget["spec"] = {}, labels?: Record<string, string>): Widget => ({
  apiVersion: "example.com/v1",
  kind: "Widget",
  metadata: { name, namespace: "default", ...(labels ? { labels } : {}) },
  spec,
});

const MUTATE = defaultingPath(WidgetResource);
const VALIDATE = validatingPath(WidgetResource);
const MutatingConfigurations = defineResource({
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "MutatingWebhookConfiguration",
  plural: "mutatingwebhookconfigurations",
  namespaced: false,
});
const ValidatingConfigurations = defineResource({
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingWebhookConfiguration",
  plural: "validatingwebhookconfigurations",
  namespaced: false,
});

/** The environment of config/webhook as kb generates it, with a defaulter and a validator for Widgets. */
async function widgetEnv(hooks: { onDefault?: (w: Widget, req: AdmissionRequest) => void | Promise<void>; onValidate?: (req: AdmissionRequest) => void } = {}) {
  return startWebhookEnv(
    { crdDirectoryPaths: [KIT_CRDS], webhookInstallOptions: { paths: [`${FIXTURES}/webhook`] } },
    (server) => {
      server.register(
        MUTATE,
        defaulter(WidgetResource, async (w, req) => {
          await hooks.onDefault?.(w, req);
          w.metadata!.labels = { ...w.metadata!.labels, defaulted: "yes" };
          w.spec ??= {};
          w.spec.tags ??= ["default-tag"];
        }),
      );
      server.register(
        VALIDATE,
        validator(WidgetResource, {
          validateCreate(w, req) {
            hooks.onValidate?.(req);
            if ((w.spec?.size ?? 0) > 8) throw new ValidationError("size must be at most 8");
            if (w.spec?.tags?.includes("bad")) throw ValidationError.fields([{ field: "spec.tags", message: 'Invalid value: "bad": not a good tag' }]);
            return w.spec?.tags?.includes("noisy") ? ["noisy widgets are noisy"] : undefined;
          },
          validateUpdate(_old, w, req) {
            hooks.onValidate?.(req);
            if ((w.spec?.size ?? 0) > 8) throw new ValidationError("size must be at most 8");
          },
          validateDelete(w) {
            if (w.metadata?.labels?.["protected"] === "true") throw new ValidationError("this widget is protected");
          },
        }),
      );
    },
    cleanups,
  );
}

describe("admission webhooks called by the in-process API server", () => {
  it("mutates a create with the defaulting webhook's patch, after the object was decoded (schema defaults) and before the schema's validation", async () => {
    let seenByDefaulter: Widget | undefined;
    let seenByValidator: AdmissionRequest | undefined;
    const { client } = await widgetEnv({ onDefault: (w) => void (seenByDefaulter = structuredClone(w)), onValidate: (req) => void (seenByValidator = req) });
    const created = await client.create(WidgetResource, { ...widget("a", { size: 2 }), spec: { size: 2, unknownField: "pruned" } as Widget["spec"] });
    expect(created.metadata?.labels).toEqual({ defaulted: "yes" });
    expect(created.spec).toEqual({ size: 2, color: "blue", tags: ["default-tag"] });
    // The defaulter got the object as the API server decodes it: pruned, with the schema's defaults.
    expect(seenByDefaulter?.spec).toEqual({ size: 2, color: "blue" });
    // The validator got the object after mutation and the server's create steps.
    expect(seenByValidator?.object).toMatchObject({ metadata: { name: "a", uid: created.metadata?.uid, labels: { defaulted: "yes" } }, spec: { tags: ["default-tag"] } });
    expect(seenByValidator).toMatchObject({
      operation: "CREATE",
      kind: { group: "example.com", version: "v1", kind: "Widget" },
      resource: { group: "example.com", version: "v1", resource: "widgets" },
      namespace: "default",
      name: "a",
      dryRun: false,
      userInfo: { username: "kubebuilder-ts-testing", groups: ["system:masters", "system:authenticated"] },
      options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" },
    });
    const stored = await client.get(WidgetResource, { namespace: "default", name: "a" });
    expect(stored.metadata?.labels).toEqual({ defaulted: "yes" });
  });

  it("mutates updates and patches too, with the old object", async () => {
    const olds: unknown[] = [];
    const { client } = await widgetEnv({ onDefault: (_w, req) => void olds.push(req.oldObject) });
    const created = await client.create(WidgetResource, widget("b", { size: 1 }));
    const updated = await client.update(WidgetResource, { ...created, metadata: { ...created.metadata, labels: {} }, spec: { size: 3 } });
    expect(updated.metadata?.labels).toEqual({ defaulted: "yes" });
    expect(updated.spec?.tags).toEqual(["default-tag"]);
    const patched = await client.patch(WidgetResource, { namespace: "default", name: "b" }, { metadata: { labels: { defaulted: null } } }, { type: "merge" });
    expect(patched.metadata?.labels).toEqual({ defaulted: "yes" });
    expect(olds[0]).toBeNull();
    expect(olds[1]).toMatchObject({ spec: { size: 1 } });
    expect(olds[2]).toMatchObject({ spec: { size: 3 } });
  });

  it("denies with the API server's message and the webhook's code: 403 for a plain denial, 422 with causes for field errors", async () => {
    const { client, env } = await widgetEnv();
    const plain = await apiError(client.create(WidgetResource, widget("big", { size: 9, color: "red" })));
    expect(plain.statusCode).toBe(403);
    expect(plain.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'admission webhook "vwidget-v1.kb.io" denied the request: size must be at most 8',
      reason: "Forbidden",
      code: 403,
    });
    const fields = await apiError(client.create(WidgetResource, widget("bad", { tags: ["bad"] })));
    expect(fields.statusCode).toBe(422);
    expect(fields.body).toMatchObject({
      reason: "Invalid",
      message: 'admission webhook "vwidget-v1.kb.io" denied the request: Widget.example.com "bad" is invalid: spec.tags: Invalid value: "bad": not a good tag',
      details: { name: "bad", group: "example.com", kind: "Widget", causes: [{ reason: "FieldValueInvalid", field: "spec.tags" }] },
    });
    await expect(client.get(WidgetResource, { namespace: "default", name: "big" })).rejects.toMatchObject({ statusCode: 404 });
    // The same answer through the in-memory transport (same request handling, no sockets).
    const memory = new ApiClient(new InMemoryTransport(env.server));
    expect((await apiError(memory.create(WidgetResource, widget("big", { size: 9, color: "red" })))).body.message).toBe('admission webhook "vwidget-v1.kb.io" denied the request: size must be at most 8');
  });

  it("calls validating webhooks on delete with the object as oldObject", async () => {
    const { client } = await widgetEnv();
    await client.create(WidgetResource, widget("keep", {}, { protected: "true" }));
    const e = await apiError(client.delete(WidgetResource, { namespace: "default", name: "keep" }));
    expect(e.statusCode).toBe(403);
    expect(e.body.message).toBe('admission webhook "vwidget-v1.kb.io" denied the request: this widget is protected');
    await client.create(WidgetResource, widget("go"));
    await client.delete(WidgetResource, { namespace: "default", name: "go" });
    await expect(client.get(WidgetResource, { namespace: "default", name: "go" })).rejects.toMatchObject({ statusCode: 404 });
  });

  it("sends the webhooks' warnings as Warning headers", async () => {
    const { env } = await widgetEnv();
    const res = await fetch(`${env.server.url}/apis/example.com/v1/namespaces/default/widgets`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(widget("loud", { tags: ["noisy"] })),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("warning")).toBe('299 - "noisy widgets are noisy"');
  });

  it("with the webhook server down: failurePolicy Fail refuses the write with 500, Ignore lets it through unmutated", async () => {
    const { client, env, stopWebhooks } = await widgetEnv();
    await stopWebhooks();
    const port = env.webhook!.port;
    const e = await apiError(client.create(WidgetResource, widget("down")));
    expect(e.statusCode).toBe(500);
    expect(e.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `Internal error occurred: failed calling webhook "mwidget-v1.kb.io": failed to call webhook: Post "https://127.0.0.1:${port}/mutate-example-com-v1-widget?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`,
      reason: "InternalError",
      details: {
        causes: [
          {
            message: `failed calling webhook "mwidget-v1.kb.io": failed to call webhook: Post "https://127.0.0.1:${port}/mutate-example-com-v1-widget?timeout=10s": dial tcp 127.0.0.1:${port}: connect: connection refused`,
          },
        ],
      },
      code: 500,
    });
    // Both webhooks to Ignore, through the API.
    for (const [r, name] of [
      [MutatingConfigurations, "mutating-webhook-configuration"],
      [ValidatingConfigurations, "validating-webhook-configuration"],
    ] as const) {
      await client.patch(r, { name }, [{ op: "replace", path: "/webhooks/0/failurePolicy", value: "Ignore" }], { type: "json" });
    }
    const created = await client.create(WidgetResource, widget("down", { size: 9, color: "red" }));
    expect(created.metadata?.labels).toBeUndefined();
    expect(created.spec).toEqual({ size: 9, color: "red" });
  });

  it("refuses dry-run requests for webhooks with side effects, and tells the others it is a dry run", async () => {
    const dryRuns: boolean[] = [];
    const { client } = await widgetEnv({ onValidate: (req) => void dryRuns.push(req.dryRun === true) });
    const dry = await client.create(WidgetResource, widget("dry", { size: 2 }), { dryRun: true });
    expect(dry.metadata?.labels).toEqual({ defaulted: "yes" });
    expect(dryRuns).toEqual([true]);
    await expect(client.get(WidgetResource, { namespace: "default", name: "dry" })).rejects.toMatchObject({ statusCode: 404 });
    await client.patch(ValidatingConfigurations, { name: "validating-webhook-configuration" }, [{ op: "replace", path: "/webhooks/0/sideEffects", value: "Some" }], { type: "json" });
    const e = await apiError(client.create(WidgetResource, widget("dry"), { dryRun: true }));
    expect(e.statusCode).toBe(400);
    expect(e.body).toMatchObject({ reason: "BadRequest", message: 'admission webhook "vwidget-v1.kb.io" does not support dry run' });
    await client.create(WidgetResource, widget("wet")); // not a dry run: called
  });

  it("calls a webhook registered for v1 with the v1 object when v2 is written (matchPolicy Equivalent), and not under Exact", async () => {
    const requests: AdmissionRequest[] = [];
    const { client } = await widgetEnv({ onDefault: (_w, req) => void requests.push(req) });
    const v2 = await client.create(WidgetV2Resource, { apiVersion: "example.com/v2", kind: "Widget", metadata: { name: "two", namespace: "default" }, spec: { size: 2 } });
    expect(v2.apiVersion).toBe("example.com/v2");
    expect(v2.metadata?.labels).toEqual({ defaulted: "yes" });
    expect(requests[0]).toMatchObject({
      kind: { version: "v1" },
      resource: { version: "v1" },
      requestKind: { group: "example.com", version: "v2", kind: "Widget" },
      requestResource: { version: "v2", resource: "widgets" },
      object: { apiVersion: "example.com/v1" },
    });
    await client.patch(MutatingConfigurations, { name: "mutating-webhook-configuration" }, [{ op: "add", path: "/webhooks/0/matchPolicy", value: "Exact" }], { type: "json" });
    const exact = await client.create(WidgetV2Resource, { apiVersion: "example.com/v2", kind: "Widget", metadata: { name: "three", namespace: "default" }, spec: { size: 2 } });
    expect(exact.metadata?.labels).toBeUndefined();
    expect(requests).toHaveLength(1);
  });

  it("starts a patch over, webhooks included, when the object changed while a webhook was called", async () => {
    const entered = deferred();
    const release = deferred();
    let calls = 0;
    const { client, env } = await widgetEnv({
      onDefault: async (_w, req) => {
        if (req.operation !== "UPDATE") return;
        calls++;
        if (calls === 1) {
          entered.resolve();
          await release.promise;
        }
      },
    });
    await client.create(WidgetResource, widget("race", { size: 1 }));
    const patching = client.patch(WidgetResource, { namespace: "default", name: "race" }, { metadata: { labels: { first: "1" } } }, { type: "merge" });
    await entered.promise;
    // Meanwhile another writer (here the store itself: no webhooks) changes the object.
    const res = env.store.resolve("example.com", "v1", "widgets");
    env.store.patch(res, "default", "race", { type: "merge", patch: { metadata: { labels: { second: "2" } } }, manager: "other" });
    release.resolve();
    const patched = await patching;
    expect(patched.metadata?.labels).toEqual({ defaulted: "yes", first: "1", second: "2" });
    expect(calls).toBe(2);
  });
});

describe("which webhooks are called", () => {
  it("skips a webhook whose namespaceSelector or objectSelector does not select the request (built-in kinds too)", async () => {
    const seen: string[] = [];
    const denyAll = (path: string, selectors: object) => ({
      metadata: { name: `deny${path.replaceAll("/", "-")}` },
      webhooks: [
        {
          name: `deny${path.replaceAll("/", "-")}.example.com`,
          clientConfig: { url: `https://ignored.invalid${path}` },
          rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }],
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          ...selectors,
        },
      ],
    });
    const { client } = await startWebhookEnv(
      {
        webhookInstallOptions: {
          validatingWebhooks: [denyAll("/ns", { namespaceSelector: { matchLabels: { admission: "strict" } } }), denyAll("/obj", { objectSelector: { matchExpressions: [{ key: "audit", operator: "Exists" }] } })],
        },
      },
      (server) => {
        for (const path of ["/ns", "/obj"]) {
          server.register(path, (req) => {
            seen.push(`${path} ${req.namespace ?? ""}/${req.name ?? ""}`);
            return denied(`no ConfigMaps here (${path})`);
          });
        }
      },
      cleanups,
    );
    const cm = (name: string, namespace: string, labels?: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, ...(labels ? { labels } : {}) } });
    await client.create(ConfigMap, cm("free", "default"));
    expect(seen).toEqual([]);
    await client.create(Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: "strict", labels: { admission: "strict" } } });
    const e = await apiError(client.create(ConfigMap, cm("caught", "strict")));
    expect(e.body.message).toBe('admission webhook "deny-ns.example.com" denied the request: no ConfigMaps here (/ns)');
    const o = await apiError(client.create(ConfigMap, cm("audited", "default", { audit: "x" })));
    expect(o.body.message).toBe('admission webhook "deny-obj.example.com" denied the request: no ConfigMaps here (/obj)');
    expect(seen).toEqual(["/ns strict/caught", "/obj default/audited"]);
  });

  it("matches rules on subresources, operations and scope, and evaluates matchConditions", async () => {
    const seen: string[] = [];
    const hook = (name: string, rules: object[], extra: object = {}) => ({
      name: `${name}.example.com`,
      clientConfig: { url: `https://ignored.invalid/${name}` },
      rules,
      sideEffects: "None",
      admissionReviewVersions: ["v1"],
      ...extra,
    });
    const { client } = await startWebhookEnv(
      {
        crdDirectoryPaths: [KIT_CRDS],
        webhookInstallOptions: {
          validatingWebhooks: [
            {
              metadata: { name: "rules" },
              webhooks: [
                hook("status", [{ operations: ["UPDATE"], apiGroups: ["example.com"], apiVersions: ["*"], resources: ["*/status"] }]),
                hook("main", [{ operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["widgets"], scope: "Namespaced" }]),
                hook("cluster", [{ operations: ["CREATE"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"], scope: "Cluster" }]),
                hook("conditional", [{ operations: ["CREATE"], apiGroups: ["example.com"], apiVersions: ["v1"], resources: ["widgets"] }], {
                  matchConditions: [{ name: "big-only", expression: "object.spec.size > 5" }],
                }),
              ],
            },
          ],
        },
      },
      (server) => {
        for (const name of ["status", "main", "cluster", "conditional"]) {
          server.register(`/${name}`, (req) => {
            seen.push(`${name} ${req.operation} ${req.resource.resource}${req.subResource ? `/${req.subResource}` : ""}`);
            return allowed();
          });
        }
      },
      cleanups,
    );
    const w = await client.create(WidgetResource, widget("s", { size: 2 }));
    await client.create(WidgetResource, widget("big", { size: 7, color: "red" }));
    await client.updateStatus(WidgetResource, { ...w, status: { phase: "Ready" } });
    await client.create(Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: "n" } });
    // Validating webhooks answer before the write returns: every call is in.
    expect(seen).toEqual(["main CREATE widgets", "main CREATE widgets", "conditional CREATE widgets", "status UPDATE widgets/status", "cluster CREATE namespaces"]);
  });
});

describe("calling mutating webhooks", () => {
  const hook = (name: string, extra: object = {}) => ({
    name: `${name}.example.com`,
    clientConfig: { url: `https://ignored.invalid/${name}` },
    rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] }],
    sideEffects: "None",
    admissionReviewVersions: ["v1"],
    ...extra,
  });

  it("reinvokes an IfNeeded webhook once when a later webhook changed the object", async () => {
    const calls: string[] = [];
    const { client } = await startWebhookEnv(
      { webhookInstallOptions: { mutatingWebhooks: [{ metadata: { name: "chain" }, webhooks: [hook("first", { reinvocationPolicy: "IfNeeded" }), hook("second")] }] } },
      (server) => {
        server.register(
          "/first",
          defaulter(ConfigMap, (cm) => {
            calls.push("first");
            cm.data = { ...cm.data, seenSecond: cm.metadata?.labels?.["second"] ?? "no" };
          }),
        );
        server.register(
          "/second",
          defaulter(ConfigMap, (cm) => {
            calls.push("second");
            cm.metadata!.labels = { ...cm.metadata!.labels, second: "yes" };
          }),
        );
      },
      cleanups,
    );
    const cm = await client.create(ConfigMap, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "chained", namespace: "default" } });
    expect(calls).toEqual(["first", "second", "first"]);
    expect(cm.data).toEqual({ seenSecond: "yes" });
    expect(cm.metadata?.labels).toEqual({ second: "yes" });
  });

  it("gives up on a webhook after its timeoutSeconds", async () => {
    const release = deferred();
    const { client, env } = await startWebhookEnv(
      { webhookInstallOptions: { mutatingWebhooks: [{ metadata: { name: "slow" }, webhooks: [hook("slow", { timeoutSeconds: 1 })] }] } },
      (server) => server.register("/slow", async () => (await release.promise, { allowed: true })),
      cleanups,
    );
    cleanups.push(() => release.resolve());
    const e = await apiError(client.create(ConfigMap, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late", namespace: "default" } }));
    expect(e.statusCode).toBe(500);
    expect(e.body.message).toBe(
      `Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "https://127.0.0.1:${env.webhook!.port}/slow?timeout=1s": context deadline exceeded`,
    );
  });
});

describe("requests no webhook is for", () => {
  it("are answered without calling the webhook server", async () => {
    const { client, registry } = await widgetEnv();
    const cm = await client.create(ConfigMap, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "plain", namespace: "default" } });
    expect(cm.metadata?.name).toBe("plain");
    expect(await requestsServed(registry, MUTATE)).toBe(0);
  });
});
