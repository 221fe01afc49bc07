// Conformance: custom resources admitted against their CRD's schema: pruning, defaulting,
// OpenAPI validation and CEL rules (messageExpression, transition rules), with the API server's
// 422 Status: message, reason, causes.
import { expect, it } from "vitest";
import { failure, forEachBackend, invalidStatus, statusOf, type Backend } from "./helpers.js";

const THING = "conformance.example.com/v1";
const thing = (name: string, spec: object, extra: object = {}): object => ({ apiVersion: THING, kind: "Thing", metadata: { name }, spec, ...extra });
const things = (ns: string): string => `/apis/conformance.example.com/v1/namespaces/${ns}/things`;
const details = (name: string): { name: string; group: string; kind: string } => ({ name, group: "conformance.example.com", kind: "Thing" });
const head = (name: string): string => `Thing.conformance.example.com "${name}" is invalid`;
const SKIPPED = { field: "<nil>", reason: "FieldValueInvalid", message: "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation" };

async function create(b: Backend, ns: string, body: object): Promise<{ status: number; body: { spec: Record<string, unknown>; metadata: { resourceVersion: string } } }> {
  return (await b.post(things(ns), body)) as never;
}

forEachBackend("conformance: custom resource admission", (backend) => {
  it("prunes unknown fields, keeps preserved ones, and applies defaults (nested and in list items)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const created = await create(b, ns, thing("t", { name: "abc", extra: 1, entries: [{ key: "a", junk: true }], free: { anything: { goes: [1, "x"] } }, port: "http" }, { junk: "top" }));
    expect(created.status).toBe(201);
    expect(created.body.spec).toEqual({ name: "abc", maxReplicas: 10, entries: [{ key: "a", weight: 1 }], free: { anything: { goes: [1, "x"] } }, port: "http" });
    expect((created.body as unknown as Record<string, unknown>)["junk"]).toBeUndefined();
    const port = await create(b, ns, thing("u", { name: "abc", port: 8080 }));
    expect(port.body.spec["port"]).toBe(8080);
  });

  it("reports every OpenAPI violation in one 422, then says the rules were not checked", async () => {
    const b = backend();
    const ns = await b.namespace();
    const answer = await b.post(things(ns), thing("t", { name: "AB", replicas: -1, entries: [{}, { key: "a" }, { key: "b" }], ratio: 1, port: true, mode: "x" }));
    expect(statusOf(answer)).toEqual(
      invalidStatus(head("t"), details("t"), [
        { field: "spec.name", reason: "FieldValueInvalid", message: 'Invalid value: "AB": spec.name in body should be at least 3 chars long' },
        { field: "spec.replicas", reason: "FieldValueInvalid", message: "Invalid value: -1: spec.replicas in body should be greater than or equal to 0" },
        { field: "spec.entries[0].key", reason: "FieldValueRequired", message: "Required value" },
        { field: "spec.entries", reason: "FieldValueTooMany", message: "Too many: 3: must have at most 2 items" },
        { field: "spec.ratio", reason: "FieldValueInvalid", message: "Invalid value: 1: spec.ratio in body should be less than 1" },
        { field: "spec.port", reason: "FieldValueTypeInvalid", message: 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"' },
        { field: "spec.mode", reason: "FieldValueNotSupported", message: 'Unsupported value: "x": supported values: "fast", "slow"' },
        SKIPPED,
      ]),
    );
    expect(statusOf(await b.post(things(ns), thing("r", {})))).toEqual(
      invalidStatus(head("r"), details("r"), [{ field: "spec.name", reason: "FieldValueRequired", message: "Required value" }, SKIPPED]),
    );
    expect(statusOf(await b.post(things(ns), thing("l", { name: "abcdefghijkl" })))).toEqual(
      invalidStatus(head("l"), details("l"), [{ field: "spec.name", reason: "FieldValueTooLong", message: "Too long: may not be more than 10 bytes" }, SKIPPED]),
    );
    expect(statusOf(await b.post(things(ns), thing("y", { name: "abc", replicas: "many" })))).toEqual(
      invalidStatus(head("y"), details("y"), [
        { field: "spec.replicas", reason: "FieldValueTypeInvalid", message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"' },
        SKIPPED,
      ]),
    );
  });

  it("evaluates CEL rules: message, messageExpression, and transition rules against the old object", async () => {
    const b = backend();
    const ns = await b.namespace();
    expect(statusOf(await b.post(things(ns), thing("c", { name: "abc", replicas: 20, maxReplicas: 5 })))).toEqual(
      invalidStatus(head("c"), details("c"), [{ field: "spec", reason: "FieldValueInvalid", message: "Invalid value: replicas of abc must not exceed maxReplicas" }]),
    );
    const created = await create(b, ns, thing("m", { name: "abc", mode: "fast" }));
    expect(created.status).toBe(201);
    const changed = await b.patch(`${things(ns)}/m`, "merge", { spec: { mode: "slow" } });
    expect(statusOf(changed)).toEqual(invalidStatus(head("m"), details("m"), [{ field: "spec.mode", reason: "FieldValueInvalid", message: 'Invalid value: "slow": mode is immutable' }]));
    expect((await b.patch(`${things(ns)}/m`, "merge", { spec: { replicas: 3 } })).status).toBe(200);
    // The Widget rule, with its own message and the value it reports.
    expect(statusOf(await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 7 } }))).toEqual(
      invalidStatus('Widget.example.com "w" is invalid', { name: "w", group: "example.com", kind: "Widget" }, [
        { field: "spec", reason: "FieldValueInvalid", message: "Invalid value: only red widgets may be bigger than 5" },
      ]),
    );
  });

  it("validates the list types of a schema: sets unique, maps unique by key", async () => {
    const b = backend();
    const ns = await b.namespace();
    const answer = await b.post(`/apis/example.com/v1/namespaces/${ns}/widgets`, {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w" },
      spec: { tags: ["a", "a"], ports: [{ name: "p", port: 1 }, { name: "p", port: 2 }] },
    });
    expect(statusOf(answer)).toEqual(
      invalidStatus('Widget.example.com "w" is invalid', { name: "w", group: "example.com", kind: "Widget" }, [
        { field: "spec.tags[1]", reason: "FieldValueDuplicate", message: 'Duplicate value: "a"' },
        { field: "spec.ports[1]", reason: "FieldValueDuplicate", message: 'Duplicate value: {"name":"p"}' },
      ]),
    );
  });

  it("validates status written through /status against the schema, and ignores spec there", async () => {
    const b = backend();
    const ns = await b.namespace();
    await create(b, ns, thing("s", { name: "abc" }));
    const bad = await b.patch(`${things(ns)}/s/status`, "merge", { status: { ready: "yes" } });
    expect(statusOf(bad)).toEqual(
      invalidStatus(head("s"), details("s"), [
        // Through /status the schema checks status alone, and names what is inside it from there.
        { field: "status.ready", reason: "FieldValueTypeInvalid", message: 'Invalid value: "string": ready in body must be of type boolean: "string"' },
        SKIPPED,
      ]),
    );
    const good = await b.patch(`${things(ns)}/s/status`, "merge", { status: { ready: true, extra: 1 }, spec: { name: "zzz" } });
    expect([good.status, good.body.status, good.body.spec.name]).toEqual([200, { ready: true }, "abc"]);
  });

  it("rejects unknown fields with fieldValidation=Strict (400 on create)", async () => {
    const b = backend();
    const ns = await b.namespace();
    const answer = await b.post(things(ns), thing("x", { name: "abc", bogus: 1 }), { fieldValidation: "Strict" });
    expect(statusOf(answer)).toEqual(failure(400, "BadRequest", 'Thing in version "v1" cannot be handled as a Thing: strict decoding error: unknown field "spec.bogus"'));
  });
});

forEachBackend("conformance: CustomResourceDefinitions", (backend) => {
  it("installs a CRD whose CEL rules a real server finds too costly (the in-process server does not estimate cost)", async () => {
    const b = backend();
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "costlies.conformance.example.com" },
      spec: {
        group: "conformance.example.com",
        names: { kind: "Costly", plural: "costlies" },
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
                    properties: { n: { type: "integer" }, items: { type: "array", items: { type: "string" } } },
                    "x-kubernetes-validations": [{ rule: "self.items.all(a, self.items.all(b, a != b || a == b))", messageExpression: "'bad: ' + string(self.n)" }],
                  },
                },
              },
            },
          },
        ],
      },
    };
    const answer = await b.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    if (b.real) {
      expect(statusOf(answer)).toMatchObject({ code: 422, reason: "Invalid" });
      expect(statusOf(answer).message).toContain("estimated rule cost exceeds budget");
    } else {
      expect(answer.status).toBe(201);
    }
  });
});
