// The builder's controller options without an API server: the custom rate limiter reaches the
// queue, needLeaderElection / recoverPanic / the recorder and clock reach the controller, and
// controller names are checked (form, and uniqueness within one manager).
import { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { InformerCache } from "../../../src/runtime/cache/index.js";
import type { Client } from "../../../src/runtime/client/types.js";
import { FakeClock, realClock } from "../../../src/runtime/clock/index.js";
import type { Controller } from "../../../src/runtime/controller/controller.js";
import { ControllerNameError, ControllerNames, validateControllerName } from "../../../src/runtime/controller/controller-name.js";
import { EventRecorder } from "../../../src/runtime/events/event-recorder.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { ControllerBuilder, type BuilderContext } from "../../../src/runtime/manager/controller-builder.js";
import { Manager } from "../../../src/runtime/manager/manager.js";
import { ControllerMetrics } from "../../../src/runtime/metrics/controller-metrics.js";
import type { RateLimiter } from "../../../src/runtime/queue/index.js";
import { ConfigMap, type ReconcileContext, type Reconciler, type Request } from "../../../src/runtime/index.js";
import { FakeSource } from "../watch/fake-source.js";
import { GreetingResource } from "./sample-operator.js";

async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A builder context over a cache of fake sources (never started: these tests enqueue by hand). */
function context(extra: Partial<BuilderContext> = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const registered: Controller<Client>[] = [];
  const ctx: BuilderContext = {
    cache: new InformerCache({ sourceFor: () => new FakeSource(), clock }),
    client: {} as Client,
    registry,
    metrics: new ControllerMetrics(registry),
    log: silentLogger(),
    clock,
    names: new ControllerNames(),
    register: (c) => void registered.push(c),
    ...extra,
  };
  return { ctx, clock, registered };
}

const noop: Reconciler<Client> = { reconcile: async () => {} };

/** A manager that is never started (nothing is dialled). */
function idleManager(): Manager {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "c", server: "https://127.0.0.1:9", skipTLSVerify: true }],
    users: [{ name: "u" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return new Manager({ kubeConfig, handleSignals: false, logger: silentLogger() });
}

describe("ControllerBuilder options", () => {
  it("retries through the custom rate limiter, not the default one", async () => {
    const { ctx, clock } = context();
    const asked: string[] = [];
    const forgotten: string[] = [];
    const limiter: RateLimiter<string> = {
      when: (key) => {
        asked.push(key);
        return 1_000;
      },
      forget: (key) => void forgotten.push(key),
      numRequeues: (key) => asked.filter((k) => k === key).length,
    };
    const calls: number[] = [];
    const controller = new ControllerBuilder(ctx, GreetingResource)
      .withOptions({ maxConcurrentReconciles: 1 })
      .withOptions({ rateLimiter: limiter })
      .complete({
        reconcile: async () => {
          calls.push(clock.now());
          if (calls.length === 1) throw new Error("not yet");
        },
      });
    const abort = new AbortController();
    const running = controller.start(abort.signal);
    controller.enqueue({ namespace: "ns", name: "a" });
    await settle();
    expect(asked).toEqual(["ns/a"]);
    // the default limiter would retry after 5 ms; this one says 1 s
    await clock.advance(999);
    await settle();
    expect(calls).toEqual([0]);
    await clock.advance(1);
    await settle();
    expect(calls).toEqual([0, 1_000]);
    expect(forgotten).toContain("ns/a");
    abort.abort();
    await running;
  });

  it("passes needLeaderElection and recoverPanic to the controller (defaults: true and true)", async () => {
    const { ctx, registered } = context();
    const leaderOnly = new ControllerBuilder(ctx, GreetingResource).complete(noop);
    const everywhere = new ControllerBuilder(ctx, ConfigMap).withOptions({ needLeaderElection: false }).complete(noop);
    expect(leaderOnly.needLeaderElection).toBe(true);
    expect(everywhere.needLeaderElection).toBe(false);
    expect(registered).toEqual([leaderOnly, everywhere]);

    const bug = new TypeError("boom");
    const strict = new ControllerBuilder(ctx, GreetingResource)
      .named("strict")
      .withOptions({ recoverPanic: false })
      .complete({
        reconcile: async () => {
          throw bug;
        },
      });
    const abort = new AbortController();
    const running = strict.start(abort.signal);
    strict.enqueue({ namespace: "ns", name: "a" });
    await expect(running).rejects.toBe(bug);
  });

  it("gives each reconcile a recorder reporting as the controller's name, and the manager's clock", async () => {
    const made: [string, EventRecorder][] = [];
    const { ctx, clock } = context({
      eventRecorder: (name) => {
        const r = new EventRecorder({} as Client, name, silentLogger());
        made.push([name, r]);
        return r;
      },
    });
    const seen: ReconcileContext<Client>[] = [];
    const controller = new ControllerBuilder(ctx, GreetingResource).named("greeter").complete({
      reconcile: async (_req: Request, c) => void seen.push(c),
    });
    const abort = new AbortController();
    const running = controller.start(abort.signal);
    controller.enqueue({ namespace: "ns", name: "a" });
    await settle();
    expect(made.map(([name]) => name)).toEqual(["greeter"]);
    expect(seen[0]?.recorder).toBe(made[0]![1]);
    expect(seen[0]?.clock).toBe(clock);
    abort.abort();
    await running;

    // without a manager's recorder factory, the builder makes one; without a clock, the real one
    const { ctx: bare } = context({ clock: undefined });
    const plain = new ControllerBuilder(bare, GreetingResource).complete({ reconcile: async (_req, c) => void seen.push(c) });
    const stop = new AbortController();
    const run = plain.start(stop.signal);
    plain.enqueue({ name: "b" });
    await eventuallyTrue(() => seen.length === 2);
    expect(seen[1]?.recorder).toBeInstanceOf(EventRecorder);
    expect(seen[1]?.clock).toBe(realClock);
    stop.abort();
    await run;
  });
});

/** Polls (on the real event loop) until `check` holds; bounded. */
async function eventuallyTrue(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in 10 s");
    await new Promise<void>((r) => setImmediate(r));
  }
}

describe("controller names", () => {
  it("accepts names made of letters, digits, '-', '_' and '.', and refuses others with the reason", () => {
    for (const name of ["cronjob", "apps-deployment", "ship.frigate", "snake_case", "CronJob", "a", "x".repeat(253)]) {
      expect(() => validateControllerName(name), name).not.toThrow();
    }
    const refused: [string, RegExp][] = [
      ["", /needs a name/],
      ["my controller", /invalid controller name "my controller": expected letters, digits/],
      ["apps/deployment", /invalid controller name "apps\/deployment"/],
      ["-leading", /beginning and ending with a letter or digit/],
      ["trailing.", /beginning and ending with a letter or digit/],
      ["naïve", /invalid controller name/],
      ["x".repeat(254), /254 characters long; at most 253/],
    ];
    for (const [name, message] of refused) {
      expect(() => validateControllerName(name), name).toThrow(ControllerNameError);
      expect(() => validateControllerName(name), name).toThrow(message);
    }
  });

  it("refuses a duplicate name in one manager, naming it, and allows it in another manager", () => {
    const mgr = idleManager();
    mgr.controller(GreetingResource).complete(noop);
    // two controllers of one kind get the same default name
    expect(() => mgr.controller(GreetingResource).complete(noop)).toThrow(
      /controller with name "greeting" already exists in this manager: controller names must be unique.*named\(\).*skipNameValidation/,
    );
    // the refused builder can still be named and completed
    const again = mgr.controller(GreetingResource);
    expect(() => again.complete(noop)).toThrow(ControllerNameError);
    expect(again.named("greeting-audit").complete(noop).name).toBe("greeting-audit");
    expect(() => mgr.controller(ConfigMap).named("greeting-audit").complete(noop)).toThrow(/"greeting-audit" already exists/);
    // names are per manager
    expect(idleManager().controller(GreetingResource).complete(noop).name).toBe("greeting");
  });

  it("refuses a malformed name at complete(), before anything is registered", () => {
    const { ctx, registered } = context();
    expect(() => new ControllerBuilder(ctx, GreetingResource).named("greeting controller").complete(noop)).toThrow(/invalid controller name "greeting controller"/);
    expect(() => new ControllerBuilder(ctx, GreetingResource).named("").complete(noop)).toThrow(/needs a name/);
    expect(registered).toEqual([]);
    // without a manager's registry of names, the form is still checked
    const { ctx: bare } = context({ names: undefined });
    expect(() => new ControllerBuilder(bare, GreetingResource).named("a/b").complete(noop)).toThrow(ControllerNameError);
  });

  it("skipNameValidation allows duplicates and any non-empty name, as controller-runtime's SkipNameValidation", () => {
    const mgr = idleManager();
    mgr.controller(GreetingResource).complete(noop);
    const twin = mgr.controller(GreetingResource).withOptions({ skipNameValidation: true }).complete(noop);
    expect(twin.name).toBe("greeting");
    expect(mgr.controller(ConfigMap).named("odd name/ok").withOptions({ skipNameValidation: true }).complete(noop).name).toBe("odd name/ok");
    expect(() => mgr.controller(ConfigMap).named("").withOptions({ skipNameValidation: true }).complete(noop)).toThrow(/needs a name/);
    // a name taken with the check skipped is not recorded: a checked controller may take it later
    mgr.controller(ConfigMap).named("shared").withOptions({ skipNameValidation: true }).complete(noop);
    expect(mgr.controller(ConfigMap).named("shared").complete(noop).name).toBe("shared");
  });
});
