import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { parseAllDocuments } from "yaml";
import { noteSkipped } from "../../helpers/real-kubernetes.js";
import type { KubeObject } from "../config/support.js";

/** The Kubernetes version whose assets folder `npm run envtest:assets` builds helm into. */
function kubernetesVersion(): string {
  const script = readFileSync(join(import.meta.dirname, "../../../scripts/envtest-assets.mjs"), "utf8");
  return /kubernetes: "([\d.]+)"/.exec(script)?.[1] ?? "";
}

/**
 * The helm binary the chart tests run: `$HELM`, else the one `npm run envtest:assets` builds
 * (in `$KUBEBUILDER_ASSETS` or the assets cache), else `helm` on PATH; or why there is none.
 */
function findHelm(): { helm: string } | { skip: string } {
  const cacheRoot = process.env.KUBEBUILDER_TS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kubebuilder-ts");
  const candidates = [
    process.env.HELM,
    process.env.KUBEBUILDER_ASSETS && join(process.env.KUBEBUILDER_ASSETS, "helm"),
    join(cacheRoot, "assets", `k8s-${kubernetesVersion()}`, "helm"),
  ].filter((c): c is string => Boolean(c));
  for (const c of candidates) if (existsSync(c)) return { helm: c };
  if (spawnSync("helm", ["version", "--short"], { stdio: "ignore" }).status === 0) return { helm: "helm" };
  return { skip: "no helm: npm run envtest:assets builds it (it needs Go), or put helm on PATH or in $HELM" };
}

const found = findHelm();
/** The helm binary, or undefined when the chart tests are skipped (the reason is printed). */
export const HELM: string | undefined = "helm" in found ? found.helm : undefined;
if ("skip" in found) {
  console.warn(`the Helm chart tests of test/scaffolder/helm are skipped: ${found.skip}`);
  noteSkipped("the Helm chart against helm lint and helm template", found.skip);
}

/** Runs helm; fails the test with its output unless it exits 0. */
export function helm(...args: string[]): string {
  const run = spawnSync(HELM!, args, { encoding: "utf8" });
  expect(run.status, `helm ${args.join(" ")}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run.stdout;
}

/** `helm template <release> <chart> --namespace <namespace> [--set ...]`, parsed. */
export function helmTemplate(chart: string, release: string, namespace: string, ...set: string[]): KubeObject[] {
  const out = helm("template", release, chart, "--namespace", namespace, ...set.flatMap((s) => ["--set", s]));
  return parseAllDocuments(out)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** The labels and annotations Helm adds (and kustomize does not), wherever a label map holds them. */
const HELM_KEYS = new Set(["helm.sh/chart", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/resource-policy"]);

/**
 * An object as compared between the two renderings: without its own labels (compared on
 * their own: the chart's hold kustomize's, see {@link expectLabelsKept}), without Helm's labels
 * and annotations elsewhere (selectors), and without empty lists, maps and nulls
 * (`volumes: []` in kustomize's Deployment, none in the chart's).
 */
export function normalize(object: KubeObject): unknown {
  const { labels: _labels, ...metadata } = object.metadata;
  return normalizeValue({ ...object, metadata });
}

function normalizeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (HELM_KEYS.has(k)) continue;
    const n = normalizeValue(v);
    if (n === null || n === undefined || (Array.isArray(n) && n.length === 0) || (typeof n === "object" && !Array.isArray(n) && Object.keys(n).length === 0)) continue;
    out[k] = n;
  }
  return out;
}

/** Objects normalized and sorted by kind, namespace and name, for toEqual. */
export function comparable(objects: readonly KubeObject[]): unknown[] {
  const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b))).map(normalize);
}

/** Each object's labels in `kustomized` (but kustomize's managed-by) are among the labels of the same object in `chart`. */
export function expectLabelsKept(chart: readonly KubeObject[], kustomized: readonly KubeObject[]): void {
  for (const k of kustomized) {
    const c = chart.find((o) => o.kind === k.kind && o.metadata.name === k.metadata.name);
    const { "app.kubernetes.io/managed-by": _managedBy, ...labels } = k.metadata.labels ?? {};
    expect(c?.metadata.labels ?? {}, `the labels of ${k.kind} ${k.metadata.name}`).toMatchObject(labels);
  }
}

/** `kind name` of each object, sorted: what a failed comparison shows first. */
export function ids(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => `${o.kind} ${o.metadata.name}`).sort();
}
