// `npm run build-installer` of a scaffolded project (kubebuilder's `make build-installer`): run by
// npm as a user runs it, with the project's `kb` (here this repository's, from the sources)
// regenerating the manifests, and kubectl rendering config/default with the image given by IMG.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/temp-project.js";
import { find, get, hasKubectl, kb, type KubeObject } from "./support.js";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const KB_CHILD = join(import.meta.dirname, "../../helpers/kb-child.ts");

/** Puts a `kb` into the project's node_modules/.bin, where npm run finds it: this repository's kb, run from the sources. */
function installKb(dir: string): void {
  const bin = join(dir, "node_modules", ".bin");
  mkdirSync(bin, { recursive: true });
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(join(bin, "kb"), `#!/bin/sh\nexec ${quote(process.execPath)} --import ${quote(TSX)} ${quote(KB_CHILD)} "$@"\n`);
  chmodSync(join(bin, "kb"), 0o755);
}

function buildInstaller(dir: string, env: NodeJS.ProcessEnv): { objects: KubeObject[]; text: string } {
  const r = spawnSync(NPM, ["run", "build-installer"], { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" });
  expect(r.status, `npm run build-installer\n${r.stdout}\n${r.stderr}`).toBe(0);
  const text = readFileSync(join(dir, "dist", "install.yaml"), "utf8");
  const objects = parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  return { objects, text };
}

describe.skipIf(!hasKubectl)("npm run build-installer (skipped without kubectl)", () => {
  it("writes dist/install.yaml: fresh CRDs, the RBAC, and the manager's Deployment with the image $IMG", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--skip-install");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    installKb(dir);
    // A marker added since the last kb generate: the installer must carry it.
    const types = join(dir, "api", "v1", "cronjob-types.ts");
    writeFileSync(types, readFileSync(types, "utf8").replace(/^(export (?:interface|class) CronJob\b)/m, "// +kubebuilder:resource:shortName=cj\n$1"));

    const image = "registry.example.com/shop:v1.2.3";
    const { objects, text } = buildInstaller(dir, { IMG: image });

    expect(find(objects, "Namespace", "shop-system")).toBeDefined();
    const crd = find(objects, "CustomResourceDefinition", "cronjobs.batch.example.com");
    expect(get(crd, "spec", "names", "shortNames")).toEqual(["cj"]);
    const role = find(objects, "ClusterRole", "shop-manager-role");
    expect(get(role, "rules")).toEqual(expect.arrayContaining([expect.objectContaining({ apiGroups: ["batch.example.com"], resources: ["cronjobs"] })]));
    expect(get(find(objects, "ClusterRoleBinding", "shop-manager-rolebinding"), "subjects")).toEqual([{ kind: "ServiceAccount", name: "shop-controller-manager", namespace: "shop-system" }]);
    expect(find(objects, "ServiceAccount", "shop-controller-manager").metadata.namespace).toBe("shop-system");
    const deployment = find(objects, "Deployment", "shop-controller-manager");
    const containers = get(deployment, "spec", "template", "spec", "containers") as { name: string; image: string }[];
    expect(containers.map((c) => [c.name, c.image])).toEqual([["manager", image]]);
    expect(text).not.toContain("controller:latest");

    // Without IMG: the placeholder image, as npm run deploy uses; the file is written anew.
    const plain = buildInstaller(dir, { IMG: "" });
    const again = get(find(plain.objects, "Deployment", "shop-controller-manager"), "spec", "template", "spec", "containers") as { image: string }[];
    expect(again.map((c) => c.image)).toEqual(["controller:latest"]);
  }, 180_000);
});
