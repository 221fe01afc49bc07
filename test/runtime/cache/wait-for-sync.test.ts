import { afterEach, describe, expect, it } from "vitest";
import { CacheSyncTimeoutError, describeUnsynced, isKindNotServed } from "../../../src/runtime/cache/cache-errors.js";
import { InformerCache } from "../../../src/runtime/cache/informer-cache.js";
import { waitForSyncWithin } from "../../../src/runtime/cache/wait-for-sync.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { apiErrorFromResponse } from "../../../src/runtime/client/transport-error.js";
import { ConfigMap, defineResource, Secret, type KubernetesObject, type Resource } from "../../../src/runtime/resource.js";
import { WatcherError } from "../../../src/runtime/watch/watcher-event.js";
import { FakeSource } from "../watch/fake-source.js";

const Widget = defineResource({ group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true });
const notFound = () => apiErrorFromResponse(404, JSON.stringify({ kind: "Status", code: 404, reason: "NotFound", message: "the server could not find the requested resource" }), "GET", "/apis/example.com/v1/widgets");

const caches: InformerCache[] = [];
afterEach(async () => {
  for (const c of caches.splice(0)) await c.stop();
});

/** A started cache whose sources answer as `lists` says per kind (an Error fails the list). */
function setup(lists: Record<string, () => Error | undefined>) {
  const clock = new FakeClock();
  const cache = new InformerCache({
    clock,
    backoff: { jitter: 0 },
    sourceFor: <T extends KubernetesObject>(resource: Resource<T>) => {
      const source = new FakeSource<T>();
      source.onList = () => lists[resource.kind]?.() ?? { items: [], resourceVersion: "1" };
      return source;
    },
  });
  caches.push(cache);
  return { cache, clock };
}

describe("waitForSyncWithin", () => {
  it("resolves true once every informer has listed", async () => {
    const { cache, clock } = setup({});
    const informers = [cache.informerFor(ConfigMap), cache.informerFor(Secret)];
    cache.start();
    expect(await waitForSyncWithin(informers, { name: "c", timeoutMs: 1_000, clock })).toBe(true);
  });

  it("resolves false when its signal aborts first, and leaves no timer behind", async () => {
    const { cache, clock } = setup({});
    const informer = cache.informerFor(Widget); // not started: it never syncs
    const stop = new AbortController();
    const waiting = waitForSyncWithin([informer], { name: "c", timeoutMs: 1_000, clock, signal: stop.signal });
    expect(clock.pendingTimers).toBe(1);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects after the timeout, naming each kind not synced and why: a 404 list is a kind not served", async () => {
    const { cache, clock } = setup({ Widget: notFound, Secret: () => new Error("connection refused") });
    const informers = [cache.informerFor(ConfigMap), cache.informerFor(Widget), cache.informerFor(Secret)];
    cache.start();
    const waiting = waitForSyncWithin(informers, { name: "widget", timeoutMs: 5_000, clock }).catch((e: unknown) => e);
    await cache.informerFor(ConfigMap).waitForSync();
    await clock.advanceAsync(5_000);
    const error = (await waiting) as CacheSyncTimeoutError;
    expect(error).toBeInstanceOf(CacheSyncTimeoutError);
    expect(error.controller).toBe("widget");
    expect(error.resources).toEqual([Widget, Secret]);
    expect(error.message).toMatch(/^controller widget: caches did not sync within 5000 ms \(cacheSyncTimeout\): /);
    expect(error.reasons[0]).toBe(
      "Widget (example.com/v1) is not served by the API server: its list answers 404 NotFound, so its CRD seems not installed (install it, or check the group and version)",
    );
    expect(error.reasons[1]).toMatch(/^Secret \(v1\) still fails to list and watch: list of Thing failed: connection refused/);
  });
});

describe("isKindNotServed and describeUnsynced", () => {
  it("take a 404 list, and only that, for a kind not served", () => {
    expect(isKindNotServed(new WatcherError("list", true, "x", { cause: notFound() }))).toBe(true);
    expect(isKindNotServed(new WatcherError("watch-start", false, "x", { cause: notFound() }))).toBe(false);
    expect(isKindNotServed(new WatcherError("list", true, "x", { cause: apiErrorFromResponse(403, "", "GET", "/x") }))).toBe(false);
    expect(describeUnsynced(ConfigMap, undefined)).toBe("ConfigMap (v1) has no complete first list yet");
  });
});
