// Conformance: watches: ADDED/MODIFIED/DELETED in commit order, selector transitions, resuming
// from a resourceVersion, initial events, sendInitialEvents with its end bookmark, bookmarks,
// timeouts and the errors of watch requests. 410 Expired is in expiry.test.ts.
import { expect, it } from "vitest";
import { failure, forEachBackend, invalidStatus, statusOf } from "./helpers.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Event = { type: string; object: any };
const summary = (events: Event[]): string[] => events.filter((e) => e.type !== "BOOKMARK").map((e) => `${e.type} ${e.object.metadata.name as string}`);

forEachBackend("conformance: watches", (backend) => {
  it("streams ADDED, MODIFIED and DELETED after a list's resourceVersion, each at its own resourceVersion", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    await b.post(path, { metadata: { name: "a" } });
    const rv = (await b.get(path)).body.metadata.resourceVersion as string;
    const w = await b.watch(path, { resourceVersion: rv });
    try {
      const added = (await b.post(path, { metadata: { name: "b" } })).body;
      const modified = (await b.patch(`${path}/a`, "merge", { data: { k: "v" } })).body;
      await b.delete(`${path}/b`);
      await w.until((events) => summary(events).length >= 3, "three events");
      expect(summary(w.events)).toEqual(["ADDED b", "MODIFIED a", "DELETED b"]);
      const [e1, e2, e3] = w.events.filter((e) => e.type !== "BOOKMARK");
      expect(e1!.object).toEqual(added);
      expect(e2!.object).toEqual(modified);
      expect([e3!.object.kind, e3!.object.apiVersion, e3!.object.metadata.uid]).toEqual(["ConfigMap", "v1", added.metadata.uid]);
      expect(Number(e3!.object.metadata.resourceVersion)).toBeGreaterThan(Number(modified.metadata.resourceVersion));
    } finally {
      w.close();
    }
  });

  it("turns label changes into ADDED and DELETED for a selecting watch", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const rv = (await b.post(path, { metadata: { name: "a", labels: { x: "1" } } })).body.metadata.resourceVersion as string;
    const w = await b.watch(path, { resourceVersion: rv, labelSelector: "x=1" });
    try {
      await b.post(path, { metadata: { name: "b" } });
      await b.patch(`${path}/b`, "merge", { metadata: { labels: { x: "1" } } });
      await b.patch(`${path}/a`, "merge", { metadata: { labels: { x: "2" } } });
      await b.patch(`${path}/a`, "merge", { data: { ignored: "yes" } });
      await b.patch(`${path}/b`, "merge", { data: { k: "v" } });
      await w.until((events) => summary(events).length >= 3, "three events");
      expect(summary(w.events)).toEqual(["ADDED b", "DELETED a", "MODIFIED b"]);
      // The object leaving the selection is shown as it was last selected.
      expect(w.events.find((e) => e.type === "DELETED")!.object.metadata.labels).toEqual({ x: "1" });
    } finally {
      w.close();
    }
  });

  it("resumes from a resourceVersion, replaying what happened since", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const start = (await b.post(path, { metadata: { name: "a" } })).body.metadata.resourceVersion as string;
    await b.post(path, { metadata: { name: "b" } });
    await b.patch(`${path}/a`, "merge", { data: { k: "v" } });
    await b.delete(`${path}/b`);
    const w = await b.watch(path, { resourceVersion: start });
    try {
      await w.until((events) => summary(events).length >= 3, "replayed events");
      expect(summary(w.events)).toEqual(["ADDED b", "MODIFIED a", "DELETED b"]);
    } finally {
      w.close();
    }
  });

  it("starts with ADDED for every current object without a resourceVersion, and watches by name with a field selector", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    for (const name of ["b", "a"]) await b.post(path, { metadata: { name } });
    const all = await b.watch(path);
    const one = await b.watch(path, { fieldSelector: "metadata.name=a" });
    try {
      await all.until((events) => events.length >= 2, "initial events");
      expect(summary(all.events).sort()).toEqual(["ADDED a", "ADDED b"]);
      await b.patch(`${path}/b`, "merge", { data: { k: "v" } });
      await b.patch(`${path}/a`, "merge", { data: { k: "v" } });
      await one.until((events) => events.length >= 2, "a's events");
      expect(summary(one.events)).toEqual(["ADDED a", "MODIFIED a"]);
    } finally {
      all.close();
      one.close();
    }
    // On an object's own path `watch` is ignored: the answer is the object.
    const got = await b.get(`${path}/a`, { watch: true, timeoutSeconds: 1 });
    expect([got.status, got.body.kind, got.body.metadata.name]).toEqual([200, "ConfigMap", "a"]);
  });

  it("sends initial events then a bookmark annotated k8s.io/initial-events-end (sendInitialEvents)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets`;
    const w1 = (await b.post(path, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: {} })).body;
    const w = await b.watch(path, { sendInitialEvents: true, resourceVersionMatch: "NotOlderThan", allowWatchBookmarks: true });
    try {
      await w.until((events) => events.some((e) => e.type === "BOOKMARK"), "the end of the initial events");
      const [added, end] = w.events;
      expect(added).toEqual({ type: "ADDED", object: w1 });
      expect(end!.type).toBe("BOOKMARK");
      expect(end!.object).toEqual({ kind: "Widget", apiVersion: "example.com/v1", metadata: { resourceVersion: end!.object.metadata.resourceVersion, annotations: { "k8s.io/initial-events-end": "true" } } });
      expect(Number(end!.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(w1.metadata.resourceVersion));
    } finally {
      w.close();
    }
  });

  it("ends the stream after timeoutSeconds; bookmarks carry only a resourceVersion", async () => {
    const b = backend();
    const ns = await b.namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const rv = (await b.post(path, { metadata: { name: "a" } })).body.metadata.resourceVersion as string;
    const started = performance.now();
    const w = await b.watch(path, { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 2 });
    await w.until(() => w.ended, "the server ends the watch", 60_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1500);
    for (const e of w.events) {
      expect(e.type).toBe("BOOKMARK");
      expect(e.object).toEqual({ kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: e.object.metadata.resourceVersion } });
    }
    // A real server sends bookmarks about once a minute, and only when its watch cache moved on:
    // none in these two quiet seconds. The in-process server sends one every second (bookmarkIntervalMs).
    if (!b.real) expect(w.events.length).toBeGreaterThan(0);
  });

  it("refuses bad watch requests before streaming (400, 422)", async () => {
    const b = backend();
    const path = "/api/v1/namespaces/default/configmaps";
    expect(statusOf(await b.get(path, { watch: true, labelSelector: "a in (b" }))).toEqual(failure(400, "BadRequest", "unable to parse requirement: found '', expected: ',' or ')'"));
    expect(statusOf(await b.get(path, { watch: true, fieldSelector: "data.x=1" })).message).toBe('"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
    expect(statusOf(await b.get(path, { watch: true, resourceVersion: "x" }))).toEqual({
      code: 500,
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'resourceVersion: Invalid value: "x": strconv.ParseUint: parsing "x": invalid syntax',
    });
    const options = { group: "meta.k8s.io", kind: "ListOptions" };
    expect(statusOf(await b.get(path, { watch: true, sendInitialEvents: false, timeoutSeconds: 1 }))).toEqual(
      invalidStatus('ListOptions.meta.k8s.io "" is invalid', options, [
        { field: "resourceVersionMatch", reason: "FieldValueForbidden", message: "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" },
      ]),
    );
    expect(statusOf(await b.get(path, { watch: true, resourceVersionMatch: "NotOlderThan", timeoutSeconds: 1 }))).toEqual(
      invalidStatus('ListOptions.meta.k8s.io "" is invalid', options, [
        { field: "resourceVersionMatch", reason: "FieldValueForbidden", message: "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided" },
      ]),
    );
    expect(statusOf(await b.get(path, { watch: true, sendInitialEvents: true, resourceVersionMatch: "Exact", timeoutSeconds: 1 }))).toEqual(
      invalidStatus('ListOptions.meta.k8s.io "" is invalid', options, [
        { field: "resourceVersionMatch", reason: "FieldValueForbidden", message: "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" },
        { field: "resourceVersionMatch", reason: "FieldValueNotSupported", message: 'Unsupported value: "Exact": supported values: "NotOlderThan"' },
      ]),
    );
  });
});
