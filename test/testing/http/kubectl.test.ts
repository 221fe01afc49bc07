/**
 * The real kubectl against the in-process server: apply (client-side, with kubectl's default
 * strict validation, and server-side), explain (OpenAPI v3, and v2 through its protobuf
 * form), and unknown fields reported as against a real API server. Every kubectl runs
 * asynchronously (the server shares this process) with its own cache directory, and a
 * generous timeout per command rather than any sleep.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnv, type TestEnv } from "../../../src/testing/index.js";
import { CRD_DIR } from "../helpers.js";

const KUBECTL = process.env["KUBECTL"] ?? "kubectl";
const hasKubectl = spawnSync(KUBECTL, ["version", "--client"], { encoding: "utf8" }).status === 0;
/** Per kubectl command; a loaded CI machine may be slow to start the binary. */
const COMMAND_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 180_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let env: TestEnv;
let dir: string;
let kubeconfig: string;
let runs = 0;

/** Runs kubectl against the test server, with a fresh cache directory (no stale discovery). */
function kubectl(...args: string[]): Promise<Run> {
  const cacheDir = join(dir, `cache-${++runs}`);
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
      { timeout: COMMAND_TIMEOUT_MS, env: { PATH: process.env["PATH"] ?? "", HOME: dir, KUBECONFIG: kubeconfig }, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr });
      },
    );
  });
}

/** Writes a manifest into the temporary directory and returns its path. */
function manifest(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

const widgetYaml = (name: string, spec: string): string => `apiVersion: example.com/v1
kind: Widget
metadata:
  name: ${name}
spec:
${spec}
`;

describe.skipIf(!hasKubectl)(`kubectl against the test server${hasKubectl ? "" : " (skipped: no kubectl on PATH)"}`, () => {
  beforeAll(async () => {
    env = await startTestEnv({ crdDirectoryPaths: [CRD_DIR], bookmarkIntervalMs: 60_000, env: {} });
    dir = mkdtempSync(join(tmpdir(), "kb-kubectl-"));
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: test, cluster: {server: "${env.kubeConfig.getCurrentCluster()!.server}"}}]`,
        "users: [{name: test, user: {}}]",
        "contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]",
        "current-context: test",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await env?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    "applies built-in and custom resources with default validation, then changes them",
    async () => {
      const file = manifest(
        "apply.yaml",
        `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "nginx:1", env: [{name: A, value: "1"}]}
      - {name: side, image: busybox}
---
${widgetYaml("w1", "  size: 2\n  color: red")}`,
      );
      const first = await kubectl("apply", "-f", file);
      expect(first, first.stderr).toMatchObject({ code: 0 });
      expect(first.stdout).toBe("configmap/settings created\ndeployment.apps/web created\nwidget.example.com/w1 created\n");

      writeFileSync(file, readFileSync(file, "utf8").replace("mode: fast", "mode: slow").replace('"nginx:1"', '"nginx:2"').replace("size: 2", "size: 3"));
      const second = await kubectl("apply", "-f", file);
      expect(second, second.stderr).toMatchObject({ code: 0, stderr: "" });
      expect(second.stdout).toBe("configmap/settings configured\ndeployment.apps/web configured\nwidget.example.com/w1 configured\n");

      const store = env.store;
      expect(store.get(store.resolve("", "v1", "configmaps"), "default", "settings")["data"]).toEqual({ mode: "slow" });
      const deployment = store.get(store.resolve("apps", "v1", "deployments"), "default", "web") as { spec: { template: { spec: { containers: unknown[] } } } };
      expect(deployment.spec.template.spec.containers).toEqual([
        { name: "web", image: "nginx:2", env: [{ name: "A", value: "1" }] },
        { name: "side", image: "busybox" },
      ]);
      expect(store.get(store.resolve("example.com", "v1", "widgets"), "default", "w1")["spec"]).toEqual({ size: 3, color: "red" });

      // Removing a container and an env entry: kubectl reads the merge keys from the OpenAPI
      // document and patches with directives, which the server's strategic merge understands.
      writeFileSync(file, readFileSync(file, "utf8").replace(', env: [{name: A, value: "1"}]', "").replace("      - {name: side, image: busybox}\n", ""));
      const third = await kubectl("apply", "-f", file);
      expect(third, third.stderr).toMatchObject({ code: 0, stderr: "" });
      const after = store.get(store.resolve("apps", "v1", "deployments"), "default", "web") as { spec: { template: { spec: { containers: unknown[] } } } };
      expect(after.spec.template.spec.containers).toEqual([{ name: "web", image: "nginx:2" }]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "applies server-side",
    async () => {
      const file = manifest("ssa.yaml", widgetYaml("w2", "  size: 4"));
      const run = await kubectl("apply", "--server-side", "-f", file);
      expect(run, run.stderr).toMatchObject({ code: 0, stdout: "widget.example.com/w2 serverside-applied\n" });
      const w = env.store.get(env.store.resolve("example.com", "v1", "widgets"), "default", "w2") as {
        spec: unknown;
        metadata: { managedFields: { manager: string; operation: string }[] };
      };
      expect(w.spec).toEqual({ size: 4, color: "blue" });
      expect(w.metadata.managedFields.map((m) => [m.manager, m.operation])).toEqual([["kubectl", "Apply"]]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "explains custom and built-in kinds from OpenAPI v3",
    async () => {
      // example.com prefers v2 (version priority, as on a real server), whose schema is open: explain v1.
      const spec = await kubectl("explain", "--api-version=example.com/v1", "widget.spec");
      expect(spec, spec.stderr).toMatchObject({ code: 0 });
      expect(spec.stdout).toContain("GROUP:      example.com\nKIND:       Widget\nVERSION:    v1\n");
      expect(spec.stdout).toContain("FIELD: spec <Object>");
      expect(spec.stdout).toMatch(/ {2}color\t<string>\n {2}enum: red, blue, green/);
      expect(spec.stdout).toMatch(/ {2}ports\t<\[\]Object>/);
      expect(spec.stdout).toMatch(/ {2}size\t<integer>/);

      const cm = await kubectl("explain", "configmap");
      expect(cm, cm.stderr).toMatchObject({ code: 0 });
      expect(cm.stdout).toContain("KIND:       ConfigMap\nVERSION:    v1\n");
      expect(cm.stdout).toContain("ConfigMap holds configuration data for pods to consume.");
      expect(cm.stdout).toMatch(/ {2}data\t<map\[string\]string>/);
      expect(cm.stdout).toMatch(/ {2}metadata\t<ObjectMeta>/);

      const ports = await kubectl("explain", "deployment.spec.template.spec.containers.ports");
      expect(ports, ports.stderr).toMatchObject({ code: 0 });
      expect(ports.stdout).toContain("FIELD: ports <[]ContainerPort>");
      expect(ports.stdout).toMatch(/ {2}containerPort\t<integer> -required-/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "explains from OpenAPI v2, which kubectl reads as protobuf",
    async () => {
      const cm = await kubectl("explain", "--output=plaintext-openapiv2", "configmap");
      expect(cm, cm.stderr).toMatchObject({ code: 0 });
      expect(cm.stdout).toContain("KIND:     ConfigMap");
      expect(cm.stdout).toContain("ConfigMap holds configuration data for pods to consume.");
      const spec = await kubectl("explain", "--output=plaintext-openapiv2", "--api-version=example.com/v1", "widget.spec");
      expect(spec, spec.stderr).toMatchObject({ code: 0 });
      expect(spec.stdout).toMatch(/ {3}size\t<integer>/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "explains a kind whose CRD kubectl just applied",
    async () => {
      const crd = manifest(
        "crd.yaml",
        `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: sprockets.tools.example.org}
spec:
  group: tools.example.org
  names: {kind: Sprocket, plural: sprockets}
  scope: Cluster
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: SprocketSpec is what a sprocket should be.
            properties:
              teeth: {type: integer, minimum: 3, description: How many teeth the sprocket has.}
`,
      );
      const applied = await kubectl("apply", "-f", crd);
      expect(applied, applied.stderr).toMatchObject({ code: 0, stdout: "customresourcedefinition.apiextensions.k8s.io/sprockets.tools.example.org created\n" });
      const explained = await kubectl("explain", "sprocket.spec");
      expect(explained, explained.stderr).toMatchObject({ code: 0 });
      expect(explained.stdout).toContain("SprocketSpec is what a sprocket should be.");
      expect(explained.stdout).toMatch(/ {2}teeth\t<integer>\n {4}How many teeth the sprocket has\./);

      const deleted = await kubectl("delete", "-f", crd);
      expect(deleted, deleted.stderr).toMatchObject({ code: 0 });
      const gone = await kubectl("explain", "sprocket");
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(`the server doesn't have a resource type "sprocket"`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "reports unknown fields of custom resources as kubectl does against a real server",
    async () => {
      const bogus = manifest("bogus.yaml", widgetYaml("w3", "  size: 2\n  bogus: 1"));
      const create = await kubectl("apply", "-f", bogus);
      expect(create.code).toBe(1);
      expect(create.stderr).toBe(
        `Error from server (BadRequest): error when creating "${bogus}": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"\n`,
      );

      const ok = manifest("ok.yaml", widgetYaml("w3", "  size: 2"));
      expect((await kubectl("apply", "-f", ok)).code).toBe(0);
      const update = await kubectl("apply", "-f", bogus);
      expect(update.code).toBe(1);
      expect(update.stderr).toMatch(/^The request is invalid: patch: Invalid value: "\{.*\}": strict decoding error: unknown field "spec.bogus"\n$/);

      const serverSide = await kubectl("apply", "--server-side", "-f", bogus);
      expect(serverSide.code).toBe(1);
      expect(serverSide.stderr).toBe(
        "Error from server: failed to create typed patch object (default/w3; example.com/v1, Kind=Widget): .spec.bogus: field not declared in schema\n",
      );

      const lenient = await kubectl("apply", "--validate=false", "-f", manifest("lenient.yaml", widgetYaml("w4", "  size: 2\n  bogus: 1")));
      expect(lenient, lenient.stderr).toMatchObject({ code: 0, stdout: "widget.example.com/w4 created\n" });
      expect(env.store.get(env.store.resolve("example.com", "v1", "widgets"), "default", "w4")["spec"]).toEqual({ size: 2, color: "blue" });
    },
    TEST_TIMEOUT_MS,
  );
});
