// The webhooks of a kb project called by the API server itself, on both backends with the same
// assertions: the in-process server, and a real kube-apiserver (with KUBEBUILDER_ASSETS), which
// is the judge of what the in-process one must do. One environment per backend: a defaulter and
// a validator for Widgets (config/webhook as kb generate writes it) and a conversion webhook for
// Gizmos (v1 stored, v2 served), all on the runtime's WebhookServer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { conversion, type SpokeConversion } from "../../../src/runtime/webhook/conversion.js";
import { defaulter } from "../../../src/runtime/webhook/defaulter.js";
import { defaultingPath, validatingPath } from "../../../src/runtime/webhook/paths.js";
import { ValidationError } from "../../../src/runtime/webhook/validation-error.js";
import { validator } from "../../../src/runtime/webhook/validator.js";
import type { TestEnvBackend } from "../../../src/testing/index.js";
import { realAssets, skipReal } from "../../helpers/real-kubernetes.js";
import { apiError, FIXTURES, KIT_CRDS, startWebhookEnv, WidgetResource, type WebhookEnv, type Widget } from "./support.js";

const GROUP = "conv.example.com";
interface Gizmo extends KubernetesObject {
  spec: { size: number; color?: string };
}
interface GizmoV2 extends KubernetesObject {
  spec: { dimensions: { size: number }; paint?: string };
}
const Gizmos = defineResource<Gizmo>({ group: GROUP, version: "v1", kind: "Gizmo", plural: "gizmos", namespaced: true });
const GizmosV2 = defineResource<GizmoV2>({ group: GROUP, version: "v2", kind: "Gizmo", plural: "gizmos", namespaced: true });
const v2: SpokeConversion<Gizmo, GizmoV2> = {
  toHub: (o) => ({ ...o, spec: { size: o.spec.dimensions.size, ...(o.spec.paint !== undefined ? { color: o.spec.paint } : {}) } }) as Gizmo,
  fromHub: (h) => ({ ...h, spec: { dimensions: { size: h.spec.size }, ...(h.spec.color !== undefined ? { paint: h.spec.color } : {}) } }) as GizmoV2,
};

const widget = (name: string, spec: Widget["spec"] = {}): Widget => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name, namespace: "default" }, spec });

for (const backend of ["in-process", "real"] as const satisfies readonly TestEnvBackend[]) {
  const skip = backend === "real" && skipReal("webhooks called by a real API server");
  describe.skipIf(skip)(`webhooks called by the API server (${backend})`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    let w: WebhookEnv;
    beforeAll(async () => {
      const found = realAssets();
      w = await startWebhookEnv(
        {
          backend,
          ...(backend === "real" && "directory" in found ? { binaryAssetsDirectory: found.directory } : {}),
          crdDirectoryPaths: [KIT_CRDS, `${FIXTURES}/crds`],
          webhookInstallOptions: { paths: [`${FIXTURES}/webhook`], conversionCrds: [`gizmos.${GROUP}`] },
        },
        (server) => {
          server.register(
            defaultingPath(WidgetResource),
            defaulter(WidgetResource, (o) => {
              o.metadata!.labels = { ...o.metadata!.labels, defaulted: "yes" };
              o.spec ??= {};
              o.spec.tags ??= ["default-tag"];
            }),
          );
          server.register(
            validatingPath(WidgetResource),
            validator(WidgetResource, {
              validateCreate(o) {
                if ((o.spec?.size ?? 0) > 8) throw new ValidationError("size must be at most 8");
                if (o.spec?.tags?.includes("bad")) throw ValidationError.fields([{ field: "spec.tags", message: 'Invalid value: "bad": not a good tag' }]);
              },
              validateUpdate(_old, o) {
                if ((o.spec?.size ?? 0) > 8) throw new ValidationError("size must be at most 8");
              },
            }),
          );
          server.registerConversion(conversion<Gizmo>({ hub: Gizmos, spokes: { v2 } }));
        },
        cleanups,
      );
    });
    afterAll(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it("a defaulting webhook mutates a create, after the schema's defaults", async () => {
      const created = await w.client.create(WidgetResource, widget("d", { size: 2 }));
      expect(created.metadata?.labels).toEqual({ defaulted: "yes" });
      expect(created.spec).toEqual({ size: 2, color: "blue", tags: ["default-tag"] });
    });

    it("a validating webhook denies with the API server's message: 403 for a plain denial, 422 with causes for field errors", async () => {
      const plain = await apiError(w.client.create(WidgetResource, widget("big", { size: 9, color: "red" })));
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
      const fields = await apiError(w.client.create(WidgetResource, widget("bad", { tags: ["bad"] })));
      expect(fields.statusCode).toBe(422);
      expect(fields.body).toMatchObject({
        reason: "Invalid",
        message: 'admission webhook "vwidget-v1.kb.io" denied the request: Widget.example.com "bad" is invalid: spec.tags: Invalid value: "bad": not a good tag',
        details: { name: "bad", group: "example.com", kind: "Widget", causes: [{ reason: "FieldValueInvalid", field: "spec.tags" }] },
      });
      // An update is checked too.
      const ok = await w.client.create(WidgetResource, widget("grow", { size: 3 }));
      const denied = await apiError(w.client.update(WidgetResource, { ...ok, spec: { ...ok.spec, size: 9, color: "red" } }));
      expect(denied.body.message).toBe('admission webhook "vwidget-v1.kb.io" denied the request: size must be at most 8');
    });

    it("a conversion webhook serves v1 objects read as v2, and stores v2 writes as v1", async () => {
      await w.client.create(Gizmos, { apiVersion: `${GROUP}/v1`, kind: "Gizmo", metadata: { name: "a", namespace: "default" }, spec: { size: 3, color: "red" } });
      const a = await w.client.get(GizmosV2, { namespace: "default", name: "a" });
      expect(a).toMatchObject({ apiVersion: `${GROUP}/v2`, spec: { dimensions: { size: 3 }, paint: "red" } });
      expect((await w.client.list(GizmosV2, { namespace: "default" })).map((g) => g.spec)).toEqual([{ dimensions: { size: 3 }, paint: "red" }]);
      const b = await w.client.create(GizmosV2, { apiVersion: `${GROUP}/v2`, kind: "Gizmo", metadata: { name: "b", namespace: "default" }, spec: { dimensions: { size: 5 }, paint: "blue" } });
      expect(b.spec).toEqual({ dimensions: { size: 5 }, paint: "blue" });
      expect((await w.client.get(Gizmos, { namespace: "default", name: "b" })).spec).toEqual({ size: 5, color: "blue" });
    });

    it("with the webhook server down, failurePolicy Fail refuses the write with the API server's 500", async () => {
      await w.stopWebhooks();
      const port = w.env.webhook!.port;
      const e = await apiError(w.client.create(WidgetResource, widget("down")));
      expect(e.statusCode).toBe(500);
      expect(e.body.reason).toBe("InternalError");
      const call = `Internal error occurred: failed calling webhook "mwidget-v1.kb.io": failed to call webhook: Post "https://127.0.0.1:${port}/mutate-example-com-v1-widget?timeout=10s": `;
      const refused = `dial tcp 127.0.0.1:${port}: connect: connection refused`;
      const message = e.body.message ?? "";
      if (backend === "in-process") expect(message).toBe(call + refused);
      else {
        // kube-apiserver may still hold a kept-alive connection to the stopped server: its
        // first write on it then fails instead of a new dial (Go does not retry a POST).
        expect(message.startsWith(call), message).toBe(true);
        expect(message.slice(call.length)).toMatch(new RegExp(`^(${refused}|write tcp [\\d.:]+->127\\.0\\.0\\.1:${port}: write: broken pipe|read tcp [\\d.:]+->127\\.0\\.0\\.1:${port}: read: connection reset by peer|EOF)$`));
      }
    });
  });
}
