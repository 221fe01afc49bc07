import { describe, expect, it } from "vitest";
import { INITIAL_EVENTS_END } from "../../../src/testing/watch/start-watch.js";
import { EventHistory } from "../../../src/testing/watch/event-history.js";
import type { JsonObject } from "../../../src/testing/store/json.js";
import { recorder, statusOf, testStore } from "../helpers.js";

const md = (o: JsonObject): JsonObject => o["metadata"] as JsonObject;

describe("event history", () => {
  it("keeps the last events and reports what was dropped", () => {
    const h = new EventHistory(2);
    for (const rv of [1, 2, 3]) h.append({ rv, storageKey: "/x", namespace: "", type: "ADDED", object: {} });
    expect(h.compactedThrough).toBe(1);
    expect(h.since(0)).toBeUndefined();
    expect(h.since(1)?.map((e) => e.rv)).toEqual([2, 3]);
    expect(h.since(3)).toEqual([]);
    h.compact(2);
    expect(h.since(1)).toBeUndefined();
    expect(h.since(2)?.map((e) => e.rv)).toEqual([3]);
    expect(() => new EventHistory(0)).toThrow(RangeError);
  });
});

describe("watch", () => {
  it("starts with ADDED events for current objects, then streams changes with their resourceVersions", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" });
    const r = recorder();
    store.watch(cms, { namespace: "default" }, r);
    const b = store.create(cms, "default", { metadata: { name: "b" } }, { manager: "t" });
    store.update(cms, "default", "b", { ...b, data: { x: "1" } }, { manager: "t" });
    store.delete(cms, "default", "b");
    expect(r.types()).toEqual(["ADDED a", "ADDED b", "MODIFIED b", "DELETED b"]);
    const rvs = r.events.map((e) => Number(md(e.object)["resourceVersion"]));
    expect(rvs.slice(1)).toEqual([...rvs.slice(1)].sort((x, y) => x - y));
    expect(md(r.events[3]!.object)["resourceVersion"]).toBe(store.resourceVersion);
  });

  it("replays the history after a resourceVersion", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const a = store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" });
    store.create(cms, "default", { metadata: { name: "b" } }, { manager: "t" });
    store.create(store.resolve("", "v1", "secrets"), "default", { metadata: { name: "s" } }, { manager: "t" });
    const r = recorder();
    store.watch(cms, { resourceVersion: String(md(a)["resourceVersion"]) }, r);
    expect(r.types()).toEqual(["ADDED b"]);
  });

  it("sends one ERROR event with a 410 Expired Status for a resourceVersion older than the history", () => {
    const { store } = testStore({ historySize: 2 });
    const cms = store.resolve("", "v1", "configmaps");
    const a = store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" });
    for (const n of ["b", "c", "d"]) store.create(cms, "default", { metadata: { name: n } }, { manager: "t" });
    const r = recorder();
    const handle = store.watch(cms, { resourceVersion: String(md(a)["resourceVersion"]) }, r);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Expired", code: 410 } });
    expect(String(r.events[0]!.object["message"])).toMatch(/^too old resource version: \d+ \(\d+\)$/);
    expect(r.ended).toBe(true);
    expect(handle.stopped).toBe(true);
  });

  it("turns selector transitions into ADDED and DELETED, as the watch cache does", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const r = recorder();
    store.watch(cms, { labelSelector: "app=web", resourceVersion: store.resourceVersion }, r);
    const a = store.create(cms, "default", { metadata: { name: "a", labels: { app: "db" } } }, { manager: "t" });
    const a2 = store.update(cms, "default", "a", { ...a, metadata: { ...md(a), labels: { app: "web" } } }, { manager: "t" });
    const a3 = store.update(cms, "default", "a", { ...a2, data: { k: "v" } }, { manager: "t" });
    store.update(cms, "default", "a", { ...a3, metadata: { ...md(a3), labels: { app: "db" } } }, { manager: "t" });
    expect(r.types()).toEqual(["ADDED a", "MODIFIED a", "DELETED a"]);
    const deleted = r.events[2]!.object;
    expect(md(deleted)["labels"]).toEqual({ app: "web" });
    expect(md(deleted)["resourceVersion"]).toBe(store.resourceVersion);
  });

  it("sends BOOKMARKs on the interval when allowed, and ends at timeoutSeconds", () => {
    const { store, clock } = testStore({ bookmarkIntervalMs: 1000 });
    const widgets = store.resolve("example.com", "v1", "widgets");
    const r = recorder();
    store.watch(widgets, { resourceVersion: store.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 5 }, r);
    const quiet = recorder();
    store.watch(widgets, { resourceVersion: store.resourceVersion }, quiet);
    clock.advance(2500);
    expect(r.types()).toEqual(["BOOKMARK", "BOOKMARK"]);
    expect(r.events[0]!.object).toEqual({ kind: "Widget", apiVersion: "example.com/v1", metadata: { resourceVersion: store.resourceVersion } });
    clock.advance(2600);
    expect(r.ended).toBe(true);
    expect(r.events.map((e) => e.type)).toEqual(["BOOKMARK", "BOOKMARK", "BOOKMARK", "BOOKMARK", "BOOKMARK"]);
    expect(quiet.events).toEqual([]);
    expect(quiet.ended).toBe(false);
    store.sendBookmarks();
    expect(quiet.events).toEqual([]);
  });

  it("marks the end of initial events with an annotated bookmark (sendInitialEvents, which needs resourceVersionMatch=NotOlderThan)", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    store.create(cms, "default", { metadata: { name: "a" } }, { manager: "t" });
    expect(statusOf(() => store.watch(cms, { sendInitialEvents: true, allowWatchBookmarks: true }, recorder()))).toMatchObject({
      code: 422,
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    });
    const r = recorder();
    store.watch(cms, { sendInitialEvents: true, allowWatchBookmarks: true, resourceVersion: "", resourceVersionMatch: "NotOlderThan" }, r);
    expect(r.types()).toEqual(["ADDED a", "BOOKMARK"]);
    expect(md(r.events[1]!.object)["annotations"]).toEqual({ [INITIAL_EVENTS_END]: "true" });
  });

  it("ends open watches with 410 when resourceVersions are expired, and on closeWatches", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    const r = recorder();
    store.watch(cms, {}, r);
    expect(store.openWatches).toBe(1);
    store.expireResourceVersions();
    expect(r.events.map((e) => e.type)).toEqual(["ERROR"]);
    expect(r.ended).toBe(true);
    expect(store.openWatches).toBe(0);
    const r2 = recorder();
    store.watch(cms, {}, r2);
    store.closeWatches();
    expect(r2.ended).toBe(true);
  });

  it("rejects bad selectors and resourceVersions before starting", () => {
    const { store } = testStore();
    const cms = store.resolve("", "v1", "configmaps");
    expect(statusOf(() => store.watch(cms, { labelSelector: "a in (b" }, recorder())).code).toBe(400);
    // A malformed resourceVersion is a 500 without a reason for a watch, as the API server answers it.
    expect(statusOf(() => store.watch(cms, { resourceVersion: "abc" }, recorder()))).toMatchObject({
      code: 500,
      message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    });
  });

  it("ends watches on a kind whose CRD is removed", () => {
    const { store } = testStore();
    const widgets = store.resolve("example.com", "v1", "widgets");
    const r = recorder();
    store.watch(widgets, {}, r);
    store.delete(store.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions"), undefined, "widgets.example.com");
    expect(r.ended).toBe(true);
  });
});
