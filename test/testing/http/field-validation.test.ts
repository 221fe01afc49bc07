import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { CRD_DIR } from "../helpers.js";

let env: TestEnv;
let url: string;
beforeAll(async () => {
  env = await startTestEnv({ crdDirectoryPaths: [CRD_DIR], bookmarkIntervalMs: 60_000, env: {} });
  url = env.kubeConfig.getCurrentCluster()!.server;
});
afterAll(async () => {
  await env.stop();
});

const WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";

async function send(method: string, path: string, body: unknown, contentType = "application/json"): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url + path, { method, body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": contentType } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const widget = (name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: "example.com/v1",
  kind: "Widget",
  metadata: { name, ...metadata },
  spec,
});

describe("fieldValidation=Strict on custom resources", () => {
  it("refuses a create with unknown fields as the API server's strict decoder does (400)", async () => {
    const res = await send(
      "POST",
      `${WIDGETS}?fieldValidation=Strict`,
      widget("s1", { size: 2, bogus: 1, ports: [{ name: "a", port: 1, extra: true }] }, { foo: "bar" }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "metadata.foo", unknown field "spec.bogus", unknown field "spec.ports[0].extra"',
      reason: "BadRequest",
      code: 400,
    });
  });

  it("prunes unknown fields silently without Strict (the default is Warn, and Ignore ignores)", async () => {
    for (const [name, query] of [
      ["s2", ""],
      ["s3", "?fieldValidation=Ignore"],
      ["s4", "?fieldValidation=Warn"],
    ] as const) {
      const res = await send("POST", WIDGETS + query, widget(name, { size: 2, bogus: 1 }));
      expect(res.status, query).toBe(201);
      expect(res.body["spec"], query).toEqual({ size: 2, color: "blue" });
    }
  });

  it("accepts known fields, and unknown fields where the schema preserves them", async () => {
    expect((await send("POST", `${WIDGETS}?fieldValidation=Strict`, widget("s5", { size: 2, tags: ["a"] }))).status).toBe(201);
    const v2 = await send("POST", "/apis/example.com/v2/namespaces/default/widgets?fieldValidation=Strict", {
      ...widget("s6", { anything: { goes: 1 } }),
      apiVersion: "example.com/v2",
    });
    expect(v2.status).toBe(201);
  });

  it("refuses replacing with unknown fields, the status subresource included", async () => {
    const created = await send("POST", WIDGETS, widget("s7", { size: 2 }));
    const object = { ...created.body, spec: { size: 3, nope: 1 } };
    const res = await send("PUT", `${WIDGETS}/s7?fieldValidation=Strict`, object);
    expect(res.status).toBe(400);
    expect(res.body["message"]).toBe('Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.nope"');
    const status = await send("PUT", `${WIDGETS}/s7/status?fieldValidation=Strict`, { ...created.body, status: { phase: "Ready", mood: "good" } });
    expect(status.status).toBe(400);
    expect(status.body["message"]).toMatch(/unknown field "status\.mood"$/);
  });

  it("refuses merge and JSON patches whose result has unknown fields with the API server's 422 on the patch", async () => {
    await send("POST", WIDGETS, widget("s8", { size: 2 }));
    const res = await send("PATCH", `${WIDGETS}/s8?fieldValidation=Strict`, { spec: { bogus: 1 } }, "application/merge-patch+json");
    expect(res.status).toBe(422);
    expect(res.body["reason"]).toBe("Invalid");
    expect(res.body["message"]).toMatch(
      /^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"example.com\/v1\\",\\"kind\\":\\"Widget\\",\\"metadata\\":\{.*\}": strict decoding error: unknown field "spec.bogus"$/,
    );
    expect(res.body["details"]).toMatchObject({ causes: [{ reason: "FieldValueInvalid", field: "patch" }] });
    const json = await send("PATCH", `${WIDGETS}/s8?fieldValidation=Strict`, [{ op: "add", path: "/spec/bogus", value: 1 }], "application/json-patch+json");
    expect(json.status).toBe(422);
    expect((await send("PATCH", `${WIDGETS}/s8?fieldValidation=Strict`, { spec: { size: 4 } }, "application/merge-patch+json")).status).toBe(200);
  });

  it("does not check built-in kinds, which have no schema in the store", async () => {
    const res = await send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      bogus: 1,
    });
    expect(res.status).toBe(201);
  });
});

describe("server-side apply of custom resources with unknown fields", () => {
  it("fails as structured-merge-diff fails, whatever fieldValidation says (500, no reason)", async () => {
    const apply = (name: string, spec: Record<string, unknown>, query = ""): Promise<{ status: number; body: Record<string, unknown> }> =>
      send(
        "PATCH",
        `${WIDGETS}/${name}?fieldManager=test${query}`,
        { ...widget(name, spec), metadata: { name, namespace: "default" } },
        "application/apply-patch+yaml",
      );
    const one = await apply("a1", { size: 2, bogus: 1 }, "&fieldValidation=Ignore");
    expect(one.status).toBe(500);
    expect(one.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "failed to create typed patch object (default/a1; example.com/v1, Kind=Widget): .spec.bogus: field not declared in schema",
      code: 500,
    });
    const two = await apply("a2", { ports: [{ name: "http", port: 80, extra: 1 }], more: 2 });
    expect(two.body["message"]).toBe(
      'failed to create typed patch object (default/a2; example.com/v1, Kind=Widget): errors:\n  .spec.more: field not declared in schema\n  .spec.ports[name="http"].extra: field not declared in schema',
    );
    const ok = await apply("a3", { size: 2 });
    expect(ok.status).toBe(201);
  });
});
