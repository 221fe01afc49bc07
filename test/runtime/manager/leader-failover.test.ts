// No split brain when the leader's API server hangs: two managers with leader election on
// the in-process test server; from some moment every request of the first hangs (never
// answers, but honours its abort signal). The first must stop reconciling before the second
// starts, and its start() must reject, rather than reconcile on until a request times out.
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, type JsonStream, type StreamRequest, type Transport, type TransportRequest } from "../../../src/runtime/client/index.js";
import { abortError } from "../../../src/runtime/client/transport-error.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager } from "../../../src/runtime/manager/manager.js";
import { ConfigMap, Lease, ServiceAccount, type Client, type ReconcileContext, type Reconciler, type Request } from "../../../src/runtime/index.js";
import { InMemoryTransport, startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { eventually } from "../../helpers/backends.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// Lease 1.5 s (written as 2 s: the Lease counts whole seconds), renew deadline 1 s, retry 0.2 s.
const timings = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

/** A transport that, once `hang()` is called, answers nothing more: each call waits for its abort signal. */
class HangingTransport implements Transport {
  #hanging = false;
  constructor(private readonly inner: Transport) {}

  hang(): void {
    this.#hanging = true;
  }

  request<T = unknown>(req: TransportRequest): Promise<T> {
    return this.#hanging ? never(req.signal) : this.inner.request<T>(req);
  }

  stream(req: StreamRequest): Promise<JsonStream> {
    return this.#hanging ? never(req.signal) : this.inner.stream(req);
  }

  close(): void {
    this.inner.close();
  }
}

function never<T>(signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((_resolve, reject) => {
    if (!signal) return;
    if (signal.aborted) return reject(abortError(signal));
    signal.addEventListener("abort", () => reject(abortError(signal)), { once: true });
  });
}

interface Span {
  readonly key: string;
  readonly begin: number;
  end?: number;
}

/**
 * Records when each reconcile begins and ends, and writes to the API server each time (an
 * annotation on a ServiceAccount of the manager's own), then looks again 20 ms later: a
 * leader reconciles all the time. `ignoreAbort` leaves the signal out of the write.
 */
class RecordingReconciler implements Reconciler<Client> {
  readonly spans: Span[] = [];
  constructor(
    private readonly identity: string,
    private readonly ignoreAbort = false,
  ) {}

  async reconcile(req: Request, ctx: ReconcileContext<Client>): Promise<{ requeueAfter: number }> {
    const span: Span = { key: `${req.namespace}/${req.name}`, begin: performance.now() };
    this.spans.push(span);
    try {
      try {
        // ctx.client is bound to the reconcile's signal: no signal passed here.
        await ctx.client.patch(
          ServiceAccount,
          { namespace: req.namespace, name: `seen-by-${this.identity}` },
          { metadata: { annotations: { reconciled: String(this.spans.length) } } },
          { type: "merge" },
        );
      } catch (error) {
        if (!this.ignoreAbort) throw error;
        // A reconcile that swallows the abort and waits on something that never ends.
        await new Promise<never>(() => {});
      }
      return { requeueAfter: 20 };
    } finally {
      span.end = performance.now();
    }
  }
}

/** A logger that keeps its lines, to look for what it said. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

async function setup(): Promise<{ env: TestEnv; client: Client }> {
  const env = await startTestEnv({ backend: "in-process" });
  cleanups.push(() => env.stop());
  const transport = new InMemoryTransport(env.server);
  cleanups.push(() => transport.close());
  const client = new ApiClient(transport);
  for (const name of ["seen-by-a", "seen-by-b"]) await client.create(ServiceAccount, { metadata: { namespace: "default", name } });
  await client.create(ConfigMap, { metadata: { namespace: "default", name: "work" } });
  return { env, client };
}

function startManager(env: TestEnv, identity: string, reconciler: Reconciler<Client>, logger: Logger = silentLogger()) {
  const transport = new HangingTransport(new InMemoryTransport(env.server));
  cleanups.push(() => transport.close());
  const mgr = new Manager({
    kubeConfig: env.kubeConfig,
    transport,
    namespace: "default",
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    handleSignals: false,
    logger,
    leaderElection: true,
    leaderElectionId: "failover-lock",
    leaderElectionNamespace: "default",
    leaderElectionTimings: timings,
    identity,
    gracefulShutdownTimeout: 30_000,
  });
  mgr.controller(ConfigMap).complete(reconciler);
  let stoppedAt: number | undefined;
  const running = mgr.start().finally(() => {
    stoppedAt = performance.now();
  });
  const outcome = running.then(
    () => "resolved" as const,
    (error: unknown) => error,
  );
  cleanups.push(async () => {
    mgr.stop();
    await Promise.race([outcome, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  });
  return { mgr, transport, outcome, stoppedAt: () => stoppedAt };
}

describe("leader election under a hanging API server [in-process]", () => {
  it("the old leader stops reconciling before the new one starts, and its start() rejects", async () => {
    const { env, client } = await setup();
    const ra = new RecordingReconciler("a");
    const rb = new RecordingReconciler("b");
    const { logger, lines } = capturingLogger();
    const a = startManager(env, "a", ra, logger);
    await eventually("a to lead and reconcile", () => a.mgr.isLeader && ra.spans.filter((s) => s.end !== undefined).length >= 3);
    const b = startManager(env, "b", rb);
    // b campaigns in vain while a renews
    await eventually("b's candidacy to see a holding the lease", async () => (await client.get(Lease, { namespace: "default", name: "failover-lock" })).spec?.holderIdentity === "a");
    expect(rb.spans).toEqual([]);

    a.transport.hang();
    const error = await eventually("a's start() to settle", () => a.stoppedAt() !== undefined && a.outcome, 20_000);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^leader election lost: the lease was not renewed within the renew deadline/);
    await eventually("b to reconcile", () => rb.spans.some((s) => s.end !== undefined), 20_000);
    expect(b.mgr.isLeader).toBe(true);
    expect((await client.get(Lease, { namespace: "default", name: "failover-lock" })).spec?.holderIdentity).toBe("b");

    // a's reconciles all ended (aborted), and the last of them before b's first began
    expect(ra.spans.every((s) => s.end !== undefined)).toBe(true);
    const aLastEnd = Math.max(...ra.spans.map((s) => s.end!));
    const bFirstBegin = Math.min(...rb.spans.map((s) => s.begin));
    expect(aLastEnd).toBeLessThan(bFirstBegin);
    expect(a.stoppedAt()!).toBeLessThan(bFirstBegin);
    // a did not reconcile once it stopped
    expect(ra.spans.every((s) => s.begin < a.stoppedAt()!)).toBe(true);
    expect(lines.some((l) => l["msg"] === "leader election lost")).toBe(true);
    expect(lines.some((l) => typeof l["msg"] === "string" && l["msg"].includes("ignored the abort"))).toBe(false);
  });

  it("a reconcile that ignores the abort is cut off before the lease may expire, and the log says so", async () => {
    const { env, client } = await setup();
    const ra = new RecordingReconciler("a", true);
    const rb = new RecordingReconciler("b");
    const { logger, lines } = capturingLogger();
    const a = startManager(env, "a", ra, logger);
    await eventually("a to lead and reconcile", () => a.mgr.isLeader && ra.spans.filter((s) => s.end !== undefined).length >= 3);
    const b = startManager(env, "b", rb);
    await eventually("b's candidacy to see a holding the lease", async () => (await client.get(Lease, { namespace: "default", name: "failover-lock" })).spec?.holderIdentity === "a");

    a.transport.hang();
    const error = await eventually("a's start() to settle", () => a.stoppedAt() !== undefined && a.outcome, 20_000);
    expect((error as Error).message).toMatch(/^leader election lost/);
    // That reconcile swallowed the abort and still waits, and the log names it.
    const stuck = ra.spans.filter((s) => s.end === undefined);
    expect(stuck.map((s) => s.key)).toEqual(["default/work"]);
    const warning = lines.find((l) => typeof l["msg"] === "string" && l["msg"].includes("ignored the abort"));
    expect(warning?.["reconciling"]).toEqual(["configmap: default/work"]);
    // ...but a gave up in time: b starts only after a's start() rejected.
    await eventually("b to reconcile", () => rb.spans.length > 0, 20_000);
    expect(a.stoppedAt()!).toBeLessThan(Math.min(...rb.spans.map((s) => s.begin)));
    expect(b.mgr.isLeader).toBe(true);
  });

  it("a stopping leader renews its lease until its reconciles have finished, then releases it", async () => {
    const { env, client } = await setup();
    let entered = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Reconciler<Client> = {
      async reconcile() {
        entered = true;
        await gate; // ignores the abort: a long reconcile that a graceful shutdown waits for
      },
    };
    const a = startManager(env, "a", slow);
    await eventually("a to lead and reconcile", () => a.mgr.isLeader && entered);
    const rb = new RecordingReconciler("b");
    startManager(env, "b", rb);
    const renewTime = async (): Promise<{ holder: string | undefined; at: number }> => {
      const lease = await client.get(Lease, { namespace: "default", name: "failover-lock" });
      return { holder: lease.spec?.holderIdentity, at: Date.parse(String(lease.spec?.renewTime)) };
    };
    a.mgr.stop();
    const stoppedAt = (await renewTime()).at;
    // Well past the lease duration (2 s as written) after the stop, a still renews and b waits.
    await eventually("a to renew past the lease duration", async () => {
      const now = await renewTime();
      expect(now.holder).toBe("a");
      return now.at > stoppedAt + 2_500;
    }, 20_000);
    expect(rb.spans).toEqual([]);
    expect(a.stoppedAt()).toBeUndefined();
    release();
    expect(await a.outcome).toBe("resolved");
    await eventually("b to reconcile", () => rb.spans.length > 0, 20_000);
  });
});
