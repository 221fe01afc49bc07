// A program for manager-lifecycle.test.ts: runs a manager through faults on the in-process
// server, stops it (or lets its start fail on a kind that is not installed), stops the
// environment, prints how it ended, and then must exit on its own: nothing may keep it alive.
//   node --import tsx run-and-stop.ts stop|fail
import { join } from "node:path";
import { ApiClient, HttpTransport } from "../../../src/runtime/client/index.js";
import { ConfigMap, defineResource } from "../../../src/runtime/index.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager } from "../../../src/runtime/manager/manager.js";
import { InMemoryTransport, startTestEnv } from "../../../src/testing/index.js";
import { FaultyTransport } from "./faulty-transport.js";
import { GreetingReconciler, GreetingResource } from "./sample-operator.js";

const scenario = process.argv[2];
const env = await startTestEnv({ backend: "in-process", crdDirectoryPaths: [join(import.meta.dirname, "fixtures")] });
const http = new HttpTransport({ kubeConfig: env.kubeConfig });
const mgr = new Manager({
  kubeConfig: env.kubeConfig,
  transport: new FaultyTransport(http, { fail500: 0.1, hang: 1, drop: 0.3, calm: 1 }, 3),
  metricsBindAddress: "127.0.0.1:0",
  healthProbeBindAddress: "127.0.0.1:0",
  handleSignals: false,
  logger: silentLogger(),
  gracefulShutdownTimeout: 300,
});
const reconciler = new GreetingReconciler();
mgr.controller(GreetingResource).owns(ConfigMap).withOptions({ maxConcurrentReconciles: 2 }).complete(reconciler);
if (scenario === "fail") {
  const Widget = defineResource({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });
  mgr.controller(Widget).withOptions({ cacheSyncTimeout: 1_500 }).complete({ reconcile: async () => ({}) });
}
const running = mgr.start().then(
  () => "resolved",
  (error: unknown) => `rejected: ${String(error)}`,
);
const client = new ApiClient(new InMemoryTransport(env.server));
for (const name of ["a", "b", "c"]) {
  await client.create(GreetingResource, { apiVersion: "example.com/v1", kind: "Greeting", metadata: { name, namespace: "default" }, spec: { message: name } });
}
env.server.faults.delayRequests(3_600_000, (r) => r.method === "PUT" && r.name === "c");
env.server.faults.dropWatches({ abrupt: true });
if (scenario === "stop") {
  for (let delay = 5; reconciler.calls.length < 3; delay = Math.min(delay * 2, 100)) await new Promise((resolve) => setTimeout(resolve, delay));
  mgr.stop();
}
const ended = await running;
http.close();
await env.stop();
process.stdout.write(`${ended}\n`);
