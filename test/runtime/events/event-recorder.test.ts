import { describe, expect, it } from "vitest";
import { EventRecorder } from "../../../src/runtime/events/event-recorder.js";
import { silentLogger } from "../../../src/runtime/log/logger.js";
import { ConfigMap, Event } from "../../../src/runtime/index.js";
import { fakeClient } from "../../../src/testing/index.js";

describe("EventRecorder", () => {
  it("creates an Event about the object and counts repeats instead of creating more", async () => {
    const client = fakeClient();
    const cm = await client.create(ConfigMap, { metadata: { name: "c", namespace: "default" }, data: {} });
    const recorder = new EventRecorder(client, "greeting-controller", silentLogger(), () => new Date("2026-11-26T10:00:00Z"));
    await recorder.event(cm, ConfigMap, "Normal", "Synced", "configmap synced");
    await recorder.event(cm, ConfigMap, "Normal", "Synced", "configmap synced");
    await recorder.event(cm, ConfigMap, "Warning", "Failed", "could not sync");
    const events = await client.list(Event, { namespace: "default" });
    expect(events).toHaveLength(2);
    const synced = events.find((e) => e.reason === "Synced")!;
    expect(synced).toMatchObject({
      type: "Normal",
      message: "configmap synced",
      count: 2,
      involvedObject: { kind: "ConfigMap", name: "c", namespace: "default", uid: cm.metadata!.uid },
      source: { component: "greeting-controller" },
    });
  });

  it("never throws: a failed write is logged", async () => {
    const client = fakeClient();
    const recorder = new EventRecorder(client, "x", silentLogger());
    await expect(recorder.event({ metadata: { name: "c", namespace: "missing-ns" } }, ConfigMap, "Normal", "R", "m")).resolves.toBeUndefined();
  });
});
