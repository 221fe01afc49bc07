import { CoreV1Api, Watch, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { CRD_DIR, eventually, testClock } from "../helpers.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv({ crdDirectoryPaths: [CRD_DIR], env: {} });
});
afterAll(async () => {
  await env.stop();
});

async function call(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${env.server.url}${path}`, {
    method,
    headers: { "Content-Type": contentType, "User-Agent": "rest-details/1.0" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("REST details", () => {
  it("deletes collections by label selector", async () => {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    for (const [name, app] of [["dc1", "gone"], ["dc2", "gone"], ["dc3", "kept"]]) {
      await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name, labels: { app: app! } } } });
    }
    await core.deleteCollectionNamespacedConfigMap({ namespace: "default", labelSelector: "app=gone" });
    const left = await core.listNamespacedConfigMap({ namespace: "default", labelSelector: "app" });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(["dc3"]);
  });

  it("honours dryRun=All and records the User-Agent as field manager", async () => {
    const dry = await call("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", { metadata: { name: "dry" } });
    expect(dry.status).toBe(201);
    expect((await call("GET", "/api/v1/namespaces/default/configmaps/dry")).status).toBe(404);
    const real = await call("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "ua" }, data: { a: "b" } });
    expect((real.body["metadata"] as { managedFields: { manager: string }[] }).managedFields[0]?.manager).toBe("rest-details");
    const named = await call("POST", "/api/v1/namespaces/default/configmaps?fieldManager=explicit", { metadata: { name: "fm" }, data: { a: "b" } });
    expect((named.body["metadata"] as { managedFields: { manager: string }[] }).managedFields[0]?.manager).toBe("explicit");
  });

  it("answers 415 for unknown or unsupported patch types, and 405 for a create without a namespace", async () => {
    await call("POST", "/apis/example.com/v1/namespaces/default/widgets", { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "p" }, spec: { size: 1 } });
    const smp = await call("PATCH", "/apis/example.com/v1/namespaces/default/widgets/p", {}, "application/strategic-merge-patch+json");
    expect(smp.status).toBe(415);
    expect((await call("PATCH", "/api/v1/namespaces/default/configmaps/ua", {}, "text/plain")).status).toBe(415);
    expect((await call("POST", "/api/v1/configmaps", { metadata: { name: "x" } })).status).toBe(405);
    expect((await call("POST", "/api/v1/namespaces/default/configmaps", "{not json")).status).toBe(400);
  });

  it("applies YAML with application/apply-patch+yaml, creating with 201 then updating with 200", async () => {
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: '1'\n";
    const first = await call("PATCH", "/api/v1/namespaces/default/configmaps/applied?fieldManager=yaml-applier", yaml, "application/apply-patch+yaml");
    expect(first.status).toBe(201);
    const second = await call("PATCH", "/api/v1/namespaces/default/configmaps/applied?fieldManager=yaml-applier", yaml.replace("'1'", "'2'"), "application/apply-patch+yaml");
    expect(second.status).toBe(200);
    expect(second.body["data"]).toEqual({ a: "2" });
    const noManager = await call("PATCH", "/api/v1/namespaces/default/configmaps/applied", yaml, "application/apply-patch+yaml");
    expect(noManager.status).toBe(422);
  });

  it("watches one object through the /watch/ path, and ends at timeoutSeconds (on the server's clock)", async () => {
    const clock = testClock();
    const timed = await startTestEnv({ env: {}, clock });
    try {
      const core = timed.kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "solo" } } });
      await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "other" } } });
      const events: string[] = [];
      let done: unknown = "open";
      // (On the object's own path, watch=true is ignored by the API server: it answers the object.)
      await new Watch(timed.kubeConfig).watch(
        "/api/v1/watch/namespaces/default/configmaps/solo",
        { timeoutSeconds: 30 },
        (type, obj: KubernetesObject) => events.push(`${type} ${obj.metadata?.name}`),
        (err) => (done = err),
      );
      await eventually(() => timed.server.openWatches === 1 && events.length === 1);
      clock.advance(29_000);
      expect(done).toBe("open");
      clock.advance(1_000);
      await eventually(() => done !== "open");
      expect(events).toEqual(["ADDED solo"]);
    } finally {
      await timed.stop();
    }
  });

  it("answers a watch with a bad selector with a 400 Status, not a stream", async () => {
    const res = await call("GET", "/api/v1/configmaps?watch=true&labelSelector=a%20in%20(b");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: "Status", reason: "BadRequest" });
  });
});
