// reconcileContext: what a unit test hands a reconciler it calls directly, as the manager would.
import { describe, expect, it } from "vitest";
import { ConfigMap, Event, type Client, type ReconcileContext, type Reconciler, type Request } from "../../../src/runtime/index.js";
import { FakeClock, fakeClient, reconcileContext } from "../../../src/testing/index.js";

class Greeter implements Reconciler<Client> {
  async reconcile(req: Request, { client, recorder, clock }: ReconcileContext<Client>): Promise<void> {
    const cm = await client.get(ConfigMap, req);
    await recorder.event(cm, ConfigMap, "Normal", "Greeted", `greeted at ${new Date(clock.now()).toISOString()}`);
  }
}

describe("reconcileContext", () => {
  it("gives a recorder writing Events through the client, timestamped by the clock it is given", async () => {
    const client = fakeClient({ objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default", name: "w" } }] });
    const clock = new FakeClock(Date.parse("2026-01-02T03:04:05Z"));
    await new Greeter().reconcile({ namespace: "default", name: "w" }, reconcileContext(client, { clock, component: "greeter" }));
    const [event] = await client.list(Event, { namespace: "default" });
    expect(event).toMatchObject({
      reason: "Greeted",
      type: "Normal",
      message: "greeted at 2026-01-02T03:04:05.000Z",
      firstTimestamp: "2026-01-02T03:04:05Z",
      source: { component: "greeter" },
      involvedObject: { kind: "ConfigMap", name: "w", namespace: "default" },
    });
  });

  it("defaults to a signal that never aborts and the real clock", () => {
    const ctx = reconcileContext(fakeClient());
    expect(ctx.signal.aborted).toBe(false);
    expect(Math.abs(ctx.clock.now() - Date.now())).toBeLessThan(60_000);
  });
});
