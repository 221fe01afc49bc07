// Conformance: 410 Expired for a resourceVersion older than what the server still holds. The
// real backend compacts etcd every 2 s here (--etcd-compaction-interval; 5 min by default) and
// serves ConfigMaps without a watch cache (--watch-cache-sizes=configmaps#0: a watch cache keeps
// events for at least 75 s, whatever etcd compacted); the in-process one keeps 20 events of
// history (historySize). Its own control plane, so that the compaction disturbs no other suite.
import { expect, it } from "vitest";
import { eventually, forEachBackend, statusOf } from "./helpers.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Event = { type: string; object: any };

forEachBackend(
  "conformance: expired resourceVersions",
  (backend) => {
    it("answers a watch from a compacted resourceVersion with one ERROR event carrying 410 Expired, then ends it", async () => {
      const b = backend();
      const ns = await b.namespace();
      const path = `/api/v1/namespaces/${ns}/configmaps`;
      const old = (await b.post(path, { metadata: { name: "first" } })).body.metadata.resourceVersion as string;
      // Write until the history no longer reaches back to `old` (etcd compacted it, or the in-process history moved on).
      let n = 0;
      const events = await eventually(
        async () => {
          for (let i = 0; i < 5; i++) await b.post(path, { metadata: { name: `x${n++}` } });
          const answer = await b.get(path, { watch: true, resourceVersion: old, timeoutSeconds: 1 });
          expect(answer.status).toBe(200);
          const lines = (typeof answer.body === "string" ? answer.body.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Event) : [answer.body as Event]).filter(Boolean);
          return lines.some((e) => e.type === "ERROR") ? lines : undefined;
        },
        "a watch from an old resourceVersion is refused",
        120_000,
      );
      expect(events).toHaveLength(1);
      const status = events[0]!.object;
      expect(status).toMatchObject({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Expired", code: 410 });
      // The watch cache (the default, and the in-process server) says "too old resource version: <rv> (<oldest>)";
      // here the real backend serves ConfigMaps from etcd, which words it as for lists.
      if (b.real) expect(status.message).toBe("The resourceVersion for the provided watch is too old.");
      else expect(status.message).toMatch(new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
    }, 180_000);

    it("answers a list at a compacted Exact resourceVersion, and a continue token from then, with 410", async () => {
      const b = backend();
      const ns = await b.namespace();
      const path = `/api/v1/namespaces/${ns}/configmaps`;
      for (const name of ["a", "b", "c"]) await b.post(path, { metadata: { name } });
      const first = (await b.get(path, { limit: 1 })).body;
      const old = first.metadata.resourceVersion as string;
      let n = 0;
      const exact = await eventually(
        async () => {
          for (let i = 0; i < 5; i++) await b.post(path, { metadata: { name: `x${n++}` } });
          const answer = await b.get(path, { resourceVersion: old, resourceVersionMatch: "Exact" });
          return answer.status === 410 ? answer : undefined;
        },
        "a list at an old resourceVersion is refused",
        120_000,
      );
      expect(statusOf(exact)).toMatchObject({ code: 410, reason: "Expired" });
      expect(statusOf(exact)).toEqual({
        code: 410,
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        reason: "Expired",
        message: "The resourceVersion for the provided list is too old.",
      });
      const next = await b.get(path, { limit: 1, continue: first.metadata.continue });
      expect(statusOf(next)).toMatchObject({
        code: 410,
        reason: "Expired",
        message:
          "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
      });
    }, 180_000);
  },
  (name) => (name === "real" ? { apiServerFlags: { "etcd-compaction-interval": "2s", "watch-cache-sizes": "configmaps#0" } } : { historySize: 20 }),
);
