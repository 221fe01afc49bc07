import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_MARKERS } from "../../../src/scaffolder/commands/init/init-config-files.js";
import { runKb, tempDir } from "../../helpers/temp-project.js";
import { filesUnder, hasKubectl, kb, kustomize, read } from "./support.js";

/** What kb generate writes: not scaffolded, not formatted by prettier. */
const GENERATED = /^config\/(crd\/bases\/|rbac\/role\.yaml$|webhook\/manifests\.yaml$)/;

/** Every list of every kustomization under config/, by file and key. */
function kustomizationLists(dir: string): Map<string, unknown[]> {
  const lists = new Map<string, unknown[]>();
  for (const file of filesUnder(dir, "config").filter((f) => f.endsWith("kustomization.yaml"))) {
    const doc = parse(read(dir, file)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(doc)) if (Array.isArray(value)) lists.set(`${file} ${key}`, value);
  }
  return lists;
}

function expectNoDuplicates(dir: string): void {
  for (const [where, items] of kustomizationLists(dir)) {
    const seen = items.map((i) => JSON.stringify(i));
    expect(seen.filter((s, i) => seen.indexOf(s) !== i), where).toEqual([]);
  }
}

/** A snapshot of config/ (path → content). */
function snapshot(dir: string): Map<string, string> {
  return new Map(filesUnder(dir, "config").map((f) => [f, read(dir, f)]));
}

describe("kustomization insertions", () => {
  it("re-running create api and create webhook never duplicates an entry", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--skip-install");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--controller=false");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting", "--programmatic-validation", "--conversion", "--spoke", "v2");
    const once = snapshot(dir);
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting", "--programmatic-validation", "--conversion", "--spoke", "v2", "--force");
    expect(snapshot(dir)).toEqual(once);
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "Archive");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "Archive", "--programmatic-validation");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "Archive", "--programmatic-validation", "--force");
    expectNoDuplicates(dir);

    const lists = kustomizationLists(dir);
    expect(lists.get("config/crd/kustomization.yaml resources")).toEqual(["bases/batch.example.com_cronjobs.yaml", "bases/batch.example.com_archives.yaml"]);
    expect(lists.get("config/crd/kustomization.yaml patches")).toEqual([{ path: "patches/webhook_in_cronjobs.yaml" }]);
    expect(lists.get("config/samples/kustomization.yaml resources")).toEqual(["batch_v1_cronjob.yaml", "batch_v2_cronjob.yaml", "batch_v1_archive.yaml"]);
    expect(lists.get("config/rbac/kustomization.yaml resources")?.slice(-6)).toEqual([
      "cronjob_admin_role.yaml",
      "cronjob_editor_role.yaml",
      "cronjob_viewer_role.yaml",
      "archive_admin_role.yaml",
      "archive_editor_role.yaml",
      "archive_viewer_role.yaml",
    ]);
    expect(lists.get("config/default/kustomization.yaml resources")).toEqual(["../crd", "../rbac", "../manager", "metrics_service.yaml", "../webhook", "../certmanager"]);
    expect(lists.get("config/default/kustomization.yaml patches")).toEqual([
      { path: "manager_metrics_patch.yaml", target: { kind: "Deployment" } },
      { path: "manager_webhook_patch.yaml", target: { kind: "Deployment" } },
    ]);
    // Service → certificate DNS names (webhook, metrics) and CA injection (mutating, validating, CRD): two replacements each.
    expect(lists.get("config/default/kustomization.yaml replacements")).toHaveLength(10);
    expect(lists.get("config/webhook/kustomization.yaml resources")).toEqual(["service.yaml", "manifests.yaml"]);
    expect(lists.get("config/network-policy/kustomization.yaml resources")).toEqual(["allow-metrics-traffic.yaml", "allow-webhook-traffic.yaml"]);
    if (hasKubectl) kustomize(dir, "config/default");
  });

  it("a user's edits elsewhere in a kustomization survive, and a removed marker is reported", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--skip-install");
    const path = join(dir, "config/default/kustomization.yaml");
    const edited = read(dir, "config/default/kustomization.yaml").replace("  #- ../prometheus", "  - ../prometheus");
    writeFileSync(path, edited);
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting");
    const after = readFileSync(path, "utf8");
    expect(after).toContain("  - ../prometheus\n");
    expect(after).toContain("  - ../webhook\n  - ../certmanager\n  # +kubebuilder:scaffold:defaultkustomizeresource\n");

    writeFileSync(path, after.replace(`  # ${CONFIG_MARKERS.defaultReplacements}\n`, ""));
    const r = await runKb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--programmatic-validation");
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(CONFIG_MARKERS.defaultReplacements);
  });
});

describe("scaffolded YAML", () => {
  it("is prettier-stable after every insertion, with each marker at its list's indentation", async () => {
    const dir = tempDir("shop");
    await kb(dir, "init", "--domain", "example.com", "--project-name", "shop", "--multigroup", "--skip-install");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v1", "--kind", "CronJob");
    await kb(dir, "create", "api", "--group", "batch", "--version", "v2", "--kind", "CronJob", "--controller=false");
    await kb(dir, "create", "webhook", "--group", "batch", "--version", "v1", "--kind", "CronJob", "--defaulting", "--programmatic-validation", "--conversion", "--spoke", "v2");
    const options = JSON.parse(read(dir, ".prettierrc.json")) as prettier.Options;
    const files = filesUnder(dir, "config").filter((f) => !GENERATED.test(f));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const text = read(dir, file);
      expect(await prettier.format(text, { ...options, parser: "yaml", filepath: file }), file).toBe(text);
    }
    const markerLines = files.flatMap((f) => read(dir, f).split("\n").filter((l) => l.includes("+kubebuilder:scaffold:")).map((l) => `${f}: ${l}`));
    expect(markerLines.sort()).toEqual(
      [
        `config/crd/kustomization.yaml:   # ${CONFIG_MARKERS.crdResources}`,
        `config/crd/kustomization.yaml:   # ${CONFIG_MARKERS.crdWebhookPatches}`,
        `config/default/kustomization.yaml:   # ${CONFIG_MARKERS.defaultPatches}`,
        `config/default/kustomization.yaml:   # ${CONFIG_MARKERS.defaultReplacements}`,
        `config/default/kustomization.yaml:   # ${CONFIG_MARKERS.defaultResources}`,
        `config/network-policy/kustomization.yaml:   # ${CONFIG_MARKERS.networkPolicyResources}`,
        `config/rbac/kustomization.yaml:   # ${CONFIG_MARKERS.rbacResources}`,
        `config/samples/kustomization.yaml:   # ${CONFIG_MARKERS.samples}`,
        `config/webhook/kustomization.yaml:   # ${CONFIG_MARKERS.webhookResources}`,
      ].sort(),
    );
    expect(files).toContain("config/crd/patches/webhook_in_batch_cronjobs.yaml");
    expect(files).toContain("config/rbac/batch_cronjob_editor_role.yaml");
  });
});
