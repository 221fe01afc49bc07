// On both test API servers (kb's in-process one; a real one when KUBEBUILDER_ASSETS has it):
// the labels and annotations users put on a job template's metadata, or on a field of type
// ObjectMeta, are kept when the CRD is generated with --generate-embedded-object-meta, and
// pruned without it (the schema says `{type: object}` there).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { isNotFound } from "../../../src/runtime/errors.js";
import { startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { describeEachBackend, freshNamespace } from "../../helpers/backends.js";
import { runKb } from "../../helpers/temp-project.js";
import { poll, RealApi, type CrdDocument } from "../../real/real-api.js";

/** The oracle's TypeScript cases, used read-only. */
const CASES = join(import.meta.dirname, "../../../fixtures/oracle/ts");

const work = mkdtempSync(join(tmpdir(), "kb-object-meta-server-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs kb generate crd on an oracle case, with `extra` flags; returns its one CRD. */
async function generate(caseName: string, extra: string[]): Promise<CrdDocument> {
  const dir = join(work, `${caseName}${extra.join("")}`);
  const r = await runKb(join(CASES, caseName), "generate", "crd", "--crd-dir", dir, ...extra);
  if (r.code !== 0) throw new Error(`kb generate failed:\n${r.err}`);
  const group = `${caseName}.oracle.example.com`;
  const file = readdirSync(dir).find((f) => f.startsWith(`${group}_`));
  return parse(readFileSync(join(dir, file!), "utf8")) as CrdDocument;
}

/** Installs `crd` afresh (deleting one of the same name first) and waits until it is Established. */
async function install(api: RealApi, crd: CrdDocument): Promise<void> {
  await api.deleteCrd(crd.metadata.name);
  await api.applyCrd(crd);
  await api.waitForCrd(crd.metadata.name);
}

/**
 * Sends a write and returns its answer. Established comes a moment before the new resource is
 * served: only "not found" is retried.
 */
async function served<T>(path: string, write: () => Promise<T>): Promise<T> {
  let answer: { value: T } | undefined;
  await poll(
    async () => {
      try {
        answer = { value: await write() };
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },
    `${path} is served`,
  );
  return answer!.value;
}

/**
 * Server-side applies `object` (without strict field validation, so unknown fields are pruned,
 * as `kubectl apply` does by default) and returns what the server stored.
 */
function applyObject<T>(api: RealApi, path: string, object: unknown): Promise<T> {
  return served(path, () => api.apply<T>(path, object));
}

/** Creates `object` in the collection at `path` (unknown fields pruned) and returns what the server stored. */
function createObject<T>(api: RealApi, path: string, object: unknown): Promise<T> {
  return served(path, () => api.transport.request<T>({ method: "POST", path, body: JSON.stringify(object), contentType: "application/json" }));
}

interface Meta {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
}

describeEachBackend("embedded ObjectMeta on the test API servers", (backend) => {
  let env: TestEnv;
  let api: RealApi;
  let ns: string;
  beforeAll(async () => {
    env = await startTestEnv({ backend });
    api = new RealApi(env.kubeConfig);
    ns = await freshNamespace(env.kubeConfig, "meta");
  }, 120_000);

  afterAll(async () => {
    api?.close();
    await env?.stop();
  });

  const runner = (name: string) => ({
    apiVersion: "builtin-templates.oracle.example.com/v1",
    kind: "Runner",
    metadata: { name, namespace: ns },
    spec: {
      template: { metadata: { labels: { role: "pod" } } },
      jobTemplate: {
        metadata: { labels: { app: "nightly" }, annotations: { "example.com/owner": "team-a" } },
        spec: { template: { metadata: { labels: { app: "nightly-pod" } }, spec: { containers: [{ name: "main", image: "busybox" }], restartPolicy: "Never" } } },
      },
    },
  });
  type Runner = { spec: { template: { metadata?: Meta }; jobTemplate: { metadata?: Meta; spec: { template: { metadata?: Meta } } } } };
  const runnersPath = () => `/apis/builtin-templates.oracle.example.com/v1/namespaces/${ns}/runners`;
  const runnerPath = (name: string) => `${runnersPath()}/${name}`;

  it("keeps the labels and annotations of a job template's metadata with --generate-embedded-object-meta", { timeout: 180_000 }, async () => {
    await install(api, await generate("builtin-templates", ["--generate-embedded-object-meta"]));
    const stored = await applyObject<Runner>(api, runnerPath("kept"), runner("kept"));
    expect(stored.spec.jobTemplate.metadata).toEqual({ labels: { app: "nightly" }, annotations: { "example.com/owner": "team-a" } });
    expect(stored.spec.jobTemplate.spec.template.metadata).toEqual({ labels: { app: "nightly-pod" } });
    expect(stored.spec.template.metadata).toEqual({ labels: { role: "pod" } });
    // and they stay on what is read back
    const read = await api.transport.request<Runner>({ method: "GET", path: runnerPath("kept") });
    expect(read.spec.jobTemplate.metadata?.labels).toEqual({ app: "nightly" });
  });

  it("prunes them without it, where a template's metadata is {type: object}", { timeout: 180_000 }, async () => {
    await install(api, await generate("builtin-templates", []));
    // Server-side apply takes the fields (structured-merge-diff types {type: object} as a map of
    // anything), and pruning drops them.
    const stored = await applyObject<Runner>(api, runnerPath("pruned"), runner("pruned"));
    expect(stored.spec.jobTemplate.metadata ?? {}).toEqual({});
    expect(stored.spec.jobTemplate.spec.template.metadata ?? {}).toEqual({});
  });

  it("keeps the five fields of a field of type ObjectMeta, and prunes the rest of ObjectMeta", { timeout: 180_000 }, async () => {
    await install(api, await generate("embedded-object-meta", ["--generate-embedded-object-meta"]));
    const meta = { name: "made", namespace: "elsewhere", labels: { tier: "gold" }, annotations: { note: "x" }, finalizers: ["example.com/cleanup"] };
    const blueprint = {
      apiVersion: "embedded-object-meta.oracle.example.com/v1",
      kind: "Blueprint",
      metadata: { name: "print", namespace: ns },
      spec: { objectMeta: meta, stamps: [{ metadata: { labels: { stamp: "1" } } }] },
    };
    const path = `/apis/embedded-object-meta.oracle.example.com/v1/namespaces/${ns}/blueprints`;
    type Blueprint = { spec: { objectMeta: Meta; stamps: { metadata: Meta }[] } };
    const stored = await applyObject<Blueprint>(api, `${path}/print`, blueprint);
    expect(stored.spec.objectMeta).toEqual(meta);
    expect(stored.spec.stamps).toEqual([{ metadata: { labels: { stamp: "1" } } }]);
    // A field of ObjectMeta the schema leaves out is pruned on create (server-side apply refuses it instead).
    const created = await createObject<Blueprint>(api, path, { ...blueprint, metadata: { name: "extra", namespace: ns }, spec: { objectMeta: { ...meta, uid: "not-kept" } } });
    expect(created.spec.objectMeta).toEqual(meta);
  });
});
