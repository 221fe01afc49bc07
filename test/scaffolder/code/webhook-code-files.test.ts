import { describe, expect, it } from "vitest";
import { defaultingPath, Pod, validatingPath } from "../../../src/runtime/index.js";
import { MAIN_FILE, MAIN_MARKERS } from "../../../src/scaffolder/commands/api/api-code-files.js";
import { CONVERSION_MARKERS, SUITE_MARKERS, webhookCodeFiles, type WebhookRequest } from "../../../src/scaffolder/commands/webhook/webhook-code-files.js";
import { renderTemplate } from "../../../src/scaffolder/machinery/render-template.js";
import { api, core, project, resource } from "./support.js";

const NONE: WebhookRequest = { defaulting: false, validation: false, conversionSpokes: [] };
const withWebhooks = (defaulting: boolean, validation: boolean, conversion = false, spoke?: string[]) => ({
  webhooks: { defaulting: defaulting || undefined, validation: validation || undefined, conversion: conversion || undefined, spoke, webhookVersion: "v1" as const },
});

describe("webhookCodeFiles", () => {
  it("writes a file and a test per admission webhook type, and lists each setup in src/main.ts", () => {
    const p = project([api("batch", "v1", "CronJob", withWebhooks(true, true))]);
    const r = resource(p, "batch", "v1", "CronJob");
    const part = webhookCodeFiles({ project: p, resource: r }, { ...NONE, defaulting: true, validation: true });
    expect(part.templates.map((t) => [t.path, t.ifExists])).toEqual([
      ["src/webhooks/v1/cronjob-webhook-suite.test.ts", "skip"],
      ["src/webhooks/v1/cronjob-defaulter.ts", "error"],
      ["src/webhooks/v1/cronjob-defaulter.test.ts", "error"],
      ["src/webhooks/v1/cronjob-validator.ts", "error"],
      ["src/webhooks/v1/cronjob-validator.test.ts", "error"],
    ]);
    expect(part.insertions.filter((i) => i.path === MAIN_FILE)).toEqual([
      { path: MAIN_FILE, marker: MAIN_MARKERS.imports, fragments: ['import { setupCronJobDefaulter } from "./webhooks/v1/cronjob-defaulter.js";'], unlessPresent: 'from "./webhooks/v1/cronjob-defaulter.js";' },
      { path: MAIN_FILE, marker: MAIN_MARKERS.webhooks, fragments: ["setupCronJobDefaulter,"], unlessPresent: 'from "./webhooks/v1/cronjob-defaulter.js";' },
      { path: MAIN_FILE, marker: MAIN_MARKERS.imports, fragments: ['import { setupCronJobValidator } from "./webhooks/v1/cronjob-validator.js";'], unlessPresent: 'from "./webhooks/v1/cronjob-validator.js";' },
      { path: MAIN_FILE, marker: MAIN_MARKERS.webhooks, fragments: ["setupCronJobValidator,"], unlessPresent: 'from "./webhooks/v1/cronjob-validator.js";' },
    ]);
    // The webhook suite registers the same setup functions and gets a test per type, unless it imports them already.
    const suite = part.insertions.filter((i) => i.path === "src/webhooks/v1/cronjob-webhook-suite.test.ts");
    expect(suite.map((i) => [i.marker, i.unlessPresent])).toEqual([
      [SUITE_MARKERS.imports, 'from "./cronjob-defaulter.js";'],
      [SUITE_MARKERS.webhooks, 'from "./cronjob-defaulter.js";'],
      [SUITE_MARKERS.tests, 'from "./cronjob-defaulter.js";'],
      [SUITE_MARKERS.imports, 'from "./cronjob-validator.js";'],
      [SUITE_MARKERS.webhooks, 'from "./cronjob-validator.js";'],
      [SUITE_MARKERS.tests, 'from "./cronjob-validator.js";'],
    ]);
    expect(suite[0]!.fragments).toEqual(['import { setupCronJobDefaulter } from "./cronjob-defaulter.js";']);
    expect(suite[2]!.fragments[0]).toContain('const path = "/mutate-batch-example-com-v1-cronjob";');
    expect(suite[5]!.fragments[0]).toContain('admission webhook "vcronjob-v1.kb.io" denied the request: CronJob.batch.example.com');
  });

  it("writes no webhook suite for a kind of another project or of Kubernetes", () => {
    const p = project([core("core", "v1", "Pod")]);
    const part = webhookCodeFiles({ project: p, resource: resource(p, "core", "v1", "Pod") }, { ...NONE, defaulting: true });
    expect(part.templates.map((t) => t.path)).toEqual(["src/webhooks/v1/pod-defaulter.ts", "src/webhooks/v1/pod-defaulter.test.ts"]);
    expect(part.insertions.every((i) => i.path === MAIN_FILE)).toBe(true);
  });

  it("adds only the webhook types asked for, so an existing one is never rewritten", () => {
    const p = project([api("batch", "v1", "CronJob", withWebhooks(true, true))]);
    const part = webhookCodeFiles({ project: p, resource: resource(p, "batch", "v1", "CronJob") }, { ...NONE, validation: true });
    expect(part.templates.map((t) => t.path)).toEqual([
      "src/webhooks/v1/cronjob-webhook-suite.test.ts",
      "src/webhooks/v1/cronjob-validator.ts",
      "src/webhooks/v1/cronjob-validator.test.ts",
    ]);
  });

  it("writes markers on the paths the runtime serves the handlers on", () => {
    const p = project([api("batch", "v1", "CronJob", withWebhooks(true, true)), core("core", "v1", "Pod")]);
    const cronJob = resource(p, "batch", "v1", "CronJob");
    const both = webhookCodeFiles({ project: p, resource: cronJob }, { ...NONE, defaulting: true, validation: true }).templates.filter((t) => !t.path.endsWith("-suite.test.ts"));
    const gvk = { group: "batch.example.com", version: "v1", kind: "CronJob" };
    expect(both[0]!.data?.["marker"]).toBe(
      `+kubebuilder:webhook:path=${defaultingPath(gvk)},mutating=true,failurePolicy=fail,sideEffects=None,groups=batch.example.com,resources=cronjobs,verbs=create;update,versions=v1,name=mcronjob-v1.kb.io,admissionReviewVersions=v1`,
    );
    expect(both[2]!.data?.["marker"]).toBe(
      `+kubebuilder:webhook:path=${validatingPath(gvk)},mutating=false,failurePolicy=fail,sideEffects=None,groups=batch.example.com,resources=cronjobs,verbs=create;update,versions=v1,name=vcronjob-v1.kb.io,admissionReviewVersions=v1`,
    );
    const pod = webhookCodeFiles({ project: p, resource: resource(p, "core", "v1", "Pod") }, { ...NONE, defaulting: true }).templates[0]!;
    expect(pod.data?.["marker"]).toContain(`path=${defaultingPath(Pod)},mutating=true,failurePolicy=fail,sideEffects=None,groups="",resources=pods,`);
    const text = renderTemplate(pod.template, { project: p, resource: resource(p, "core", "v1", "Pod"), ...pod.data });
    expect(text).toContain(`// ${String(pod.data?.["marker"])}\n`);
    expect(text).toContain("server.register(defaultingPath(Pod), podDefaulter);");
  });

  it("names the webhooks of the same kind and version in two groups apart, and imports the second under its group", () => {
    const p = project(
      [api("batch", "v1", "CronJob", { path: "api/batch/v1", ...withWebhooks(true, false) }), api("crew", "v1", "CronJob", { path: "api/crew/v1", ...withWebhooks(true, false) })],
      { multigroup: true },
    );
    const part = webhookCodeFiles({ project: p, resource: resource(p, "crew", "v1", "CronJob") }, { ...NONE, defaulting: true });
    expect(part.templates[1]!.path).toBe("src/webhooks/crew/v1/cronjob-defaulter.ts");
    expect(part.templates[1]!.data?.["marker"]).toContain(",name=mcrew-cronjob-v1.kb.io,");
    expect(part.insertions.filter((i) => i.path === MAIN_FILE).flatMap((i) => i.fragments)).toEqual([
      'import { setupCronJobDefaulter as setupCrewV1CronJobDefaulter } from "./webhooks/crew/v1/cronjob-defaulter.js";',
      "setupCrewV1CronJobDefaulter,",
    ]);
  });

  it("puts the hub's conversions in its API directory, each spoke's in its own, and registers them", () => {
    const p = project([api("batch", "v1", "CronJob", withWebhooks(false, false, true, ["v2", "v3"])), api("batch", "v2", "CronJob", { path: "api/v2" }), api("batch", "v3", "CronJob", { path: "api/v3" })]);
    const part = webhookCodeFiles({ project: p, resource: resource(p, "batch", "v1", "CronJob") }, { ...NONE, conversionSpokes: ["v2", "v3"] });
    expect(part.templates.map((t) => [t.path, t.ifExists])).toEqual([
      ["src/webhooks/v1/cronjob-webhook-suite.test.ts", "skip"],
      ["api/v1/cronjob-conversion.ts", "skip"],
      ["api/v2/cronjob-conversion.ts", "error"],
      ["api/v3/cronjob-conversion.ts", "error"],
      ["src/webhooks/v1/cronjob-conversion.ts", "skip"],
      ["src/webhooks/v1/cronjob-conversion.test.ts", "skip"],
    ]);
    const hub = part.insertions.filter((i) => i.path === "api/v1/cronjob-conversion.ts");
    expect(hub).toEqual([
      { path: "api/v1/cronjob-conversion.ts", marker: CONVERSION_MARKERS.imports, fragments: ['import { cronJobV2Conversion } from "../v2/cronjob-conversion.js";'] },
      { path: "api/v1/cronjob-conversion.ts", marker: CONVERSION_MARKERS.spokes, fragments: ["v2: cronJobV2Conversion,"] },
      { path: "api/v1/cronjob-conversion.ts", marker: CONVERSION_MARKERS.imports, fragments: ['import { cronJobV3Conversion } from "../v3/cronjob-conversion.js";'] },
      { path: "api/v1/cronjob-conversion.ts", marker: CONVERSION_MARKERS.spokes, fragments: ["v3: cronJobV3Conversion,"] },
    ]);
    expect(part.insertions.filter((i) => i.path === MAIN_FILE).flatMap((i) => i.fragments)).toEqual([
      'import { setupCronJobConversion } from "./webhooks/v1/cronjob-conversion.js";',
      "setupCronJobConversion,",
    ]);
    // The suite reads an object at every version of the hub's conversions, and names the CRD's conversion.
    const suite = part.insertions.filter((i) => i.path === "src/webhooks/v1/cronjob-webhook-suite.test.ts");
    expect(suite.find((i) => i.marker === SUITE_MARKERS.imports)?.fragments).toEqual([
      'import { defineResource, type KubernetesObject } from "kubebuilder-ts/runtime";',
      'import { cronJobConversion } from "../../../api/v1/cronjob-conversion.js";',
      'import { setupCronJobConversion } from "./cronjob-conversion.js";',
    ]);
    expect(suite.find((i) => i.marker === SUITE_MARKERS.conversionCrds)?.fragments).toEqual(['"cronjobs.batch.example.com",']);
    const spoke = part.templates[2]!;
    expect(spoke.data).toMatchObject({ spokeName: "cronJobV2Conversion", hubTypes: "../v1/cronjob-types.js" });
  });

  it("serves a webhook on its custom path: the marker's path and the server's registration agree", () => {
    const p = project([api("crew", "v1", "Sailor", { webhooks: { defaulting: true, defaultingPath: "/custom-mutate", validation: true, webhookVersion: "v1" } })]);
    const r = resource(p, "crew", "v1", "Sailor");
    const [defaulter, , validator] = webhookCodeFiles({ project: p, resource: r }, { ...NONE, defaulting: true, validation: true }).templates.filter((t) => !t.path.endsWith("-suite.test.ts"));
    const render = (t: typeof defaulter) => renderTemplate(t!.template, { project: p, resource: r, ...t!.data });
    const mutating = render(defaulter);
    expect(mutating).toContain("// +kubebuilder:webhook:path=/custom-mutate,mutating=true,");
    expect(mutating).toContain('server.register("/custom-mutate", sailorDefaulter);');
    expect(mutating).not.toMatch(/\bdefaultingPath\b/);
    // The other type, without a custom path, keeps the default one.
    const validating = render(validator);
    expect(validating).toContain(`// +kubebuilder:webhook:path=${validatingPath({ group: "crew.example.com", version: "v1", kind: "Sailor" })},mutating=false,`);
    expect(validating).toContain("server.register(validatingPath(SailorResource), sailorValidator);");
  });

  it("types an external kind's handle with the type its --external-api-path exports", () => {
    const issuer = { domain: "io", external: true, group: "cert-manager", kind: "Issuer", version: "v1", webhooks: { defaulting: true, webhookVersion: "v1" as const } };
    for (const [path, from] of [
      ["@acme/certmanager-types/v1", "@acme/certmanager-types/v1"],
      ["./src/external/certmanager-v1", "../../external/certmanager-v1.js"],
    ] as const) {
      const p = project([{ ...issuer, path }]);
      const r = resource(p, "cert-manager", "v1", "Issuer");
      const t = webhookCodeFiles({ project: p, resource: r }, { ...NONE, defaulting: true }).templates[0]!;
      const text = renderTemplate(t.template, { project: p, resource: r, ...t.data });
      expect(text).toContain(`import type { Issuer } from "${from}";`);
      expect(text).toContain('export const IssuerResource = defineResource<Issuer>({\n  group: "cert-manager.io",');
      expect(text).toContain(",groups=cert-manager.io,resources=issuers,");
    }
    // A kind named as a runtime name the file imports is imported under another name.
    const p = project([{ ...issuer, kind: "Client", path: "@acme/types" }]);
    const r = resource(p, "cert-manager", "v1", "Client");
    const t = webhookCodeFiles({ project: p, resource: r }, { ...NONE, defaulting: true }).templates[0]!;
    const text = renderTemplate(t.template, { project: p, resource: r, ...t.data });
    expect(text).toContain('import type { Client as ClientObject } from "@acme/types";');
    expect(text).toContain("defineResource<ClientObject>({");
  });

  it("plans nothing when nothing is asked", () => {
    const p = project([api("batch", "v1", "CronJob")]);
    expect(webhookCodeFiles({ project: p, resource: resource(p, "batch", "v1", "CronJob") }, NONE)).toEqual({ templates: [], insertions: [] });
  });
});
