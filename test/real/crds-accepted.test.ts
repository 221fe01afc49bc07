// Every CustomResourceDefinition kb writes in the golden fixtures, applied to one real
// kube-apiserver: each must be accepted and become Established with its names accepted, and
// the scaffold's sample objects must be accepted too. A rejection here is a kb generator bug.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { skipReal } from "../helpers/real-kubernetes.js";
import { poll, realApiForSuite, serverMessage, type CrdDocument } from "./real-api.js";

const ROOT = join(import.meta.dirname, "../..");
const FIXTURES = join(ROOT, "fixtures");

/** Every YAML file under `dir`, recursively, sorted. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out.sort();
}

function documents(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null);
}

const isCrd = (d: Record<string, unknown>): boolean =>
  d["kind"] === "CustomResourceDefinition" && typeof d["apiVersion"] === "string" && d["apiVersion"].startsWith("apiextensions.k8s.io/");

/** A whole CRD, not a kustomize patch of one (those carry no names or versions). */
const isWholeCrd = (d: Record<string, unknown>): boolean => {
  const spec = d["spec"] as CrdDocument["spec"] | undefined;
  return spec?.names?.kind !== undefined && Array.isArray(spec.versions) && spec.versions.length > 0;
};

const CRD_FILES: { path: string; crds: CrdDocument[] }[] = [];
/** CRD documents under fixtures/ that are not applied, with why. */
const EXCLUDED: { path: string; reason: string }[] = [];
for (const file of yamlFiles(FIXTURES)) {
  const path = relative(ROOT, file);
  const crds = documents(file).filter(isCrd);
  if (crds.length === 0) continue;
  if (crds.every(isWholeCrd)) CRD_FILES.push({ path, crds: crds as unknown as CrdDocument[] });
  else EXCLUDED.push({ path, reason: "a kustomize patch of a CRD (no names or versions of its own): kustomize merges it into the base CRD, which is applied" });
}

interface Sample {
  readonly path: string;
  readonly object: Record<string, unknown>;
}

/** The sample objects (config/samples) of a scaffold golden, by the path of one of its CRDs. */
function samplesOf(crdPath: string): Sample[] {
  const m = /^(fixtures\/scaffold\/[^/]+\/expected)\/config\/crd\/bases\//.exec(crdPath);
  if (!m) return [];
  const dir = join(m[1]!, "config/samples");
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
    .sort()
    .flatMap((f) => documents(join(ROOT, dir, f)).map((object) => ({ path: join(dir, f), object })));
}

const ALL_SAMPLES = [...new Set(CRD_FILES.flatMap((f) => samplesOf(f.path).map((s) => s.path)))].sort();

describe("the CRD documents of the golden fixtures", () => {
  it("are found: the generate and scaffold goldens' CRDs, and the patches left out with a reason", () => {
    expect(CRD_FILES.length).toBeGreaterThanOrEqual(15);
    expect(CRD_FILES.some((f) => f.path.startsWith("fixtures/generate/"))).toBe(true);
    expect(CRD_FILES.some((f) => f.path.includes("/config/crd/bases/"))).toBe(true);
    expect(EXCLUDED.map((e) => e.path)).toEqual(["fixtures/scaffold/project/expected/config/crd/patches/webhook_in_captains.yaml"]);
    expect(ALL_SAMPLES.length).toBeGreaterThanOrEqual(7);
  });
});

describe.skipIf(skipReal("the golden CRDs on a real API server"))("the golden CRDs on a real API server", () => {
  const real = realApiForSuite();
  /** CRD names applied so far: a fixture that reuses one (two scaffold projects) replaces it. */
  const applied = new Set<string>();
  /** The sample files whose objects the API server accepted. */
  const acceptedSamples = new Set<string>();


  for (const { path, crds } of CRD_FILES) {
    it(path, { timeout: 180_000 }, async () => {
      for (const crd of crds) {
        const name = crd.metadata.name;
        // Versions stored by the earlier CRD of this name must stay listed; start afresh.
        if (applied.has(name)) await real.api.deleteCrd(name);
        let answer: CrdDocument;
        try {
          answer = await real.api.applyCrd(crd);
        } catch (e) {
          throw new Error(`${path}: the API server rejected CustomResourceDefinition ${name}: ${serverMessage(e)}`);
        }
        applied.add(name);
        expect(answer.metadata.name).toBe(name);
        await real.api.waitForCrd(name, ["Established", "NamesAccepted"]);
        await applySamples(crd, samplesOf(path));
      }
    });
  }

  it("accepted every sample of the scaffold goldens, one per kind and version", () => {
    expect([...acceptedSamples].sort()).toEqual(ALL_SAMPLES);
  });

  /** Applies each sample of `crd`'s kind (one per version that has one) and checks the answer. */
  async function applySamples(crd: CrdDocument, samples: Sample[]): Promise<void> {
    const { group, names, scope } = crd.spec;
    for (const { path: samplePath, object: sample } of samples) {
      const apiVersion = sample["apiVersion"] as string;
      if (sample["kind"] !== names.kind || dirname(apiVersion) !== group) continue;
      const version = basename(apiVersion);
      expect(crd.spec.versions.map((v) => v.name), `sample ${apiVersion} ${names.kind}`).toContain(version);
      const meta = sample["metadata"] as { name: string };
      const base = scope === "Cluster" ? `/apis/${group}/${version}` : `/apis/${group}/${version}/namespaces/default`;
      const path = `${base}/${names.plural}/${meta.name}`;
      let answer: Record<string, unknown> | undefined;
      let lastError = "";
      // Established comes a moment before the new resource is served: retry only "not found".
      await poll(
        async () => {
          try {
            answer = await real.api.apply<Record<string, unknown>>(path, sample, { strict: true });
            return true;
          } catch (e) {
            lastError = serverMessage(e);
            if ((e as { statusCode?: number }).statusCode === 404) return false;
            throw new Error(`the API server rejected the sample ${apiVersion} ${names.kind} ${meta.name}: ${lastError}`);
          }
        },
        `the sample ${apiVersion} ${names.kind} is accepted`,
        60_000,
        () => lastError,
      );
      expect(answer?.["apiVersion"]).toBe(apiVersion);
      expect(answer?.["kind"]).toBe(names.kind);
      expect((answer?.["metadata"] as { name?: string }).name).toBe(meta.name);
      acceptedSamples.add(samplePath);
    }
  }
});
