import { describe, expect, it } from "vitest";
import { createOrPatch, createOrUpdate } from "../../../src/runtime/helpers/index.js";
import { ConfigMap } from "../../../src/runtime/index.js";
import { fakeClient } from "../../../src/testing/index.js";

describe("createOrUpdate and createOrPatch", () => {
  it("creates, leaves alone, then updates", async () => {
    const client = fakeClient();
    const cm = (): ConfigMap => ({ metadata: { name: "c", namespace: "default" } });
    let value = "1";
    const mutate = (o: ConfigMap) => void (o.data = { k: value });
    expect((await createOrUpdate(client, ConfigMap, cm(), mutate)).result).toBe("created");
    expect((await createOrUpdate(client, ConfigMap, cm(), mutate)).result).toBe("unchanged");
    value = "2";
    const updated = await createOrUpdate(client, ConfigMap, cm(), mutate);
    expect(updated.result).toBe("updated");
    expect((await client.get(ConfigMap, { namespace: "default", name: "c" })).data).toEqual({ k: "2" });
    await expect(createOrUpdate(client, ConfigMap, cm(), (o) => void (o.metadata!.name = "other"))).rejects.toThrow(/must not change/);
  });

  it("patches only what mutate changed", async () => {
    const client = fakeClient();
    const cm = (): ConfigMap => ({ metadata: { name: "p", namespace: "default" } });
    expect((await createOrPatch(client, ConfigMap, cm(), (o) => void (o.data = { a: "1", b: "2" }))).result).toBe("created");
    // another writer adds a key; our patch must not remove it
    await client.patch(ConfigMap, { namespace: "default", name: "p" }, { data: { c: "3" } }, { type: "merge" });
    const r = await createOrPatch(client, ConfigMap, cm(), (o) => {
      o.data!.a = "changed";
      delete o.data!.b;
    });
    expect(r.result).toBe("updated");
    expect((await client.get(ConfigMap, { namespace: "default", name: "p" })).data).toEqual({ a: "changed", c: "3" });
    expect((await createOrPatch(client, ConfigMap, cm(), () => {})).result).toBe("unchanged");
  });
});
