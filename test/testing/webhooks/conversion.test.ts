import { afterEach, describe, expect, it } from "vitest";
import { defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { conversion, type SpokeConversion } from "../../../src/runtime/webhook/conversion.js";
import { CONVERSION_PATH } from "../../../src/runtime/webhook/paths.js";
import { apiError, eventually, FIXTURES, requestsServed, startWebhookEnv, type WebhookEnv } from "./support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GROUP = "conv.example.com";

/** The hub (stored) version. */
interface Gizmo extends KubernetesObject {
  spec: { size: number; color?: string };
  status?: { ready?: boolean };
}
/** The spoke: the same data shaped differently. */
interface GizmoV2 extends KubernetesObject {
  spec: { dimensions: { size: number }; paint?: string };
  status?: { ready?: boolean };
}

const Gizmos = defineResource<Gizmo>({ group: GROUP, version: "v1", kind: "Gizmo", plural: "gizmos", namespaced: true });
const GizmosV2 = defineResource<GizmoV2>({ group: GROUP, version: "v2", kind: "Gizmo", plural: "gizmos", namespaced: true });

const v2: SpokeConversion<Gizmo, GizmoV2> = {
  toHub: (o) => ({ ...o, spec: { size: o.spec.dimensions.size, ...(o.spec.paint !== undefined ? { color: o.spec.paint } : {}) } }) as Gizmo,
  fromHub: (h) => ({ ...h, spec: { dimensions: { size: h.spec.size }, ...(h.spec.color !== undefined ? { paint: h.spec.color } : {}) } }) as GizmoV2,
};

async function gizmoEnv(): Promise<WebhookEnv> {
  return startWebhookEnv(
    { crdDirectoryPaths: [`${FIXTURES}/crds`], webhookInstallOptions: { conversionCrds: [`gizmos.${GROUP}`] } },
    (server) => server.registerConversion(conversion<Gizmo>({ hub: Gizmos, spokes: { v2 } })),
    cleanups,
  );
}

const gizmo = (name: string, size: number, color?: string): Gizmo => ({
  apiVersion: `${GROUP}/v1`,
  kind: "Gizmo",
  metadata: { name, namespace: "default", labels: { app: "g" } },
  spec: { size, ...(color ? { color } : {}) },
});

describe("CRD conversion webhooks called by the in-process API server", () => {
  it("installs the CRD with Webhook conversion pointing at the local server", async () => {
    const { env } = await gizmoEnv();
    const crd = env.store.get(env.store.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions"), undefined, `gizmos.${GROUP}`);
    expect((crd["spec"] as { conversion: unknown }).conversion).toEqual({
      strategy: "Webhook",
      webhook: { clientConfig: { url: env.webhook!.url("/convert"), caBundle: env.webhook!.caData.toString("base64") }, conversionReviewVersions: ["v1"] },
    });
  });

  it("converts a v1 object read as v2 (get and list, one review for the page) and back", async () => {
    const { client, registry } = await gizmoEnv();
    await client.create(Gizmos, gizmo("a", 3, "red"));
    await client.create(Gizmos, gizmo("b", 4));
    const a = await client.get(GizmosV2, { namespace: "default", name: "a" });
    expect(a).toMatchObject({ apiVersion: `${GROUP}/v2`, kind: "Gizmo", metadata: { name: "a", labels: { app: "g" } }, spec: { dimensions: { size: 3 }, paint: "red" } });
    await eventually("the get's review counted", async () => (await requestsServed(registry, CONVERSION_PATH)) === 1);
    const list = await client.list(GizmosV2, { namespace: "default" });
    expect(list.map((g) => [g.apiVersion, g.spec])).toEqual([
      [`${GROUP}/v2`, { dimensions: { size: 3 }, paint: "red" }],
      [`${GROUP}/v2`, { dimensions: { size: 4 } }],
    ]);
    await eventually("one review for the list", async () => (await requestsServed(registry, CONVERSION_PATH)) === 2);
    // Reads at the storage version call nothing.
    expect((await client.get(Gizmos, { namespace: "default", name: "a" })).spec).toEqual({ size: 3, color: "red" });
    expect(await requestsServed(registry, CONVERSION_PATH)).toBe(2);
  });

  it("stores an object written as v2 converted to v1, and answers the write at v2", async () => {
    const { client, env } = await gizmoEnv();
    const created = await client.create(GizmosV2, { apiVersion: `${GROUP}/v2`, kind: "Gizmo", metadata: { name: "w", namespace: "default" }, spec: { dimensions: { size: 5 }, paint: "blue" } });
    expect(created).toMatchObject({ apiVersion: `${GROUP}/v2`, spec: { dimensions: { size: 5 }, paint: "blue" } });
    // The store holds it at v1, converted (not merely relabelled: the v1 schema would have pruned v2's fields).
    const stored = env.store.get(env.store.resolve(GROUP, "v1", "gizmos"), "default", "w");
    expect(stored["spec"]).toEqual({ size: 5, color: "blue" });
    expect((await client.get(Gizmos, { namespace: "default", name: "w" })).spec).toEqual({ size: 5, color: "blue" });
    // Updates and patches at v2 too.
    const updated = await client.update(GizmosV2, { ...created, spec: { dimensions: { size: 6 }, paint: "green" } });
    expect(updated.spec).toEqual({ dimensions: { size: 6 }, paint: "green" });
    const patched = await client.patch(GizmosV2, { namespace: "default", name: "w" }, { spec: { dimensions: { size: 7 } } }, { type: "merge" });
    expect(patched.spec).toEqual({ dimensions: { size: 7 }, paint: "green" });
    expect((await client.get(Gizmos, { namespace: "default", name: "w" })).spec).toEqual({ size: 7, color: "green" });
    // The schema of the requested version validates the write: v2's minimum on dimensions.size.
    const invalid = await apiError(client.patch(GizmosV2, { namespace: "default", name: "w" }, { spec: { dimensions: { size: 0 } } }, { type: "merge" }));
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body.message).toContain("spec.dimensions.size: Invalid value: 0: spec.dimensions.size in body should be greater than or equal to 1");
    // Status at v2, then delete at v2 (the answer is the object at v2).
    await client.patchStatus(GizmosV2, { namespace: "default", name: "w" }, { status: { ready: true } }, { type: "merge" });
    expect((await client.get(Gizmos, { namespace: "default", name: "w" })).status).toEqual({ ready: true });
    await client.delete(GizmosV2, { namespace: "default", name: "w" });
    await expect(client.get(Gizmos, { namespace: "default", name: "w" })).rejects.toMatchObject({ statusCode: 404 });
  });

  it("converts the events of a watch at v2, in order", async () => {
    const { client, transport } = await gizmoEnv();
    await client.create(Gizmos, gizmo("first", 1));
    const stream = await transport.stream({ path: `/apis/${GROUP}/v2/namespaces/default/gizmos`, query: { watch: "true" } });
    cleanups.push(() => stream.close());
    const events: { type: string; object: GizmoV2 }[] = [];
    const reading = (async () => {
      for await (const e of stream) {
        events.push(e as { type: string; object: GizmoV2 });
        if (events.length === 4) break;
      }
    })();
    await eventually("the initial event", () => events.length === 1);
    await client.create(Gizmos, gizmo("second", 2));
    await client.patch(Gizmos, { namespace: "default", name: "first" }, { spec: { size: 9 } }, { type: "merge" });
    await client.delete(Gizmos, { namespace: "default", name: "second" });
    await reading;
    expect(events.map((e) => [e.type, e.object.apiVersion, e.object.metadata?.name, e.object.spec])).toEqual([
      ["ADDED", `${GROUP}/v2`, "first", { dimensions: { size: 1 } }],
      ["ADDED", `${GROUP}/v2`, "second", { dimensions: { size: 2 } }],
      ["MODIFIED", `${GROUP}/v2`, "first", { dimensions: { size: 9 } }],
      ["DELETED", `${GROUP}/v2`, "second", { dimensions: { size: 2 } }],
    ]);
  });

  it("answers the API server's 500 when the conversion webhook cannot be called, and ends watches; the storage version still reads", async () => {
    const { client, env, stopWebhooks, transport } = await gizmoEnv();
    await client.create(Gizmos, gizmo("c", 2));
    const stream = await transport.stream({ path: `/apis/${GROUP}/v2/namespaces/default/gizmos`, query: { watch: "true" } });
    cleanups.push(() => stream.close());
    const events: unknown[] = [];
    const watching = (async () => {
      for await (const e of stream) events.push(e);
    })();
    await eventually("the initial event", () => events.length === 1);
    await stopWebhooks();
    const port = env.webhook!.port;
    const e = await apiError(client.get(GizmosV2, { namespace: "default", name: "c" }));
    expect(e.statusCode).toBe(500);
    expect(e.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `conversion webhook for ${GROUP}/v1, Kind=Gizmo failed: Post "https://127.0.0.1:${port}/convert?timeout=30s": dial tcp 127.0.0.1:${port}: connect: connection refused`,
      code: 500,
    });
    const write = await apiError(client.create(GizmosV2, { apiVersion: `${GROUP}/v2`, kind: "Gizmo", metadata: { name: "d", namespace: "default" }, spec: { dimensions: { size: 1 } } }));
    expect(write.body.message).toMatch(new RegExp(`^conversion webhook for ${GROUP}/v2, Kind=Gizmo failed: Post `));
    expect((await client.get(Gizmos, { namespace: "default", name: "c" })).spec).toEqual({ size: 2 });
    // An event the API server cannot convert ends the watch (as one it cannot encode does).
    await client.patch(Gizmos, { namespace: "default", name: "c" }, { spec: { size: 3 } }, { type: "merge" });
    await watching;
    expect(events).toHaveLength(1);
  });
});
