// The CRDs kb writes for API types that embed Kubernetes types, on the test API servers: the
// API server accepts them (with their list map keys, which it requires to be required or
// defaulted), server-side apply merges a container list of two field managers by name as the
// schema says, and documents fetched from a real API server give the same CRD as the table,
// with their descriptions.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { HttpTransport } from "../../../../src/runtime/client/transport.js";
import { startTestEnv, type TestEnv } from "../../../../src/testing/index.js";
import { describeEachBackend, freshNamespace } from "../../../helpers/backends.js";
import { runKb } from "../../../helpers/temp-project.js";

/** The oracle's TypeScript case with lists and maps of Kubernetes types, used read-only. */
const CASE = join(import.meta.dirname, "../../../../fixtures/oracle/ts/builtin-lists");
const GROUP = "builtin-lists.oracle.example.com";
const CRD_FILE = `${GROUP}_fleets.yaml`;

interface Container {
  name: string;
  image?: string;
}
interface Port {
  containerPort: number;
  protocol?: string;
}
interface Fleet {
  metadata: { managedFields?: { manager: string; fieldsV1?: unknown }[] };
  spec: { containers: Container[]; ports?: Port[] };
}

const work = mkdtempSync(join(tmpdir(), "kb-embedded-server-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs kb generate crd on the case; returns the folder and the CRD. */
async function generate(name: string, extra: string[] = []): Promise<{ dir: string; crd: any }> {
  const dir = join(work, name);
  const r = await runKb(CASE, "generate", "crd", "--crd-dir", dir, ...extra);
  if (r.code !== 0) throw new Error(`kb generate failed:\n${r.err}`);
  return { dir, crd: parse(readFileSync(join(dir, CRD_FILE), "utf8")) };
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

describeEachBackend("CRDs with embedded Kubernetes types", (backend) => {
  let env: TestEnv;
  let transport: HttpTransport;
  let pinned: { dir: string; crd: any };

  beforeAll(async () => {
    pinned = await generate(`pinned-${backend}`);
    // startTestEnv installs the CRDs and waits until they are Established: the server accepts them
    env = await startTestEnv({ backend, crdDirectoryPaths: [pinned.dir] });
    transport = new HttpTransport({ kubeConfig: env.kubeConfig, requestTimeoutMs: 120_000 });
  }, 240_000);

  afterAll(async () => {
    transport?.close();
    await env?.stop();
  });

  it("is served with the list and map semantics of the embedded types", async () => {
    const crd = await transport.request<any>({ method: "GET", path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/fleets.${GROUP}` });
    expect(crd.status.conditions.find((c: { type: string }) => c.type === "Established")?.status).toBe("True");
    const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    const container = spec.properties.containers.items;
    expect(container.properties.env["x-kubernetes-list-map-keys"]).toEqual(["name"]);
    expect(container.properties.ports["x-kubernetes-list-map-keys"]).toEqual(["containerPort", "protocol"]);
    expect(container.properties.ports.items.properties.protocol.default).toBe("TCP");
  });

  /** Server-side applies a Fleet's spec as `manager` in a fresh namespace's Fleet `web`. */
  const applier = (ns: string) => (manager: string, spec: Fleet["spec"]) =>
    transport.request<Fleet>({
      method: "PATCH",
      path: `/apis/${GROUP}/v1/namespaces/${ns}/fleets/web`,
      query: { fieldManager: manager },
      body: JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: "Fleet", metadata: { name: "web", namespace: ns }, spec }),
      contentType: "application/apply-patch+yaml",
    });

  it("merges the containers that two field managers apply by name", async () => {
    const apply = applier(await freshNamespace(env.kubeConfig, "fleet"));
    await apply("alpha", { containers: [{ name: "app", image: "app:1" }] });
    const both = await apply("beta", { containers: [{ name: "sidecar", image: "proxy:1" }] });
    expect(both.spec.containers).toEqual([
      { name: "app", image: "app:1" },
      { name: "sidecar", image: "proxy:1" },
    ]);
    const owned = (manager: string) => JSON.stringify(both.metadata.managedFields?.find((f) => f.manager === manager)?.fieldsV1 ?? {});
    expect(owned("alpha")).toContain('k:{\\"name\\":\\"app\\"}');
    expect(owned("alpha")).not.toContain('k:{\\"name\\":\\"sidecar\\"}');
    expect(owned("beta")).toContain('k:{\\"name\\":\\"sidecar\\"}');

    // alpha replaces its container: beta's stays
    const after = await apply("alpha", { containers: [{ name: "app2", image: "app:2" }] });
    expect(after.spec.containers.map((c) => c.name)).toEqual(["sidecar", "app2"]);
  });

  // The in-process server does not default a list map key before it merges (docs/testing-differences.md):
  // a port applied without its protocol is rejected there.
  it.skipIf(backend !== "real")("merges ports by port and protocol, the protocol defaulted to TCP", async () => {
    const apply = applier(await freshNamespace(env.kubeConfig, "ports"));
    await apply("alpha", { containers: [{ name: "app" }], ports: [{ containerPort: 8080 }] });
    const both = await apply("beta", { containers: [{ name: "app" }], ports: [{ containerPort: 8080, protocol: "UDP" }] });
    // the port alpha applied without a protocol took the schema's default, TCP, and so is not beta's
    expect(both.spec.ports).toEqual([
      { containerPort: 8080, protocol: "TCP" },
      { containerPort: 8080, protocol: "UDP" },
    ]);
    const after = await apply("alpha", { containers: [{ name: "app" }] });
    expect(after.spec.ports).toEqual([{ containerPort: 8080, protocol: "UDP" }]);
  });

  it.skipIf(backend !== "real")("gives the same CRD but for descriptions, the served documents', from what the API server serves (--embedded-openapi)", async () => {
    const docs = join(work, "openapi");
    mkdirSync(docs, { recursive: true });
    for (const [path, file] of [
      ["/openapi/v3/api/v1", "core-v1.json"],
      ["/openapi/v3/apis/apps/v1", "apps-v1.json"],
      ["/openapi/v3/apis/batch/v1", "batch-v1.json"],
    ] as const) {
      // as `kubectl get --raw <path> > <file>` saves it
      writeFileSync(join(docs, file), JSON.stringify(await transport.request({ method: "GET", path })));
    }
    const fromServer = await generate("from-server", ["--embedded-openapi", docs]);
    expect(withoutDescriptions(fromServer.crd)).toEqual(withoutDescriptions(pinned.crd));
    // a field of another Kubernetes type has its own doc, as served
    const served = JSON.parse(readFileSync(join(docs, "core-v1.json"), "utf8")).components.schemas;
    const container = fromServer.crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.containers.items;
    expect(container.properties.livenessProbe.description).toBe(served["io.k8s.api.core.v1.Container"].properties.livenessProbe.description);
    // without the enum values the API server adds (OpenAPIEnums is on), which controller-gen does not write
    expect(JSON.stringify(served)).toContain("Possible enum values:");
    expect(JSON.stringify(fromServer.crd)).not.toContain("Possible enum values");
  });
});
