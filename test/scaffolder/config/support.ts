import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect } from "vitest";
import { parseAllDocuments } from "yaml";
import { runKb } from "../../helpers/temp-project.js";

/** A Kubernetes object as kustomize renders it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** kubectl is on PATH (tests that render with it skip, saying so, when it is not). */
export const hasKubectl = spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status === 0;
if (!hasKubectl) console.warn("kubectl is not on PATH: the kustomize rendering tests of test/scaffolder/config are skipped");

/** Runs kb in `dir` and fails the test with kb's output when it does not exit 0. */
export async function kb(dir: string, ...argv: string[]): Promise<void> {
  const r = await runKb(dir, ...argv);
  expect(r.code, `kb ${argv.join(" ")}\n${r.out}\n${r.err}`).toBe(0);
}

/** `kubectl kustomize <dir>/<path>`, parsed; fails the test with kustomize's message when it does not render. */
export function kustomize(dir: string, path: string): KubeObject[] {
  const run = spawnSync("kubectl", ["kustomize", join(dir, path)], { encoding: "utf8" });
  expect(run.status, `kubectl kustomize ${path}\n${run.stderr}`).toBe(0);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** The one object of `kind` named `name`; fails the test listing what there is otherwise. */
export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${kind} ${name} among ${objects.map((o) => `${o.kind} ${o.metadata.name}`).join(", ")}`).toHaveLength(1);
  return found[0]!;
}

/** A nested value (`get(o, "spec", "template", "spec")`), typed loosely for assertions. */
export function get(value: unknown, ...path: (string | number)[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** Every file under `dir/sub`, relative to `dir`. */
export function filesUnder(dir: string, sub: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(join(dir, sub));
  return out.sort();
}

/** Reads a project file. */
export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), "utf8");
}
