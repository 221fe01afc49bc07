import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../../../src/runtime/client/api-client.js";
import { HttpTransport } from "../../../src/runtime/client/transport.js";
import { ConfigMap } from "../../../src/runtime/resource.js";
import { exponentialBackoff } from "../../../src/runtime/watch/backoff.js";
import { realClock } from "../../../src/runtime/clock/index.js";
import { listWatchSource } from "../../../src/runtime/watch/list-watch-source.js";
import { watch } from "../../../src/runtime/watch/watcher.js";
import type { WatcherError, WatcherEvent } from "../../../src/runtime/watch/watcher-event.js";
import { sendJson, startScriptedServer, status, type ScriptedServer } from "../client/scripted-server.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});

const cm = (name: string, rv: string) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns", resourceVersion: rv },
});
const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;

describe("watcher over HTTP", () => {
  it("survives a silent connection, an ERROR 410, an HTTP 410 and bookmarks, resuming at the right resourceVersion", async () => {
    let lists = 0;
    let watches = 0;
    server.script((req, res) => {
      if (req.url.searchParams.get("watch") !== "true") {
        lists++;
        const rv = lists === 1 ? "5" : "50";
        return sendJson(res, 200, {
          kind: "ConfigMapList",
          apiVersion: "v1",
          metadata: { resourceVersion: rv },
          items: [{ metadata: { name: `l${lists}`, namespace: "ns", resourceVersion: rv } }],
        });
      }
      watches++;
      if (watches !== 5) res.writeHead(200, { "Content-Type": "application/json" });
      switch (watches) {
        case 1: // one event, then silence: the read timeout must kill it
          res.write(line("ADDED", cm("a", "6")));
          return;
        case 2: // resumed at 6; a bookmark advances to 9, then the server ends the watch
          res.write(line("BOOKMARK", { kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: "9" } }));
          res.end();
          return;
        case 3: // resumed at 9: the version expired
          res.end(line("ERROR", status(410, "Expired", "too old resource version: 9 (40)")));
          return;
        case 4: // after the relist at 50: modified, then deleted
          res.write(line("MODIFIED", cm("l2", "51")));
          res.end(line("DELETED", cm("l2", "52")));
          return;
        case 5: // resumed at 52: refused with an HTTP 410
          return sendJson(res, 410, status(410, "Expired", "too old"));
          return;
        default:
          return; // silence until the test stops
      }
    });
    const client = new ApiClient(new HttpTransport({ kubeConfig: server.kubeConfig() }));
    const controller = new AbortController();
    const events: WatcherEvent[] = [];
    const errors: WatcherError[] = [];
    const iterate = (async () => {
      for await (const e of watch(listWatchSource(client, ConfigMap, { namespace: "ns" }), {
        signal: controller.signal,
        readTimeoutMs: 60,
        minWatchDurationMs: 0,
        backoff: exponentialBackoff(realClock, { initialMs: 1, maxMs: 2 }),
        onError: (e) => errors.push(e),
      })) {
        events.push(e);
        if (events.length > 50) break;
      }
    })();
    const deadline = Date.now() + 5000;
    while (watches < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await iterate;

    const watchRequests = server.seen.filter((r) => r.url.searchParams.get("watch") === "true");
    expect(watchRequests.map((r) => r.url.searchParams.get("resourceVersion"))).toEqual(["5", "6", "9", "50", "52", "50"]);
    expect(watchRequests[0]!.url.searchParams.get("allowWatchBookmarks")).toBe("true");
    expect(watchRequests[0]!.url.searchParams.get("timeoutSeconds")).toBe("290");
    expect(lists).toBe(3);
    expect(
      events.map((e) =>
        "object" in e ? `${e.type} ${e.object.metadata?.name}` : "resourceVersion" in e ? `${e.type} ${e.resourceVersion}` : e.type,
      ),
    ).toEqual([
      "init",
      "initApply l1",
      "initDone 5",
      "apply a",
      "bookmark 9",
      "init",
      "initApply l2",
      "initDone 50",
      "apply l2",
      "delete l2",
      "init",
      "initApply l3",
      "initDone 50",
    ]);
    expect(errors.map((e) => [e.phase, e.relist, (e.cause as { code?: string } | undefined)?.code ?? ""])).toEqual([
      ["watch", false, "read-timeout"],
      ["watch", true, ""],
      ["watch-start", true, ""],
    ]);
  });
});
