// Conformance: server-side apply of fields below an object whose schema declares no properties
// (`{type: object}`, what an ObjectMeta inside a template is without
// --generate-embedded-object-meta). structured-merge-diff types such an object as a map of
// anything, so the apply is taken and pruning then drops the fields; below an object that
// declares properties, an undeclared field fails the apply.
import { expect, it } from "vitest";
import { eventually, forEachBackend } from "./helpers.js";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "holders.untyped.example.com" },
  spec: {
    group: "untyped.example.com",
    names: { kind: "Holder", listKind: "HolderList", plural: "holders", singular: "holder" },
    scope: "Namespaced",
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: {
                  template: { type: "object", properties: { metadata: { type: "object" }, replicas: { type: "integer" } } },
                  shaped: { type: "object", properties: { a: { type: "string" } } },
                },
              },
            },
          },
        },
      },
    ],
  },
};

forEachBackend("conformance: server-side apply below an object without properties", (backend) => {
  it("takes fields below {type: object} and prunes them; refuses a field an object with properties does not declare", async () => {
    const b = backend();
    const ns = await b.namespace();
    expect((await b.post(CRDS, crd)).status).toBe(201);
    const path = `/apis/untyped.example.com/v1/namespaces/${ns}/holders`;
    const holder = (name: string, spec: object) => ({ apiVersion: "untyped.example.com/v1", kind: "Holder", metadata: { name }, spec });
    await eventually(async () => (await b.post(path, holder("probe", {}))).status === 201, "the new kind is served");

    const applied = await b.patch(`${path}/untyped`, "apply", holder("untyped", { template: { metadata: { labels: { app: "x" }, name: "n" }, replicas: 2 } }), { fieldManager: "test" });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body.spec).toEqual({ template: { metadata: {}, replicas: 2 } });

    const refused = await b.patch(`${path}/shaped`, "apply", holder("shaped", { shaped: { a: "x", b: "y" } }), { fieldManager: "test" });
    expect(refused.status).toBe(500);
    expect(refused.body.message).toContain(".spec.shaped.b: field not declared in schema");
  });
});
