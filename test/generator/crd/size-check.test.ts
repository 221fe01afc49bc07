import { describe, expect, it } from "vitest";
import { findCrdApplies, readCrdApplies } from "../../../src/generator/crd/crd-applies.js";
import { runKb } from "../../helpers/temp-project.js";
import { writeSourceTree } from "../../helpers/source-tree.js";

/** The npm scripts `kb init` writes: CRDs applied server-side, samples client-side. */
const SCAFFOLDED_SCRIPTS = {
  manifests: "kb generate",
  "install:crds": "npm run manifests && kubectl apply --server-side -k config/crd",
  "uninstall:crds": "kubectl delete --ignore-not-found -k config/crd",
  deploy:
    'npm run manifests && kubectl kustomize config/default | sed "s|image: controller:latest|image: ${IMG:-controller:latest}|" | kubectl apply --server-side -f -',
  samples: "kubectl apply -k config/samples",
};

/** A project whose one kind has a field described in `descriptionBytes` bytes, and `scripts`. */
function project(descriptionBytes: number, scripts?: Record<string, string>): string {
  const words = "lorem ipsum dolor sit amet ".repeat(Math.ceil(descriptionBytes / 27)).slice(0, descriptionBytes);
  return writeSourceTree({
    ...(scripts ? { "package.json": JSON.stringify({ name: "big", scripts }) } : {}),
    "api/v1/groupversion-info.ts": `// +groupName=size.example.com
export const groupVersion = { group: "size.example.com", version: "v1" } as const;
`,
    "api/v1/big-types.ts": `import type { ObjectMeta } from "kubebuilder-ts";

export interface BigSpec {
  /** ${words} */
  text?: string;
}

// +kubebuilder:object:root=true
/** Big is a kind with a long description. */
export interface Big {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: BigSpec;
}
`,
  });
}

describe("the kubectl applies of a project's npm scripts", () => {
  it("finds each kubectl apply but those of samples, and whether it is server-side", () => {
    expect(findCrdApplies(SCAFFOLDED_SCRIPTS)).toEqual([
      { script: "install:crds", command: "kubectl apply --server-side -k config/crd", serverSide: true },
      { script: "deploy", command: "kubectl apply --server-side -f -", serverSide: true },
    ]);
    expect(
      findCrdApplies({
        a: "kubectl apply -f config/crd/bases",
        b: "kubectl --context kind apply --server-side=false -k config/default",
        c: "kubectl apply --server-side=true -f install.yaml; echo done",
        d: "kubectl create -f config/crd",
        e: 3,
      }),
    ).toEqual([
      { script: "a", command: "kubectl apply -f config/crd/bases", serverSide: false },
      { script: "b", command: "kubectl --context kind apply --server-side=false -k config/default", serverSide: false },
      { script: "c", command: "kubectl apply --server-side=true -f install.yaml", serverSide: true },
    ]);
  });

  it("reads them from package.json, and says when there is none to read", () => {
    expect(readCrdApplies(writeSourceTree({ "package.json": JSON.stringify({ scripts: SCAFFOLDED_SCRIPTS }) }))).toHaveLength(2);
    expect(readCrdApplies(writeSourceTree({ "package.json": JSON.stringify({ name: "x" }) }))).toBeUndefined();
    expect(readCrdApplies(writeSourceTree({ "package.json": "{ not json" }))).toBeUndefined();
    expect(readCrdApplies(writeSourceTree({}))).toBeUndefined();
  });
});

describe("the CRD size warning of kb generate", () => {
  it("is not given where the project's scripts apply CRDs server-side", async () => {
    const r = await runKb(project(300_000, SCAFFOLDED_SCRIPTS), "generate");
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/annotation limit/);
  });

  it("names the scripts that apply client-side", async () => {
    const r = await runKb(project(300_000, { ...SCAFFOLDED_SCRIPTS, "install:crds": "kubectl apply -k config/crd" }), "generate");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /warning: CRD bigs\.size\.example\.com is 29\d\.\d KiB, over the 256\.0 KiB annotation limit of client-side apply; client-side apply fails on it with "Too long": npm run install:crds \(kubectl apply -k config\/crd\)/,
    );
    expect(r.err).toMatch(/apply it with kubectl apply --server-side in those scripts/);
  });

  it("speaks of client-side apply in general where the scripts do not say how CRDs are applied", async () => {
    const r = await runKb(project(300_000), "generate");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/over the 256\.0 KiB annotation limit of client-side apply; client-side apply \(kubectl apply without --server-side\) fails on it/);
  });

  it("warns of etcd's request limit however the CRD is applied", async () => {
    const r = await runKb(project(1_700_000, SCAFFOLDED_SCRIPTS), "generate");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/over etcd's default request limit of 1536\.0 KiB: the API server cannot store it, whether it is applied client-side or server-side/);
  });

  it("stays quiet for a CRD under the limits", async () => {
    const r = await runKb(project(1_000), "generate");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe("");
  });
});
