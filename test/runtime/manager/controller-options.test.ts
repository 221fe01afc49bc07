// Controller options through a manager on the in-process test API server: needLeaderElection
// false runs a controller on a replica that does not lead, owns() with matchEveryOwner
// reconciles every owner of a shared object, and each reconcile's recorder and clock.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, HttpTransport } from "../../../src/runtime/client/index.js";
import { realClock, type Clock } from "../../../src/runtime/clock/index.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Manager, type ManagerOptions } from "../../../src/runtime/manager/manager.js";
import { ConfigMap, Event, formatMicroTime, Lease, requestKey, type Client, type ReconcileContext, type Reconciler, type Request } from "../../../src/runtime/index.js";
import type { TestEnv } from "../../../src/testing/index.js";
import { eventually, freshNamespace, testEnvPerFile } from "../../helpers/backends.js";
import { GreetingResource, type Greeting } from "./sample-operator.js";

const CRDS = join(import.meta.dirname, "fixtures");
const envFor = testEnvPerFile({ crdDirectoryPaths: [CRDS] });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Records each reconcile's key and context; changes nothing. */
class Recording implements Reconciler<Client> {
  readonly calls: string[] = [];
  readonly contexts: ReconcileContext<Client>[] = [];
  constructor(private readonly then?: (req: Request, ctx: ReconcileContext<Client>) => Promise<void>) {}
  async reconcile(req: Request, ctx: ReconcileContext<Client>): Promise<void> {
    this.calls.push(requestKey(req));
    this.contexts.push(ctx);
    await this.then?.(req, ctx);
  }
  count(key: string): number {
    return this.calls.filter((c) => c === key).length;
  }
}

async function setup(): Promise<{ env: TestEnv; client: Client; ns: string }> {
  const env = await envFor("in-process");
  const transport = new HttpTransport({ kubeConfig: env.kubeConfig });
  cleanups.push(() => transport.close());
  return { env, client: new ApiClient(transport), ns: await freshNamespace(env.kubeConfig, "ctrlopts") };
}

function manager(env: TestEnv, ns: string, extra: ManagerOptions = {}): Manager {
  return new Manager({
    kubeConfig: env.kubeConfig,
    namespace: ns,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    handleSignals: false,
    logger: silentLogger(),
    gracefulShutdownTimeout: 5_000,
    ...extra,
  });
}

function run(mgr: Manager): Promise<void> {
  const running = mgr.start();
  cleanups.push(async () => {
    mgr.stop();
    await running.catch(() => {});
  });
  return running;
}

const greeting = (namespace: string, name: string): Greeting => ({
  apiVersion: "example.com/v1",
  kind: "Greeting",
  metadata: { name, namespace },
  spec: { message: "hi" },
});

describe("controller options through the manager [in-process]", () => {
  it("needLeaderElection false: the controller runs on a replica that does not lead; the others wait for leadership", async () => {
    const { env, client, ns } = await setup();
    // someone else holds the lease, for an hour
    const now = formatMicroTime(new Date());
    await client.create(Lease, {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "greeting-lock", namespace: ns },
      spec: { holderIdentity: "other-replica", leaseDurationSeconds: 3600, acquireTime: now, renewTime: now },
    });
    const mgr = manager(env, ns, {
      leaderElection: true,
      leaderElectionId: "greeting-lock",
      leaderElectionNamespace: ns,
      leaderElectionTimings: { leaseDurationMs: 2_000, renewDeadlineMs: 1_000, retryPeriodMs: 100 },
      identity: "this-replica",
    });
    const everywhere = new Recording();
    const leaderOnly = new Recording();
    mgr.controller(GreetingResource).named("greeting-everywhere").withOptions({ needLeaderElection: false }).complete(everywhere);
    mgr.controller(GreetingResource).named("greeting-leader").complete(leaderOnly);
    run(mgr);
    await client.create(GreetingResource, greeting(ns, "g"));
    await eventually("the leader-election-free controller to reconcile", () => everywhere.count(`${ns}/g`) > 0);
    // both controllers had the event at once; only the one that needs no leadership ran
    expect(mgr.isLeader).toBe(false);
    expect(leaderOnly.calls).toEqual([]);

    // the other replica lets go: this one leads, and its leader-elected controller starts
    const lease = await client.get(Lease, { namespace: ns, name: "greeting-lock" });
    await client.update(Lease, { ...lease, spec: { ...lease.spec, holderIdentity: "" } });
    await eventually("leadership", () => mgr.isLeader);
    await eventually("the leader-elected controller to reconcile the queued key", () => leaderOnly.count(`${ns}/g`) > 0);
  });

  it("owns() with matchEveryOwner reconciles every owner of a shared object; by default only its controller", async () => {
    const { env, client, ns } = await setup();
    const mgr = manager(env, ns);
    const every = new Recording();
    const controllerOnly = new Recording();
    mgr.controller(GreetingResource).named("greeting-every-owner").owns(ConfigMap, { matchEveryOwner: true }).complete(every);
    mgr.controller(GreetingResource).named("greeting-controller-owner").owns(ConfigMap).complete(controllerOnly);
    run(mgr);
    const [a, b] = await Promise.all([client.create(GreetingResource, greeting(ns, "a")), client.create(GreetingResource, greeting(ns, "b"))]);
    for (const r of [every, controllerOnly]) {
      await eventually("the Greetings' own reconciles", () => r.count(`${ns}/a`) === 1 && r.count(`${ns}/b`) === 1);
    }
    const ref = (g: Greeting, controller: boolean) => ({ apiVersion: "example.com/v1", kind: "Greeting", name: g.metadata!.name!, uid: g.metadata!.uid!, controller });
    await client.create(ConfigMap, {
      metadata: { name: "shared", namespace: ns, ownerReferences: [ref(a, true), ref(b, false)] },
      data: { x: "1" },
    });
    await eventually("every owner reconciled for the shared ConfigMap", () => every.count(`${ns}/a`) === 2 && every.count(`${ns}/b`) === 2);
    await eventually("the controlling owner reconciled", () => controllerOnly.count(`${ns}/a`) === 2);
    // the same event reached both controllers at once: the non-controller owner was not enqueued
    expect(controllerOnly.count(`${ns}/b`)).toBe(1);
  });

  it("each reconcile gets a recorder that writes Events as the controller, and the manager's clock", async () => {
    const { env, client, ns } = await setup();
    const clock: Clock = { now: () => realClock.now(), setTimeout: (cb, ms) => realClock.setTimeout(cb, ms) };
    const mgr = manager(env, ns, { clock });
    const reconciler = new Recording(async (req, ctx) => {
      const g = await ctx.client.get(GreetingResource, req);
      await ctx.recorder?.event(g, GreetingResource, "Normal", "Greeted", `said ${g.spec.message}`);
    });
    mgr.controller(GreetingResource).named("greeter").complete(reconciler);
    run(mgr);
    const g = await client.create(GreetingResource, greeting(ns, "hello"));
    const event = await eventually("the Event", async () => (await client.list(Event, { namespace: ns })).find((e) => e.reason === "Greeted"));
    expect(event).toMatchObject({
      type: "Normal",
      message: "said hi",
      source: { component: "greeter" },
      involvedObject: { kind: "Greeting", name: "hello", namespace: ns, uid: g.metadata!.uid },
    });
    expect(reconciler.contexts[0]?.clock).toBe(clock);
  });
});
