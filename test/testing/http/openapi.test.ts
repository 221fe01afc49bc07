import { createHash } from "node:crypto";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRoute } from "../../../src/testing/http/route.js";
import { InMemoryTransport, startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { CRD_DIR } from "../helpers.js";

/** A JSON document, read deep in assertions (hence `any`). */
type Doc = Record<string, any>;

let env: TestEnv;
let url: string;
beforeAll(async () => {
  env = await startTestEnv({ crdDirectoryPaths: [CRD_DIR], bookmarkIntervalMs: 60_000, env: {} });
  url = env.kubeConfig.getCurrentCluster()!.server;
});
afterAll(async () => {
  await env.stop();
});

async function getJson(path: string, headers: Record<string, string> = {}): Promise<Doc> {
  const res = await fetch(url + path, { headers });
  expect(res.status, path).toBe(200);
  return (await res.json()) as Doc;
}

/** The v3 index, and one group version's document fetched through its `serverRelativeURL`. */
async function v3(gv: string): Promise<Doc> {
  const index = await getJson("/openapi/v3");
  const entry = index["paths"][gv] as { serverRelativeURL: string } | undefined;
  expect(entry, `${gv} in /openapi/v3`).toBeDefined();
  return getJson(entry!.serverRelativeURL);
}

/** Every `$ref` in a value. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe("routes of the OpenAPI documents", () => {
  it("parses /openapi/v2, /openapi/v3 and group-version documents", () => {
    expect(parseRoute("/openapi/v2")).toEqual({ kind: "openapi-v2" });
    expect(parseRoute("/openapi/v3")).toEqual({ kind: "openapi-v3" });
    expect(parseRoute("/openapi/v3/api/v1")).toEqual({ kind: "openapi-v3-document", path: "api/v1" });
    expect(parseRoute("/openapi/v3/apis/example.com/v1")).toEqual({ kind: "openapi-v3-document", path: "apis/example.com/v1" });
    expect(parseRoute("/openapi/v4")).toEqual({ kind: "unknown" });
  });
});

describe("/openapi/v3", () => {
  it("lists every served group version with a hash of its document, which is served immutable at that URL", async () => {
    const index = await getJson("/openapi/v3");
    const paths = index["paths"] as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(["api/v1", "apis/apps/v1", "apis/batch/v1", "apis/example.com/v1", "apis/example.com/v2", "apis/apiextensions.k8s.io/v1"]),
    );
    const entry = paths["apis/example.com/v1"]!;
    expect(entry.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]{128}$/);

    const res = await fetch(url + entry.serverRelativeURL);
    const text = await res.text();
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("cache-control")).toBe("public, immutable");
    expect(entry.serverRelativeURL.endsWith(createHash("sha512").update(text).digest("hex").toUpperCase())).toBe(true);

    const stale = await fetch(`${url}/openapi/v3/apis/example.com/v1?hash=ABC`, { redirect: "manual" });
    expect(stale.status).toBe(301);
    expect(stale.headers.get("location")).toBe(entry.serverRelativeURL);
    expect((await fetch(`${url}/openapi/v3/apis/nothing.example.com/v1`)).status).toBe(404);
  });

  it("describes a CRD version as the apiextensions-apiserver does: its schema, ObjectMeta, the list kind and the operations", async () => {
    const doc = await v3("apis/example.com/v1");
    expect(doc["openapi"]).toBe("3.0.0");
    expect(doc["info"]).toEqual({ title: "Kubernetes CRD Swagger", version: "v0.1.0" });
    const schemas = doc["components"]["schemas"] as Record<string, Doc>;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining([
        "com.example.v1.Widget",
        "com.example.v1.WidgetList",
        "com.example.v1.Gadget",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
      ]),
    );
    const widget = schemas["com.example.v1.Widget"]!;
    expect(widget["x-kubernetes-group-version-kind"]).toEqual([{ group: "example.com", kind: "Widget", version: "v1" }]);
    expect(widget["properties"]["metadata"]).toMatchObject({ allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }] });
    expect(widget["properties"]["apiVersion"]).toMatchObject({ type: "string" });
    expect(widget["properties"]["spec"]["properties"]["color"]).toEqual({ type: "string", enum: ["red", "blue", "green"], default: "blue" });
    expect(widget["properties"]["spec"]["x-kubernetes-validations"]).toHaveLength(1);
    expect(schemas["com.example.v1.WidgetList"]).toMatchObject({
      required: ["items"],
      properties: { items: { type: "array", items: { $ref: "#/components/schemas/com.example.v1.Widget" } } },
      "x-kubernetes-group-version-kind": [{ group: "example.com", kind: "WidgetList", version: "v1" }],
    });

    const object = doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"] as Doc;
    expect(object["patch"]["x-kubernetes-group-version-kind"]).toEqual({ group: "example.com", kind: "Widget", version: "v1" });
    expect(object["patch"]["x-kubernetes-action"]).toBe("patch");
    expect(object["patch"]["operationId"]).toBe("patchExampleComV1NamespacedWidget");
    expect((object["patch"]["parameters"] as Doc[]).map((p) => p["name"])).toContain("fieldValidation");
    expect(Object.keys(object["patch"]["requestBody"]["content"])).toEqual([
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/apply-patch+yaml",
    ]);
    expect(doc["paths"]).toHaveProperty(["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status"]);
    expect(doc["paths"]).toHaveProperty(["/apis/example.com/v1/widgets"]);
    expect(doc["paths"]).toHaveProperty(["/apis/example.com/v1/gadgets/{name}"]);
    expect(doc["paths"]).not.toHaveProperty(["/apis/example.com/v1/gadgets/{name}/status"]);

    for (const r of refs(doc)) expect(Object.keys(schemas), r).toContain(r.replace("#/components/schemas/", ""));
  });

  it("describes built-in kinds with their client-node schemas, by Go package, with strategic merge patch", async () => {
    const doc = await v3("api/v1");
    expect(doc["info"]).toEqual({ title: "Kubernetes", version: "v1.33.0" });
    const schemas = doc["components"]["schemas"] as Record<string, Doc>;
    const cm = schemas["io.k8s.api.core.v1.ConfigMap"]!;
    expect(cm["description"]).toMatch(/^ConfigMap holds configuration data/);
    expect(cm["x-kubernetes-group-version-kind"]).toEqual([{ group: "", kind: "ConfigMap", version: "v1" }]);
    expect(cm["properties"]["data"]).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    const pod = schemas["io.k8s.api.core.v1.PodSpec"]!;
    expect(pod["properties"]["containers"]).toMatchObject({ type: "array", items: { $ref: "#/components/schemas/io.k8s.api.core.v1.Container" } });
    expect(schemas["io.k8s.api.core.v1.ResourceRequirements"]!["properties"]["limits"]["additionalProperties"]).toEqual({
      $ref: "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity",
    });
    const patch = doc["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["patch"] as Doc;
    expect(patch["requestBody"]["content"]).toHaveProperty(["application/strategic-merge-patch+json"]);
    expect(patch["operationId"]).toBe("patchCoreV1NamespacedConfigMap");
    for (const r of refs(doc)) expect(Object.keys(schemas), r).toContain(r.replace("#/components/schemas/", ""));

    const apps = await v3("apis/apps/v1");
    const template = apps["components"]["schemas"]["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"] as Doc;
    expect(template["properties"]).toHaveProperty("matchLabels");
    expect(apps["components"]["schemas"]).toHaveProperty(["io.k8s.api.core.v1.PodTemplateSpec"]);
    expect(apps["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"]).toEqual([
      { group: "apps", kind: "Deployment", version: "v1" },
    ]);
  });

  it("follows CRDs: a new CRD's group version appears, a changed one gets a new hash, a deleted one goes", async () => {
    const crds = env.kubeConfig.getCurrentCluster()!.server + "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "sprockets.tools.example.org" },
      spec: {
        group: "tools.example.org",
        names: { kind: "Sprocket", plural: "sprockets" },
        scope: "Cluster",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { teeth: { type: "integer" } } } } } },
          },
        ],
      },
    };
    expect((await getJson("/openapi/v3"))["paths"]).not.toHaveProperty(["apis/tools.example.org/v1"]);
    expect((await fetch(crds, { method: "POST", body: JSON.stringify(crd), headers: { "content-type": "application/json" } })).status).toBe(201);
    const before = (await getJson("/openapi/v3"))["paths"]["apis/tools.example.org/v1"]["serverRelativeURL"] as string;
    const doc = await getJson(before);
    expect(doc["components"]["schemas"]["org.example.tools.v1.Sprocket"]["properties"]["spec"]["properties"]).toEqual({ teeth: { type: "integer" } });
    expect(doc["paths"]).toHaveProperty(["/apis/tools.example.org/v1/sprockets/{name}"]);

    const patch = {
      spec: {
        versions: [
          {
            ...crd.spec.versions[0],
            schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { teeth: { type: "integer", minimum: 3 } } } } } },
          },
        ],
      },
    };
    expect(
      (
        await fetch(`${crds}/sprockets.tools.example.org`, {
          method: "PATCH",
          body: JSON.stringify(patch),
          headers: { "content-type": "application/merge-patch+json" },
        })
      ).status,
    ).toBe(200);
    const after = (await getJson("/openapi/v3"))["paths"]["apis/tools.example.org/v1"]["serverRelativeURL"] as string;
    expect(after).not.toBe(before);
    expect((await getJson(after))["components"]["schemas"]["org.example.tools.v1.Sprocket"]["properties"]["spec"]["properties"]["teeth"]).toEqual({
      type: "integer",
      minimum: 3,
    });

    expect((await fetch(`${crds}/sprockets.tools.example.org`, { method: "DELETE" })).status).toBe(200);
    expect((await getJson("/openapi/v3"))["paths"]).not.toHaveProperty(["apis/tools.example.org/v1"]);
    expect((await fetch(`${url}/openapi/v3/apis/tools.example.org/v1`)).status).toBe(404);
    expect((await getJson("/openapi/v2"))["definitions"]).not.toHaveProperty(["org.example.tools.v1.Sprocket"]);
  });

  it("is served the same by the in-memory transport", async () => {
    const transport = new InMemoryTransport(env.server);
    const index = await transport.request<Doc>({ method: "GET", path: "/openapi/v3" });
    expect(index).toEqual(await getJson("/openapi/v3"));
    const doc = await transport.request<Doc>({ method: "GET", path: "/openapi/v3/apis/example.com/v1" });
    expect(doc["components"]["schemas"]).toHaveProperty(["com.example.v1.Widget"]);
  });
});

describe("/openapi/v2", () => {
  it("is one document of every kind, with v2 references that all resolve and the v2 form of CRD schemas", async () => {
    const doc = await getJson("/openapi/v2");
    expect(doc["swagger"]).toBe("2.0");
    const definitions = doc["definitions"] as Record<string, Doc>;
    for (const r of refs(doc)) expect(Object.keys(definitions), r).toContain(r.replace("#/definitions/", ""));
    expect(definitions["io.k8s.api.core.v1.ConfigMap"]!["properties"]["metadata"]).toMatchObject({
      $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    });
    // Defaults are pruned in v2; a root that preserves unknown fields is a bare object.
    expect(definitions["com.example.v1.Widget"]!["properties"]["spec"]["properties"]["color"]).toEqual({ type: "string", enum: ["red", "blue", "green"] });
    expect(definitions["com.example.v2.Widget"]).toEqual({
      type: "object",
      "x-kubernetes-group-version-kind": [{ group: "example.com", kind: "Widget", version: "v2" }],
    });
    expect(definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]).toMatchObject({ type: "string", format: "int-or-string" });
    const patch = doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]["patch"] as Doc;
    expect(patch["consumes"]).toEqual(["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]);
    expect((patch["parameters"] as Doc[]).map((p) => p["name"])).toEqual(["body", "dryRun", "fieldManager", "fieldValidation", "force"]);
  });

  it("is gnostic protobuf when client-go asks for it", async () => {
    const res = await fetch(`${url}/openapi/v2`, { headers: { accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    const reader = new BinaryReader(new Uint8Array(await res.arrayBuffer()));
    const fields = new Map<number, number>();
    let swagger = "";
    while (reader.pos < reader.len) {
      const [field, type] = reader.tag();
      fields.set(field, (fields.get(field) ?? 0) + 1);
      if (field === 1 && type === WireType.LengthDelimited) swagger = reader.string();
      else reader.skip(type);
    }
    expect(swagger).toBe("2.0");
    // info, paths and definitions, once each
    expect([...fields.entries()].sort()).toEqual([
      [1, 1],
      [2, 1],
      [8, 1],
      [9, 1],
    ]);
    expect((await fetch(`${url}/openapi/v2`, { headers: { accept: "application/xml" } })).status).toBe(406);
  });
});
