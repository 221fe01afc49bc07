import { ApiException, CoreV1Api, Watch, type KubernetesObject } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { matchesRequest, type FaultRequest } from "../../../src/testing/http/faults.js";
import { startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { eventually, testClock } from "../helpers.js";

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

async function code(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

function openWatch(e: TestEnv, path: string, query: Record<string, string | number | boolean | undefined> = {}) {
  const state = { events: [] as { type: string; object: Record<string, unknown> }[], done: "open" as unknown };
  const started = new Watch(e.kubeConfig).watch(
    path,
    query,
    (type, object: Record<string, unknown>) => state.events.push({ type, object }),
    (err) => (state.done = err),
  );
  return { state, started };
}

describe("fault injection", () => {
  it("fails matching requests with the API server's Status, count times", async () => {
    env = await startTestEnv({ env: {} });
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    const fault = env.server.faults.failRequests(503, { method: "GET", resource: "configmaps" }, 2);
    expect(await code(core.listNamespacedConfigMap({ namespace: "default" }))).toBe(503);
    expect(await code(core.listNamespacedSecret({ namespace: "default" }))).toBe(200);
    expect(await code(core.listNamespacedConfigMap({ namespace: "default" }))).toBe(503);
    expect(await code(core.listNamespacedConfigMap({ namespace: "default" }))).toBe(200);
    expect(fault.hits).toBe(2);

    env.server.faults.failRequests(500);
    try {
      await core.listNamespacedConfigMap({ namespace: "default" });
    } catch (e) {
      expect(e).toBeInstanceOf(ApiException);
      expect(JSON.parse((e as ApiException<string>).body)).toMatchObject({ kind: "Status", status: "Failure", reason: "InternalError", code: 500 });
    }
    env.server.faults.reset();
    expect(await code(core.listNamespacedConfigMap({ namespace: "default" }))).toBe(200);
  });

  it("sends Retry-After with 429", async () => {
    env = await startTestEnv({ env: {} });
    env.server.faults.failRequests(429, { path: "/api/v1" }, 1);
    const res = await fetch(`${env.server.url}/api/v1/namespaces`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toMatchObject({ reason: "TooManyRequests", details: { retryAfterSeconds: 1 } });
    expect(() => env!.server.faults.failRequests(200)).toThrow(RangeError);
  });

  it("delays matching requests on the server's clock", async () => {
    const clock = testClock();
    env = await startTestEnv({ env: {}, clock });
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    const handle = env.server.faults.delayRequests(5000, { method: "POST" });
    let done = false;
    const creating = core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "slow" } } }).then(() => (done = true));
    await eventually(() => clock.pendingTimers > 0);
    expect(done).toBe(false);
    expect(await code(core.listNamespacedConfigMap({ namespace: "default" }))).toBe(200);
    clock.advance(5000);
    await creating;
    expect(done).toBe(true);
    expect(handle.hits).toBe(1);
    handle.cancel();
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "fast" } } });
  });

  it("drops watch connections, cleanly or abruptly", async () => {
    env = await startTestEnv({ env: {} });
    const clean = openWatch(env, "/api/v1/configmaps");
    await clean.started;
    await eventually(() => env!.server.openWatches === 1);
    expect(env.server.faults.dropWatches()).toBe(1);
    await eventually(() => clean.state.done !== "open");
    expect(clean.state.done).toBeNull();

    const abrupt = openWatch(env, "/api/v1/configmaps");
    await abrupt.started;
    await eventually(() => env!.server.openWatches === 1);
    expect(env.server.faults.dropWatches({ abrupt: true })).toBe(1);
    await eventually(() => abrupt.state.done !== "open");
    expect(env.server.openWatches).toBe(0);
  });

  it("expires resourceVersions: open watches get 410, and so do watches and lists from older versions until reset", async () => {
    env = await startTestEnv({ env: {} });
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: "default" });
    const rv = list.metadata!.resourceVersion!;
    const open = openWatch(env, "/api/v1/namespaces/default/configmaps", { resourceVersion: rv });
    await open.started;
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "x" } } });
    await eventually(() => open.state.events.length === 1);
    env.server.faults.expireResourceVersions();
    await eventually(() => open.state.done !== "open");
    expect(open.state.events.map((e) => e.type)).toEqual(["ADDED", "ERROR"]);
    expect(open.state.events[1]!.object).toMatchObject({ kind: "Status", reason: "Expired", code: 410 });

    const late = openWatch(env, "/api/v1/namespaces/default/configmaps", { resourceVersion: rv });
    await late.started;
    await eventually(() => late.state.done !== "open");
    expect(late.state.events.map((e) => e.object["code"])).toEqual([410]);
    expect(await code(core.listNamespacedConfigMap({ namespace: "default", resourceVersion: rv }))).toBe(410);

    env.server.faults.reset();
    expect(await code(core.listNamespacedConfigMap({ namespace: "default", resourceVersion: rv }))).toBe(200);
    const fresh = await core.listNamespacedConfigMap({ namespace: "default" });
    const resumed = openWatch(env, "/api/v1/namespaces/default/configmaps", { resourceVersion: fresh.metadata!.resourceVersion });
    await resumed.started;
    await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "y" } } });
    await eventually(() => resumed.state.events.length === 1);
    expect((resumed.state.events[0]!.object as KubernetesObject).metadata?.name).toBe("y");
  });
});

describe("request matching", () => {
  const req: FaultRequest = { method: "PUT", path: "/apis/apps/v1/namespaces/a/deployments/d/status", query: new URLSearchParams(), watch: false, resource: "deployments", namespace: "a", name: "d", subresource: "status" };
  it("matches on every given field", () => {
    expect(matchesRequest(undefined, req)).toBe(true);
    expect(matchesRequest({ method: ["get", "put"], resource: "deployments", subresource: "status", namespace: "a" }, req)).toBe(true);
    expect(matchesRequest({ method: "GET" }, req)).toBe(false);
    expect(matchesRequest({ path: "/apis/apps" }, req)).toBe(true);
    expect(matchesRequest({ path: /\/status$/ }, req)).toBe(true);
    expect(matchesRequest({ watch: true }, req)).toBe(false);
    expect(matchesRequest((r) => r.name === "d", req)).toBe(true);
  });
});
