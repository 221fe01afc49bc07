// The leader elector against an API server that stops answering: every attempt is abandoned
// at the renew deadline (its requests aborted), and leadership is lost then, not when some
// request finally times out. On a FakeClock, over the testing kit's fake client.
import { describe, expect, it } from "vitest";
import type { Client, RequestOptions } from "../../../src/runtime/client/types.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { LeaderElector } from "../../../src/runtime/leader/leader-elector.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { Lease } from "../../../src/runtime/resource.js";
import { fakeClient } from "../../../src/testing/index.js";

const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const lease = { namespace: "default", name: "op-lock" };

type Verb = "get" | "create" | "update";

/** A call the hanging client held: its verb and the options it was given. */
interface HeldCall {
  readonly verb: Verb;
  readonly options: RequestOptions | undefined;
}

/**
 * The fake client, except that the verbs in `hang` never answer: the call rejects when its
 * signal aborts, or never when `ignoreAbort` is set (a client that takes no signal).
 */
function hangingClient() {
  const inner = fakeClient();
  const hang = new Set<Verb>();
  const held: HeldCall[] = [];
  const ignoreAbort = { value: false };
  /** With a clock, held calls also fail at their `timeoutMs` on it, as a transport's requests do. */
  const timeouts: { clock: FakeClock | undefined } = { clock: undefined };
  const wrap =
    <A extends unknown[], R>(verb: Verb, call: (...args: A) => Promise<R>, optionsAt: number) =>
    (...args: A): Promise<R> => {
      if (!hang.has(verb)) return call(...args);
      const options = args[optionsAt] as RequestOptions | undefined;
      held.push({ verb, options });
      return new Promise<R>((_resolve, reject) => {
        const signal = options?.signal;
        if (timeouts.clock && options?.timeoutMs !== undefined) {
          timeouts.clock.setTimeout(() => reject(new Error(`${verb}: no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
        }
        if (ignoreAbort.value || !signal) return;
        if (signal.aborted) return reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    };
  const client: Client = {
    ...inner,
    get: wrap("get", inner.get.bind(inner) as Client["get"], 2) as Client["get"],
    create: wrap("create", inner.create.bind(inner) as Client["create"], 2) as Client["create"],
    update: wrap("update", inner.update.bind(inner) as Client["update"], 2) as Client["update"],
  };
  return { client, hang, held, ignoreAbort, timeouts, inner };
}

function setup(identity = "a") {
  const clock = new FakeClock();
  const c = hangingClient();
  const elector = new LeaderElector({ client: c.client, ...lease, identity, timings, clock, log: silentLogger() });
  const life = new AbortController();
  return { clock, elector, life, ...c };
}

/** Tracks a promise's outcome without awaiting it. */
function track<T>(p: Promise<T>): { value: T | undefined; settled: boolean } {
  const state: { value: T | undefined; settled: boolean } = { value: undefined, settled: false };
  void p.then((v) => {
    state.value = v;
    state.settled = true;
  });
  return state;
}

describe("LeaderElector under a hanging API server", () => {
  it.each(["get", "update"] as const)("abandons a renewal whose %s hangs at the renew deadline, and loses leadership then", async (verb) => {
    const { clock, elector, life, hang, held } = setup();
    expect(await elector.acquire(life.signal)).toBe(true);
    const renewing = track(elector.keepRenewing(life.signal));
    await clock.advanceAsync(timings.retryPeriodMs); // t=2000: a renewal that succeeds
    expect(elector.leaseExpiresAt).toBe(2_000 + timings.leaseDurationMs);
    hang.add(verb);
    await clock.advanceAsync(timings.retryPeriodMs); // t=4000: this renewal hangs
    expect(held).toHaveLength(1);
    const request = held[0]!;
    expect(request.options?.signal?.aborted).toBe(false);
    // Each request's own timeout ends before the renew deadline (12,000).
    expect(request.options?.timeoutMs).toBeGreaterThan(0);
    expect(request.options!.timeoutMs!).toBeLessThanOrEqual(12_000 - 4_000);
    await clock.advanceAsync(12_000 - 4_000 - 1);
    expect(renewing.settled).toBe(false);
    expect(elector.isLeader).toBe(true);
    await clock.advanceAsync(1); // the renew deadline: 10 s after the last successful renewal began
    expect(request.options?.signal?.aborted).toBe(true);
    expect(renewing).toEqual({ settled: true, value: "lost" });
    expect(elector.isLeader).toBe(false);
    life.abort();
  });

  it("loses leadership at the renew deadline even when the client ignores the abort", async () => {
    const { clock, elector, life, hang, ignoreAbort } = setup();
    expect(await elector.acquire(life.signal)).toBe(true);
    const renewing = track(elector.keepRenewing(life.signal));
    ignoreAbort.value = true;
    hang.add("get");
    await clock.advanceAsync(timings.renewDeadlineMs - 1);
    expect(renewing.settled).toBe(false);
    await clock.advanceAsync(1);
    expect(renewing).toEqual({ settled: true, value: "lost" });
    life.abort();
  });

  it("renews on a later retry when a hanging request timed out before the renew deadline", async () => {
    const { clock, elector, life, hang, held, timeouts } = setup();
    timeouts.clock = clock; // requests now fail at their timeout, as a transport's do
    expect(await elector.acquire(life.signal)).toBe(true);
    const renewing = track(elector.keepRenewing(life.signal));
    hang.add("get");
    await clock.advanceAsync(2_000); // t=2000: hangs; its timeout is half the renew deadline
    expect(held[0]?.options?.timeoutMs).toBe(5_000);
    await clock.advanceAsync(5_000); // t=7000: timed out; the next retry comes at 9000
    hang.clear();
    await clock.advanceAsync(2_000); // t=9000: renewed, before the deadline (10,000)
    expect(elector.leaseExpiresAt).toBe(9_000 + timings.leaseDurationMs);
    await clock.advanceAsync(4_000); // past the first deadline: still leading
    expect(renewing.settled).toBe(false);
    expect(elector.isLeader).toBe(true);
    life.abort();
  });

  it("abandons a hanging acquire attempt after the renew deadline and campaigns on", async () => {
    const { clock, elector, life, hang, held } = setup();
    hang.add("get");
    const acquired = track(elector.acquire(life.signal));
    await clock.advanceAsync(timings.renewDeadlineMs - 1);
    expect(held[0]?.options?.signal?.aborted).toBe(false);
    await clock.advanceAsync(1);
    expect(held[0]?.options?.signal?.aborted).toBe(true);
    expect(acquired.settled).toBe(false);
    hang.clear();
    await clock.advanceAsync(timings.retryPeriodMs * 1.2); // the next (jittered) retry
    expect(acquired).toEqual({ settled: true, value: true });
    // counted from the start of the attempt that won, not from its answer
    expect(elector.leaseExpiresAt).toBeGreaterThanOrEqual(timings.renewDeadlineMs + timings.retryPeriodMs + timings.leaseDurationMs);
    expect(elector.leaseExpiresAt).toBeLessThanOrEqual(clock.now() + timings.leaseDurationMs);
    life.abort();
  });

  it("loses leadership at once when a renewal finds another holder, and then does not release", async () => {
    const { clock, elector, life, inner } = setup();
    expect(await elector.acquire(life.signal)).toBe(true);
    const renewing = track(elector.keepRenewing(life.signal));
    const current = await inner.get(Lease, lease);
    await inner.update(Lease, { ...current, spec: { ...current.spec, holderIdentity: "b" } });
    await clock.advanceAsync(timings.retryPeriodMs);
    expect(renewing).toEqual({ settled: true, value: "lost" });
    await elector.release();
    expect((await inner.get(Lease, lease)).spec?.holderIdentity).toBe("b");
  });

  it("says until when no other candidate can lead: the lease duration after the last renewal began, less a margin", async () => {
    const { clock, elector, life } = setup();
    expect(elector.leaseExpiresAt).toBeUndefined();
    expect(elector.safeUntil).toBeUndefined();
    expect(await elector.acquire(life.signal)).toBe(true);
    void elector.keepRenewing(life.signal);
    await clock.advanceAsync(timings.retryPeriodMs);
    expect(elector.leaseExpiresAt).toBe(timings.retryPeriodMs + timings.leaseDurationMs);
    expect(elector.safeUntil).toBe(timings.retryPeriodMs + timings.leaseDurationMs - timings.retryPeriodMs);
    life.abort();
  });

  it("releases the lease on a clean stop, bounded by the renew deadline", async () => {
    const { clock, elector, life, hang, inner } = setup();
    expect(await elector.acquire(life.signal)).toBe(true);
    const renewing = elector.keepRenewing(life.signal);
    life.abort();
    expect(await renewing).toBe("stopped");
    hang.add("update");
    const released = track(elector.release());
    await clock.advanceAsync(timings.renewDeadlineMs - 1);
    expect(released.settled).toBe(false);
    await clock.advanceAsync(1);
    expect(released.settled).toBe(true);
    expect((await inner.get(Lease, lease)).spec?.holderIdentity).toBe("a"); // the hanging update never landed
    hang.clear();
    expect(elector.isLeader).toBe(false);
  });
});
