// The manager's start-up and shutdown under faults: an API server nobody answers for, a
// controller whose CRD is not installed, and a run full of dropped watches, 500s and hanging
// requests, after which stop() (and env.stop()) must leave nothing open. In-process server:
// these need its fault injection and its store.
import { spawn } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, HttpTransport } from "../../../src/runtime/client/index.js";
import { CacheSyncTimeoutError } from "../../../src/runtime/cache/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { ConfigMap, requestKey, type Client, type Reconciler } from "../../../src/runtime/index.js";
import { silentLogger, type Logger } from "../../../src/runtime/log/logger.js";
import { Manager, type ManagerOptions } from "../../../src/runtime/manager/manager.js";
import { InMemoryTransport, kubeConfigFor, startTestEnv } from "../../../src/testing/index.js";
import { describeEachBackend, eventually, testEnvPerFile } from "../../helpers/backends.js";
import { FaultyTransport } from "./faulty-transport.js";
import { GreetingReconciler, GreetingResource, type Greeting } from "./sample-operator.js";

const CRDS = join(import.meta.dirname, "fixtures");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** What keeps the process alive: sockets, servers, pending connects, timers (unref'd ones do not count). */
const WATCHED = ["TCPSocketWrap", "TCPServerWrap", "TCPWRAP", "ConnectWrap", "Timeout"];
function activeHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) if (WATCHED.includes(name)) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Waits until no more handles are active than in `before` (a closed handle goes away in a later turn of the event loop). */
async function nothingLeftOpen(before: Record<string, number>): Promise<void> {
  await eventually(
    "no socket, server or timer left open",
    () => {
      const now = activeHandles();
      const extra = Object.entries(now).filter(([name, n]) => n > (before[name] ?? 0));
      if (extra.length > 0) throw new Error(`still open: ${JSON.stringify(now)}, before: ${JSON.stringify(before)}`);
      return true;
    },
    10_000,
  );
}

/** A port nothing listens on (bound, then released). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A logger that keeps its records. */
function recordingLogger(): { logger: Logger; records: { level: number; msg: string; [k: string]: unknown }[] } {
  const records: { level: number; msg: string }[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void records.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, records };
}

const quiet: ManagerOptions = {
  metricsBindAddress: "127.0.0.1:0",
  healthProbeBindAddress: "127.0.0.1:0",
  handleSignals: false,
  logger: silentLogger(),
};

/** A reconciler that notes each request. */
function noting(): Reconciler<Client> & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    reconcile: async (req) => {
      keys.push(requestKey(req));
      return {};
    },
  };
}

const greeting = (name: string): Greeting => ({ apiVersion: "example.com/v1", kind: "Greeting", metadata: { name, namespace: "default" }, spec: { message: `hi ${name}` } });

/** The outcome of a start: undefined when it resolved, else what it rejected with. */
const outcome = (p: Promise<void>): Promise<unknown> => p.then(() => undefined, (error: unknown) => error);

describe("Manager start-up against an API server nobody answers for", () => {
  it("rejects within startupTimeout, naming the server and the last error, and leaves nothing open", async () => {
    const port = await unusedPort();
    const before = activeHandles();
    const mgr = new Manager({ ...quiet, kubeConfig: kubeConfigFor(`http://127.0.0.1:${port}`), startupTimeout: 1_000 });
    mgr.controller(ConfigMap).complete(noting());
    const startedAt = performance.now();
    const error = await outcome(mgr.start());
    const elapsed = performance.now() - startedAt;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach the API server at http://127\\.0\\.0\\.1:${port}: still failing after 1000 ms \\(startupTimeout\\).*ECONNREFUSED`));
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(20_000);
    await nothingLeftOpen(before);
  });

  it("fails at once when the server refuses the credentials (401)", async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(401, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", status: "Failure", reason: "Unauthorized", code: 401, message: "Unauthorized" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    const mgr = new Manager({ ...quiet, kubeConfig: kubeConfigFor(`http://127.0.0.1:${port}`), startupTimeout: 600_000 });
    const error = await outcome(mgr.start());
    expect(String(error)).toMatch(new RegExp(`the API server at http://127\\.0\\.0\\.1:${port} refuses the manager's credentials: GET /version: 401 Unauthorized`));
  });

  it("stops waiting at once when stopped meanwhile, and resolves", async () => {
    const port = await unusedPort();
    const before = activeHandles();
    const { logger, records } = recordingLogger();
    const mgr = new Manager({ ...quiet, logger, kubeConfig: kubeConfigFor(`http://127.0.0.1:${port}`), startupTimeout: 600_000 });
    const running = outcome(mgr.start());
    await eventually("a failed attempt", () => records.some((r) => r.msg === "cannot reach the API server yet; retrying"));
    mgr.stop();
    expect(await running).toBeUndefined();
    await nothingLeftOpen(before);
  });
});

describe("Manager whose start fails half-way", () => {
  it("closes what it had opened already: the metrics server, when the probes' port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const before = activeHandles();
    const { port } = taken.address() as { port: number };
    const mgr = new Manager({ ...quiet, kubeConfig: kubeConfigFor("http://127.0.0.1:1"), healthProbeBindAddress: `127.0.0.1:${port}` });
    mgr.controller(ConfigMap).complete(noting());
    const error = await outcome(mgr.start());
    expect(String(error)).toMatch(/EADDRINUSE/);
    expect(mgr.metricsAddress?.port).toBeGreaterThan(0); // it was serving
    await nothingLeftOpen(before);
  });
});

describe("Manager with a controller whose CRD is not installed [in-process]", () => {
  it("names the kind in the log at once, lets the other controllers reconcile, and fails after the cacheSyncTimeout naming it; nothing stays open", async () => {
    const env = await startTestEnv({ backend: "in-process" }); // no CRD: Greeting is not served
    cleanups.push(() => env.stop());
    const client = new ApiClient(new InMemoryTransport(env.server));
    const before = activeHandles();
    const clock = new FakeClock(Date.now());
    const { logger, records } = recordingLogger();
    const mgr = new Manager({ ...quiet, logger, clock, kubeConfig: env.kubeConfig });
    mgr.controller(GreetingResource).withOptions({ cacheSyncTimeout: 60_000 }).complete(new GreetingReconciler());
    const configMaps = noting();
    mgr.controller(ConfigMap).complete(configMaps);
    const running = outcome(mgr.start());

    await client.create(ConfigMap, { metadata: { name: "unrelated", namespace: "default" }, data: { a: "b" } });
    await eventually("the ConfigMap controller to reconcile", () => configMaps.keys.includes("default/unrelated"));
    const report = await eventually("the missing kind in the log", () => records.find((r) => r.level >= 50 && r.msg.includes("Greeting (example.com/v1)")));
    expect(report.msg).toMatch(/Greeting \(example\.com\/v1\) is not served by the API server: its list answers 404 NotFound, so its CRD seems not installed/);
    expect(report["gvk"]).toBe("example.com/v1, Kind=Greeting");
    const readyz = await mgr.probeServer.run("readyz");
    expect(readyz.ok).toBe(false);
    expect(readyz.lines).toContain("[-]informers failed: informer caches not synced: Greeting (example.com/v1)");
    expect(records.filter((r) => r.msg.includes("is not served")).length).toBe(1); // once, not at every retry

    clock.advance(60_000); // the broken controller's cacheSyncTimeout
    const error = await running;
    expect(error).toBeInstanceOf(CacheSyncTimeoutError);
    expect((error as CacheSyncTimeoutError).resources.map((r) => r.kind)).toEqual(["Greeting"]);
    expect((error as Error).message).toMatch(
      /^controller greeting: caches did not sync within 60000 ms \(cacheSyncTimeout\): Greeting \(example\.com\/v1\) is not served by the API server: its list answers 404 NotFound, so its CRD seems not installed/,
    );
    await eventually("no watch or connection left at the server", () => env.server.openWatches === 0 && env.server.openConnections === 0);
    await nothingLeftOpen(before);
  });

  it("refuses a cacheSyncTimeout that is not a positive number of ms", () => {
    const mgr = new Manager({ ...quiet, kubeConfig: kubeConfigFor("http://127.0.0.1:1") });
    expect(() => mgr.controller(ConfigMap).withOptions({ cacheSyncTimeout: 0 })).toThrow(/cacheSyncTimeout must be a positive number of ms, got 0/);
  });
});

// Without CRDs: Greeting is served by neither server.
const envFor = testEnvPerFile();

describeEachBackend("Manager with a controller whose CRD is not installed, on the real clock", (backend) => {
  it("rejects once the cacheSyncTimeout has passed, naming the kind its server answers 404 for", async () => {
    const env = await envFor(backend);
    const mgr = new Manager({ ...quiet, kubeConfig: env.kubeConfig });
    mgr.controller(GreetingResource).withOptions({ cacheSyncTimeout: 1_000 }).complete(new GreetingReconciler());
    mgr.controller(ConfigMap).complete(noting());
    const startedAt = performance.now();
    const error = await outcome(mgr.start());
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(990);
    expect(error).toBeInstanceOf(CacheSyncTimeoutError);
    expect((error as Error).message).toContain("Greeting (example.com/v1) is not served by the API server: its list answers 404 NotFound");
  });
});

describe("Manager stopped after a fault-heavy run [in-process]", () => {
  it("through a transport dropping watches, answering 500 and hanging writes: stop() aborts what hangs and closes every watch", { timeout: 120_000 }, async () => {
    const before = activeHandles();
    const env = await startTestEnv({ backend: "in-process", crdDirectoryPaths: [CRDS] });
    cleanups.push(() => env.stop());
    const http = new HttpTransport({ kubeConfig: env.kubeConfig });
    cleanups.push(() => http.close());
    const faulty = new FaultyTransport(http, { fail500: 0.1, hang: 2, drop: 0.3, calm: 1 }, 7);
    const reconciler = new GreetingReconciler();
    const mgr = new Manager({ ...quiet, kubeConfig: env.kubeConfig, transport: faulty, gracefulShutdownTimeout: 500 });
    mgr.controller(GreetingResource).owns(ConfigMap).withOptions({ maxConcurrentReconciles: 4 }).complete(reconciler);
    const running = outcome(mgr.start());
    const client = new ApiClient(new InMemoryTransport(env.server));
    const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for (const name of names) await client.create(GreetingResource, greeting(name));
    env.server.faults.dropWatches({ abrupt: true });
    const converged = async (): Promise<number> => {
      let n = 0;
      for (const name of names) {
        const cm = await client.get(ConfigMap, { namespace: "default", name: `${name}-greeting` }).catch(() => undefined);
        if (cm?.data?.message === `hi ${name}`) n++;
      }
      return n;
    };
    // Two reconciles hang on a write for ever; the other six greetings converge through the faults.
    // (A watch dropped at once counts as a failure and backs its informer off, up to 30 s: a generous bound.)
    await eventually("six greetings converged, two writes hanging", async () => faulty.hanging === 2 && (await converged()) >= 6, 90_000);
    expect(faulty.injected.fail500).toBeGreaterThan(0);
    expect(faulty.injected.drop).toBeGreaterThan(0);

    mgr.stop();
    expect(await running).toBeUndefined();
    expect(faulty.hanging).toBe(0); // the hung writes were aborted once the graceful shutdown timed out
    expect(faulty.inFlight).toBe(0); // no request or watch left open
    await eventually("the server to see every watch closed", () => env.server.openWatches === 0);
    // The manager's clients refuse to go on after it stopped.
    await expect(mgr.apiReader.get(ConfigMap, { namespace: "default", name: "a-greeting" })).rejects.toThrow(/the manager stopped/);

    http.close();
    await eventually("no connection to the server", () => env.server.openConnections === 0);
    await env.stop();
    await nothingLeftOpen(before);
  });

  it("on its own HTTP transport, with the server dropping watches, answering 500 and holding writes: stop() closes every connection, env.stop() its server", async () => {
    const before = activeHandles();
    const env = await startTestEnv({ backend: "in-process", crdDirectoryPaths: [CRDS] });
    cleanups.push(() => env.stop());
    const reconciler = new GreetingReconciler();
    const mgr = new Manager({ ...quiet, kubeConfig: env.kubeConfig, gracefulShutdownTimeout: 500 });
    mgr.controller(GreetingResource).owns(ConfigMap).withOptions({ maxConcurrentReconciles: 2 }).complete(reconciler);
    const running = outcome(mgr.start());
    const client = new ApiClient(new InMemoryTransport(env.server));
    await client.create(GreetingResource, greeting("first"));
    await eventually("the first greeting", async () => (await client.get(ConfigMap, { namespace: "default", name: "first-greeting" })).data?.message === "hi first");

    const held = env.server.faults.delayRequests(3_600_000, (r) => r.method !== "GET" && r.name === "held");
    await client.create(GreetingResource, greeting("held"));
    await client.create(GreetingResource, greeting("second"));
    env.server.faults.failRequests(500, { method: "GET", watch: false }, 1); // a relist
    env.server.faults.failRequests(500, { method: ["POST", "PATCH", "PUT"] }, 3); // the reconciler's writes
    env.server.faults.dropWatches({ abrupt: true });
    await eventually("a write held by the server", () => held.hits > 0);
    env.server.faults.dropWatches({ abrupt: true });

    mgr.stop();
    expect(await running).toBeUndefined();
    await eventually("no connection to the server", () => env.server.openConnections === 0 && env.server.openWatches === 0);
    await env.stop();
    await nothingLeftOpen(before);
  });
});

describe("env.stop() [in-process]", () => {
  it.each(["http", "in-memory"] as const)("lets go of requests held by a delay fault and refuses them, so no watch outlives the server (%s)", async (kind) => {
    const before = activeHandles();
    const env = await startTestEnv({ backend: "in-process" });
    cleanups.push(() => env.stop());
    const transport = kind === "http" ? new HttpTransport({ kubeConfig: env.kubeConfig }) : new InMemoryTransport(env.server);
    cleanups.push(() => transport.close());
    const held = env.server.faults.delayRequests(3_600_000, (r) => r.watch || r.method === "POST");
    const client = new ApiClient(transport);
    const watching = outcome(client.watch(ConfigMap, { namespace: "default", resourceVersion: "1" }).then(() => undefined));
    const creating = outcome(client.create(ConfigMap, { metadata: { name: "late", namespace: "default" } }).then(() => undefined));
    await eventually("the watch and the create to be held", () => held.hits === 2);
    await env.stop();
    expect(String(await watching)).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/);
    expect(String(await creating)).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/);
    expect(() => env.store.get(env.store.resolve("", "v1", "configmaps"), "default", "late")).toThrow(/not found/); // refused, not served
    expect(env.server.openWatches).toBe(0);
    expect(env.store.openWatches).toBe(0);
    expect(env.server.openConnections).toBe(0);
    transport.close();
    await nothingLeftOpen(before);
  });
});

describe("a process that ran a manager through faults [in-process]", () => {
  it.each([
    ["stop", /^resolved$/m],
    ["fail", /^rejected: CacheSyncTimeoutError: controller widget: .*Widget \(example\.com\/v1\) is not served/m],
  ] as const)("exits on its own once the manager and the environment are stopped (%s)", { timeout: 120_000 }, async (scenario, ending) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "run-and-stop.ts"), scenario], { stdio: ["ignore", "pipe", "pipe"] });
    cleanups.push(() => void child.kill("SIGKILL"));
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    // Generous: the program compiles, starts a server and a manager, and may back off through the faults.
    const code = await new Promise<number | "still running">((resolve) => {
      const bound = setTimeout(() => resolve("still running"), 90_000);
      child.on("exit", (exitCode) => {
        clearTimeout(bound);
        resolve(exitCode ?? -1);
      });
    });
    expect({ code, out, err }).toMatchObject({ code: 0 });
    expect(out).toMatch(ending);
  });
});

describe("a runnable added with mgr.add [in-process]", () => {
  it("starts once the caches have synced, as controller-runtime's runnables do: its first cached read sees what exists", async () => {
    const env = await startTestEnv({ backend: "in-process" });
    cleanups.push(() => env.stop());
    const client = new ApiClient(new InMemoryTransport(env.server));
    await client.create(ConfigMap, { metadata: { name: "existing", namespace: "default" }, data: { a: "b" } });
    const mgr = new Manager({ ...quiet, kubeConfig: env.kubeConfig });
    mgr.controller(ConfigMap).complete(noting());
    let seen: { synced: boolean; names: string[] } | undefined;
    let stopped = false;
    mgr.add({
      needLeaderElection: false,
      start: async (signal) => {
        const synced = mgr.cache.informerFor(ConfigMap).hasSynced(); // before any read could wait for it
        const names = (await mgr.client.list(ConfigMap, { namespace: "default" })).map((c) => c.metadata?.name ?? "");
        seen = { synced, names };
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        stopped = true;
      },
    });
    const running = outcome(mgr.start());
    await eventually("the runnable to start", () => seen !== undefined);
    expect(seen).toEqual({ synced: true, names: ["existing"] });
    mgr.stop();
    expect(await running).toBeUndefined();
    expect(stopped).toBe(true);
  });
});
