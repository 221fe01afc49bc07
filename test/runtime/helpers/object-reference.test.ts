import { describe, expect, it } from "vitest";
import { getReference } from "../../../src/runtime/helpers/index.js";
import { ConfigMap, Namespace } from "../../../src/runtime/resource.js";
import { fakeClient } from "../../../src/testing/index.js";

describe("getReference", () => {
  it("refers to an object read from the API: apiVersion, kind, namespace, name, uid, resourceVersion", async () => {
    const client = fakeClient();
    const cm = await client.create(ConfigMap, { metadata: { name: "settings", namespace: "default" } });
    expect(getReference(cm)).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: "default",
      name: "settings",
      uid: cm.metadata!.uid,
      resourceVersion: cm.metadata!.resourceVersion,
    });
  });

  it("takes the kind from the resource when the object lacks it, and leaves out what the object lacks", () => {
    expect(getReference({ metadata: { name: "team" } }, Namespace)).toEqual({ apiVersion: "v1", kind: "Namespace", name: "team" });
    // The object's own type meta wins over the resource's.
    expect(getReference({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "ns" } }, ConfigMap)).toEqual({
      apiVersion: "example.com/v1",
      kind: "Widget",
      name: "w",
      namespace: "ns",
    });
  });

  it("refuses an object whose kind it cannot tell, naming the fix", () => {
    expect(() => getReference({ metadata: { name: "x" } })).toThrow('getReference: the object "x" has no apiVersion and kind; pass its resource');
  });
});
