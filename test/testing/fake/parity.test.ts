import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../../src/runtime/client/transport.js";
import type { Client } from "../../../src/runtime/client/types.js";
import { ApiError } from "../../../src/runtime/errors.js";
import { ConfigMap, defineResource, type KubernetesObject } from "../../../src/runtime/resource.js";
import { fakeClient, startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { CRD_DIR } from "../helpers.js";

const Widget = defineResource<KubernetesObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> }>({
  group: "example.com",
  version: "v1",
  kind: "Widget",
  plural: "widgets",
  namespaced: true,
});

let env: TestEnv;
let transport: HttpTransport;
beforeAll(async () => {
  env = await startTestEnv({ crdDirectoryPaths: [CRD_DIR], env: {} });
  transport = new HttpTransport({ kubeConfig: env.kubeConfig });
});
afterAll(async () => {
  transport.close();
  await env.stop();
});

type Outcome = { ok: unknown } | { error: { statusCode: number; body: unknown; method: string; path: string } };

/** Strips what legitimately differs between two stores: uids, timestamps, resourceVersions. */
function normalize(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (["uid", "creationTimestamp", "resourceVersion", "time", "deletionTimestamp"].includes(key) ? "<x>" : v)),
  ) as unknown;
}

async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: normalize(await p) };
  } catch (e) {
    if (e instanceof ApiError) {
      const body = normalize(e.body) as Record<string, unknown>;
      if (typeof body["message"] === "string") body["message"] = body["message"].replace(/ at \d{4}-\d\d-\d\dT[\d:]+Z/g, "");
      return { error: { statusCode: e.statusCode, body, method: e.method, path: e.path } };
    }
    throw e;
  }
}

/** The same script of calls, run against one client in its own namespace. */
async function script(client: Client, ns: string): Promise<Outcome[]> {
  const out: Outcome[] = [];
  out.push(await outcome(client.get(ConfigMap, { namespace: ns, name: "missing" })));
  out.push(await outcome(client.create(ConfigMap, { metadata: { name: "a", namespace: "nowhere" } })));
  const cm = await client.create(ConfigMap, { metadata: { name: "a", namespace: ns }, data: { k: "1" } });
  out.push(await outcome(client.create(ConfigMap, { metadata: { name: "a", namespace: ns } })));
  await client.update(ConfigMap, { ...cm, data: { k: "2" } });
  out.push(await outcome(client.update(ConfigMap, { ...cm, data: { k: "3" } })));
  out.push(await outcome(client.create(Widget, { metadata: { name: "bad", namespace: ns }, spec: { size: 0, color: "pink" } })));
  const w = await client.create(Widget, { metadata: { name: "w", namespace: ns }, spec: { size: 2 }, status: { phase: "x" } });
  out.push({ ok: normalize(w) });
  out.push(await outcome(client.updateStatus(Widget, { ...w, spec: { size: 3 }, status: { phase: "Ready" } })));
  out.push(await outcome(client.patch(Widget, { namespace: ns, name: "w" }, { spec: { size: 4 } }, { type: "apply", fieldManager: "alice", force: true })));
  out.push(await outcome(client.patch(Widget, { namespace: ns, name: "w" }, { spec: { size: 5 } }, { type: "apply", fieldManager: "bob" })));
  out.push(await outcome(client.patch(Widget, { namespace: ns, name: "w" }, { spec: {} }, { type: "strategic" })));
  out.push(await outcome(client.patch(Widget, { namespace: ns, name: "w" }, [{ op: "test", path: "/spec/size", value: 9 }], { type: "json" })));
  out.push(await outcome(client.list(ConfigMap, { namespace: ns, fieldSelector: "metadata.name=a" })));
  out.push(await outcome(client.list(Widget, { namespace: ns, fieldSelector: "spec.size=1" })));
  out.push(await outcome(client.delete(ConfigMap, { namespace: ns, name: "a" }, { resourceVersion: "1" })));
  out.push(await outcome(client.delete(Widget, { namespace: ns, name: "w" })));
  out.push(await outcome(client.delete(Widget, { namespace: ns, name: "w" })));
  for (const name of ["p1", "p2", "p3"]) await client.create(ConfigMap, { metadata: { name, namespace: ns, labels: { page: "yes" } } });
  const first = await client.listPage(ConfigMap, { namespace: ns, labelSelector: "page", limit: 2 });
  out.push({ ok: normalize({ items: first.items, more: first.continue !== undefined }) });
  const second = client.listPage(ConfigMap, { namespace: ns, labelSelector: "page", limit: 2, continue: first.continue });
  out.push(await outcome(second.then((p) => ({ items: p.items, continue: p.continue }))));
  out.push(await outcome(client.listPage(ConfigMap, { namespace: ns, continue: "garbage" })));
  out.push(await outcome(client.deleteAllOf(ConfigMap, { labelSelector: "page" })));
  out.push(await outcome(client.deleteAllOf(ConfigMap, { namespace: ns, labelSelector: "page=yes", fieldSelector: "metadata.name!=p3" })));
  out.push(await outcome(client.list(ConfigMap, { namespace: ns, labelSelector: "page" })));
  return out;
}

describe("fake client and test server agree", () => {
  it("give the same results and the same ApiErrors for the same calls", async () => {
    const http = new ApiClient(transport);
    env.store.create(env.store.resolve("", "v1", "namespaces"), undefined, { metadata: { name: "parity" } }, { manager: "t" });
    const fake = fakeClient({ crdDirectoryPaths: [CRD_DIR], objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "parity" } }] });
    const viaHttp = await script(http, "parity");
    const viaFake = await script(fake, "parity");
    expect(viaFake).toEqual(viaHttp);
    const codes = viaHttp.map((o) => ("error" in o ? o.error.statusCode : 200));
    expect(codes).toEqual([404, 404, 409, 409, 422, 200, 200, 200, 409, 415, 422, 200, 400, 409, 200, 404, 200, 200, 400, 405, 200, 200]);
    expect(viaHttp.at(-1)).toMatchObject({ ok: [{ metadata: { name: "p3" } }] });
  });
});
