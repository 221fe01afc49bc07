// withSignal: the client a reconcile gets is bound to the controller's run, so its requests
// end when the manager stops or loses leadership, without the reconciler passing ctx.signal.
import { describe, expect, it } from "vitest";
import { withSignal, type Client } from "../../../src/runtime/client/index.js";
import { FakeClock } from "../../../src/runtime/clock/index.js";
import { Controller } from "../../../src/runtime/controller/controller.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { WorkQueue } from "../../../src/runtime/queue/index.js";
import { ConfigMap } from "../../../src/runtime/index.js";

/** A client whose every call waits until its options' signal aborts, recording the options. */
function hangingClient(seen: { method: string; options: { signal?: AbortSignal } | undefined }[]): Client {
  const optionsAt: Record<string, number> = { get: 2, list: 1, listPage: 1, create: 2, update: 2, updateStatus: 2, patch: 3, patchStatus: 3, delete: 2, deleteAllOf: 1 };
  return new Proxy({} as Client, {
    get: (_target, method: string) =>
      (...args: unknown[]) => {
        const options = args[optionsAt[method]!] as { signal?: AbortSignal } | undefined;
        seen.push({ method, options });
        return new Promise((_resolve, reject) => {
          const signal = options?.signal;
          if (!signal) return; // never answers
          if (signal.aborted) return reject(signal.reason);
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        });
      },
  });
}

describe("withSignal", () => {
  it("adds the signal to every method's options, keeping the others", async () => {
    const seen: { method: string; options: { signal?: AbortSignal } | undefined }[] = [];
    const abort = new AbortController();
    const client = withSignal(hangingClient(seen), abort.signal);
    const key = { namespace: "ns", name: "a" };
    const cm = { metadata: key };
    const calls = [
      client.get(ConfigMap, key),
      client.list(ConfigMap, { namespace: "ns" }),
      client.listPage(ConfigMap, { limit: 1 }),
      client.create(ConfigMap, cm),
      client.update(ConfigMap, cm, { fieldManager: "me" }),
      client.updateStatus(ConfigMap, cm),
      client.patch(ConfigMap, key, {}, { type: "merge" }),
      client.patchStatus(ConfigMap, key, {}, { type: "merge" }),
      client.delete(ConfigMap, key),
      client.deleteAllOf(ConfigMap, { namespace: "ns" }),
    ];
    expect(seen.map((s) => s.method)).toEqual(["get", "list", "listPage", "create", "update", "updateStatus", "patch", "patchStatus", "delete", "deleteAllOf"]);
    expect(seen.every((s) => s.options?.signal === abort.signal)).toBe(true);
    expect(seen.find((s) => s.method === "update")!.options).toMatchObject({ fieldManager: "me" });
    expect(seen.find((s) => s.method === "patch")!.options).toMatchObject({ type: "merge" });
    abort.abort();
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.every((o) => o.status === "rejected" && (o.reason as Error).name === "AbortError")).toBe(true);
  });

  it("a call's own signal still cancels it, and so does the bound one", async () => {
    const seen: { method: string; options: { signal?: AbortSignal } | undefined }[] = [];
    const run = new AbortController();
    const client = withSignal(hangingClient(seen), run.signal);
    const own = new AbortController();
    const first = client.get(ConfigMap, { namespace: "ns", name: "a" }, { signal: own.signal, timeoutMs: 5 });
    expect(seen[0]!.options).toMatchObject({ timeoutMs: 5 });
    own.abort(new Error("mine"));
    await expect(first).rejects.toThrow("mine");
    const second = client.get(ConfigMap, { namespace: "ns", name: "a" }, { signal: new AbortController().signal });
    run.abort();
    await expect(second).rejects.toMatchObject({ name: "AbortError" });
  });

  it("a controller hands reconciles its client bound to the run: a hanging request ends when the controller stops", async () => {
    const seen: { method: string; options: { signal?: AbortSignal } | undefined }[] = [];
    const outcome: unknown[] = [];
    const controller = new Controller<Client>({
      name: "bound",
      client: hangingClient(seen),
      bindClient: withSignal,
      queue: new WorkQueue<string>({ clock: new FakeClock() }),
      log: silentLogger(),
      reconciler: {
        async reconcile(req, { client }) {
          try {
            await client.get(ConfigMap, req); // no signal passed by the reconciler
          } catch (e) {
            outcome.push(e);
          }
        },
      },
    });
    const abort = new AbortController();
    const running = controller.start(abort.signal);
    controller.enqueue({ namespace: "ns", name: "a" });
    while (seen.length === 0) await new Promise((r) => setImmediate(r));
    abort.abort();
    await running;
    expect(outcome).toHaveLength(1);
    expect((outcome[0] as Error).name).toBe("AbortError");
  });
});
