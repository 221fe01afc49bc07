import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KbError } from "../../../../src/diagnostics/index.js";
import { KUBERNETES_TYPES, embeddedOpenApiCatalog, readEmbeddedOpenApi } from "../../../../src/generator/crd/builtin/index.js";
import { runKb } from "../../../helpers/temp-project.js";

/** The oracle's TypeScript case with lists and maps of Kubernetes types, used read-only. */
const CASE = join(import.meta.dirname, "../../../../fixtures/oracle/ts/builtin-lists");
const CRD_FILE = "builtin-lists.oracle.example.com_fleets.yaml";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "kb-embedded-"));
  made.push(dir);
  return dir;
}

/**
 * Kubernetes' own OpenAPI v3 documents of the pinned version, when the go command's module
 * cache has k8s.io/kubernetes (`npm run embedded-types` downloads it); nothing is downloaded here.
 */
function specDir(): string | undefined {
  const r = spawnSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" });
  if (r.error || r.status !== 0) return undefined;
  const dir = join(r.stdout.trim(), `k8s.io/kubernetes@v${KUBERNETES_TYPES.kubernetes}`, "api/openapi-spec/v3");
  return existsSync(dir) ? dir : undefined;
}
const SPEC = specDir();

/** A folder with the documents of core/v1, apps/v1 and batch/v1, as `kubectl get --raw` saves them. */
function savedDocuments(): string {
  const dir = temp();
  for (const [from, to] of [
    ["api__v1_openapi.json", "core-v1.json"],
    ["apis__apps__v1_openapi.json", "apps-v1.json"],
    ["apis__batch__v1_openapi.json", "batch-v1.json"],
  ] as const) {
    copyFileSync(join(SPEC!, from), join(dir, to));
  }
  return dir;
}

/** A copy of a schema tree without any `description`. */
function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !(k === "description" && typeof v === "string"))
      .map(([k, v]) => [k, withoutDescriptions(v)]),
  );
}

async function generate(extra: string[]): Promise<{ code: number; err: string; crd: any }> {
  const out = temp();
  const r = await runKb(CASE, "generate", "crd", "--crd-dir", out, ...extra);
  let crd: unknown;
  try {
    crd = parse(readFileSync(join(out, CRD_FILE), "utf8"));
  } catch {
    crd = undefined;
  }
  return { code: r.code, err: r.err, crd };
}

describe.skipIf(SPEC === undefined)("--embedded-openapi with Kubernetes' documents of the pinned version (from the Go module cache)", () => {
  it("builds the same facts as the committed table for every definition they hold", () => {
    const table = readEmbeddedOpenApi(savedDocuments());
    const names = Object.keys(table.definitions);
    expect(names).toContain("io.k8s.api.batch.v1.JobTemplateSpec");
    for (const name of names) expect(table.definitions[name], name).toEqual(KUBERNETES_TYPES.definitions[name]);
  });

  it("makes the CRD kb makes from the pinned table, but for the descriptions", async () => {
    const pinned = await generate([]);
    const fromDocs = await generate(["--embedded-openapi", savedDocuments()]);
    expect(pinned.code, pinned.err).toBe(0);
    expect(fromDocs.code, fromDocs.err).toBe(0);
    expect(withoutDescriptions(fromDocs.crd)).toEqual(withoutDescriptions(pinned.crd));
    expect(fromDocs.crd).not.toEqual(pinned.crd);
  });

  it("takes the descriptions from the documents: a field's own doc, where client-node has its type's or none", async () => {
    const dir = savedDocuments();
    const core = JSON.parse(readFileSync(join(dir, "core-v1.json"), "utf8")).components.schemas;
    const own = (definition: string, field: string): string => core[`io.k8s.api.core.v1.${definition}`].properties[field].description;
    const pinned = await generate([]);
    const fromDocs = await generate(["--embedded-openapi", dir]);
    expect(fromDocs.code, fromDocs.err).toBe(0);
    const containerOf = (crd: any) => crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.containers.items;
    const [before, after] = [containerOf(pinned.crd), containerOf(fromDocs.crd)];
    // a field of another Kubernetes type: its own doc, not its type's
    expect(after.properties.livenessProbe.description).toBe(own("Container", "livenessProbe"));
    expect(before.properties.livenessProbe.description).toBe(core["io.k8s.api.core.v1.Probe"].description);
    // an IntOrString field: its own doc, where client-node has none
    const port = (c: any) => c.properties.livenessProbe.properties.httpGet.properties.port;
    expect(port(after).description).toBe(own("HTTPGetAction", "port"));
    expect(port(before)).not.toHaveProperty("description");
    // a list's items: their type's doc, as before
    expect(after.properties.env.items.description).toBe(core["io.k8s.api.core.v1.EnvVar"].description);
  });

  it("follows what the documents say where they differ from the pinned version", async () => {
    const dir = savedDocuments();
    // as a cluster of another version could serve them: a new field, a list merged by another
    // key (in every document that carries the type, as a cluster serves it)
    for (const file of ["core-v1.json", "apps-v1.json", "batch-v1.json"]) {
      const doc = JSON.parse(readFileSync(join(dir, file), "utf8"));
      const container = doc.components.schemas["io.k8s.api.core.v1.Container"];
      container.properties.sandbox = { type: "string", default: "none" };
      container.properties.env["x-kubernetes-list-map-keys"] = ["name", "value"];
      writeFileSync(join(dir, file), JSON.stringify(doc));
    }
    const r = await generate(["--embedded-openapi", dir]);
    expect(r.code, r.err).toBe(0);
    const container = r.crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.containers.items;
    expect(container.properties.sandbox).toEqual({ type: "string", default: "none" });
    expect(container.properties.env["x-kubernetes-list-map-keys"]).toEqual(["name", "value"]);
    // descriptions come from the documents (the new field has none there)
    expect(container.properties.image.description).toMatch(/^Container image name/);
  });

  it("expands a type the documents lack from client-node alone", () => {
    const dir = temp();
    copyFileSync(join(SPEC!, "apis__batch__v1_openapi.json"), join(dir, "batch-v1.json"));
    const catalog = embeddedOpenApiCatalog(dir);
    // batch/v1's document carries the core types a Job uses, but not a Service's
    const service = catalog.schema("V1ServiceSpec")!;
    expect(service.properties?.ports?.items?.properties?.protocol?.type).toBe("string");
    expect(service.properties?.ports).not.toHaveProperty("x-kubernetes-list-map-keys");
  });
});

describe("readEmbeddedOpenApi's defaults of a type the pinned table lacks", () => {
  it("drops a required field's zero value and {}, and keeps a field's own default", () => {
    const dir = temp();
    const widget = {
      type: "object",
      required: ["mode"],
      properties: {
        mode: { type: "string", default: "" },
        size: { type: "integer", default: 3 },
        spare: { type: "integer", default: 0 },
        extra: { type: "object", default: {} },
      },
    };
    writeFileSync(join(dir, "widgets-v1.json"), JSON.stringify({ components: { schemas: { "io.example.widgets.v1.Widget": widget } } }));
    const props = readEmbeddedOpenApi(dir).definitions["io.example.widgets.v1.Widget"]?.properties ?? {};
    expect(props.mode).toEqual({ type: "string" });
    expect(props.size).toEqual({ type: "integer", default: 3 });
    expect(props.spare).toEqual({ type: "integer", default: 0 });
    expect(props.extra).toEqual({ type: "object" });
  });
});

describe("--embedded-openapi errors", () => {
  const codeOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      if (e instanceof KbError) return `${e.code}: ${e.message}`;
      throw e;
    }
    return undefined;
  };

  it("says what it expected of a missing folder, a file that is not JSON, and documents without definitions", () => {
    expect(codeOf(() => readEmbeddedOpenApi(join(tmpdir(), "kb-no-such-folder")))).toMatch(/^embedded-openapi: .*expected a folder of OpenAPI v3 documents/);
    const bad = temp();
    writeFileSync(join(bad, "batch-v1.json"), "<html>");
    expect(codeOf(() => readEmbeddedOpenApi(bad))).toMatch(/batch-v1\.json is not an OpenAPI v3 document in JSON/);
    const empty = temp();
    writeFileSync(join(empty, "index.json"), JSON.stringify({ paths: { "apis/batch/v1": {} } }));
    expect(codeOf(() => readEmbeddedOpenApi(empty))).toMatch(/found no definitions/);
  });

  it("makes kb generate exit 2 and write nothing", async () => {
    const r = await generate(["--embedded-openapi", join(tmpdir(), "kb-no-such-folder")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/expected a folder of OpenAPI v3 documents/);
    expect(r.err).toMatch(/kubectl get --raw/);
    expect(r.crd).toBeUndefined();
  });
});
