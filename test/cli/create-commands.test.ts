// kb create webhook for kinds that are not the project's (Kubernetes', another project's),
// custom webhook paths, and several controllers for one resource (kubebuilder's
// --external-api-*, --defaulting-path/--validation-path and --controller-name).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readTree } from "../helpers/golden.js";
import { runKb, tempDir } from "../helpers/temp-project.js";

const INIT = ["init", "--domain", "example.com", "--skip-install"];
const gvk = (group: string, version: string, kind: string) => ["--group", group, "--version", version, "--kind", kind];

async function kb(dir: string, ...argv: string[]): Promise<string> {
  const r = await runKb(dir, ...argv);
  expect(r.code, `kb ${argv.join(" ")}\n${r.out}\n${r.err}`).toBe(0);
  return r.out;
}

interface WebhookEntry {
  name: string;
  clientConfig: { service: { path: string } };
  rules: { apiGroups: string[]; apiVersions: string[]; resources: string[]; operations: string[] }[];
}

/** The webhooks of config/webhook/manifests.yaml (kb generate's output), by configuration kind. */
function manifests(dir: string): Record<string, WebhookEntry[]> {
  const docs = readFileSync(join(dir, "config/webhook/manifests.yaml"), "utf8")
    .split(/^---$/m)
    .map((d) => parse(d) as { kind: string; webhooks: WebhookEntry[] } | null)
    .filter((d) => d !== null);
  return Object.fromEntries(docs.map((d) => [d.kind, d.webhooks]));
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");

describe("kb create webhook for a Kubernetes kind", () => {
  it("needs no API or controller: PROJECT records the core kind, main.ts serves it, kb generate writes its configuration (group \"\", /mutate--v1-pod)", async () => {
    const dir = tempDir();
    await kb(dir, ...INIT);
    await kb(dir, "create", "webhook", ...gvk("core", "v1", "Pod"), "--defaulting", "--programmatic-validation");
    await kb(dir, "create", "webhook", ...gvk("apps", "v1", "Deployment"), "--defaulting");

    const project = read(dir, "PROJECT");
    expect(project).toContain("- core: true\n  group: core\n  kind: Pod\n  version: v1\n  webhooks:\n    defaulting: true\n    validation: true\n    webhookVersion: v1\n");
    expect(project).toContain("- core: true\n  group: apps\n  kind: Deployment\n  version: v1\n  webhooks:\n    defaulting: true\n    webhookVersion: v1\n");
    expect(existsSync(join(dir, "src/controllers"))).toBe(false);

    const defaulter = read(dir, "src/webhooks/v1/pod-defaulter.ts");
    // The runtime's typed handle of Pods: no handle of its own.
    expect(defaulter).toMatch(/import \{\s+Pod,[^}]*\} from "kubebuilder-ts\/runtime";/);
    expect(defaulter).not.toContain("defineResource");
    expect(defaulter).toContain("server.register(defaultingPath(Pod), podDefaulter);");
    const main = read(dir, "src/main.ts");
    for (const setup of ["setupPodDefaulter", "setupPodValidator", "setupDeploymentDefaulter"]) expect(main).toContain(`  ${setup},\n`);

    const { MutatingWebhookConfiguration: mutating, ValidatingWebhookConfiguration: validating } = manifests(dir);
    const pod = mutating!.find((w) => w.name === "mpod-v1.kb.io")!;
    expect(pod.clientConfig.service.path).toBe("/mutate--v1-pod");
    expect(pod.rules).toEqual([{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }]);
    expect(validating!.map((w) => [w.name, w.clientConfig.service.path])).toEqual([["vpod-v1.kb.io", "/validate--v1-pod"]]);
    const deployment = mutating!.find((w) => w.name === "mdeployment-v1.kb.io")!;
    expect(deployment.clientConfig.service.path).toBe("/mutate-apps-v1-deployment");
    expect(deployment.rules[0]).toMatchObject({ apiGroups: ["apps"], resources: ["deployments"] });

    // The kustomize wiring of every webhook: the webhook service, cert-manager, the manager's patch.
    const defaults = read(dir, "config/default/kustomization.yaml");
    expect(defaults).toMatch(/^\s*- \.\.\/webhook\n\s*- \.\.\/certmanager$/m);
    expect(defaults).toContain("kind: MutatingWebhookConfiguration");
    expect(defaults).toContain("kind: ValidatingWebhookConfiguration");
    expect(read(dir, "config/webhook/kustomization.yaml")).toMatch(/^\s*- manifests\.yaml$/m);

    // A controller of the kind later joins the same PROJECT entry.
    await kb(dir, "create", "api", ...gvk("apps", "v1", "Deployment"), "--resource=false", "--controller");
    expect(read(dir, "PROJECT")).toContain("- controller: true\n  core: true\n  group: apps\n  kind: Deployment\n  version: v1\n  webhooks:\n    defaulting: true\n");
  }, 60_000);

  it("refuses a kind of no Kubernetes group that PROJECT does not hold, naming what to run", async () => {
    const dir = tempDir();
    await kb(dir, ...INIT);
    const before = readTree(dir);
    const r = await runKb(dir, "create", "webhook", ...gvk("ship", "v1", "Frigate"), "--defaulting");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no API found for ship\/v1, Kind=Frigate.*run kb create api --group ship --version v1 --kind Frigate first, or pass --external-api-path/s);
    const conversion = await runKb(dir, "create", "webhook", ...gvk("core", "v1", "Pod"), "--conversion", "--spoke", "v2");
    expect(conversion.code).toBe(2);
    expect(conversion.err).toMatch(/a conversion webhook needs a CRD of this project/);
    expect(readTree(dir)).toEqual(before);
  });
});

describe("kb create webhook for another project's kind", () => {
  it("records the kind as external with its domain, path and module, types its handle, and adds the module to package.json", async () => {
    const dir = tempDir();
    await kb(dir, ...INIT);
    const flags = ["--external-api-path", "@acme/certmanager-types/v1", "--external-api-domain", "io", "--external-api-module", "@acme/certmanager-types@1.2.0"];
    await kb(dir, "create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--defaulting", ...flags);

    expect(read(dir, "PROJECT")).toContain(
      '- domain: io\n  external: true\n  group: cert-manager\n  kind: Issuer\n  module: "@acme/certmanager-types@1.2.0"\n  path: "@acme/certmanager-types/v1"\n  version: v1\n  webhooks:\n    defaulting: true\n',
    );
    const defaulter = read(dir, "src/webhooks/v1/issuer-defaulter.ts");
    expect(defaulter).toContain('import type { Issuer } from "@acme/certmanager-types/v1";');
    expect(defaulter).toContain('export const IssuerResource = defineResource<Issuer>({\n  group: "cert-manager.io",');
    expect(JSON.parse(read(dir, "package.json")).dependencies["@acme/certmanager-types"]).toBe("1.2.0");
    const webhook = manifests(dir).MutatingWebhookConfiguration![0]!;
    expect(webhook.clientConfig.service.path).toBe("/mutate-cert-manager-io-v1-issuer");
    expect(webhook.rules[0]).toMatchObject({ apiGroups: ["cert-manager.io"], resources: ["issuers"] });

    // A second webhook type: flags that disagree with PROJECT are refused, none are needed.
    const other = await runKb(dir, "create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--programmatic-validation", "--external-api-domain", "example.org");
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/--external-api-domain example\.org: PROJECT records io for cert-manager\/v1, Kind=Issuer/);
    await kb(dir, "create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--programmatic-validation");
    expect(read(dir, "src/webhooks/v1/issuer-validator.ts")).toContain('import type { Issuer } from "@acme/certmanager-types/v1";');

    // --plural for a kind PROJECT does not hold yet: recorded, and the marker's resources.
    await kb(dir, "create", "webhook", ...gvk("sea", "v1", "Octopus"), "--programmatic-validation", "--external-api-domain", "example.org", "--plural", "octopodes");
    expect(read(dir, "PROJECT")).toContain("- domain: example.org\n  external: true\n  group: sea\n  kind: Octopus\n  plural: octopodes\n  version: v1\n");
    expect(read(dir, "src/webhooks/v1/octopus-validator.ts")).toContain(",groups=sea.example.org,resources=octopodes,");
    const plural = await runKb(dir, "create", "webhook", ...gvk("sea", "v1", "Octopus"), "--defaulting", "--plural", "octopuses");
    expect(plural.code).toBe(2);
    expect(plural.err).toMatch(/--plural octopuses: PROJECT records octopodes for sea\/v1, Kind=Octopus/);
  }, 60_000);

  it("checks the external-API flags before writing anything", async () => {
    const dir = tempDir();
    await kb(dir, ...INIT);
    await kb(dir, "create", "api", ...gvk("crew", "v1", "Captain"));
    const before = readTree(dir);
    const cases: [argv: string[], expected: RegExp][] = [
      [["create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--defaulting", "--external-api-path", "../types"], /--external-api-path "\.\.\/types": expected an npm module exporting the kind's type/],
      [["create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--defaulting", "--external-api-domain", "IO"], /--external-api-domain "IO": expected a DNS subdomain/],
      [["create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--defaulting", "--external-api-module", "types@1; x"], /--external-api-module "types@1; x": expected an npm package/],
      [["create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--defaulting", "--external-api-module", "types@1"], /--external-api-module needs --external-api-path/],
      [["create", "webhook", ...gvk("cert-manager", "v1", "Issuer"), "--defaulting", "--external-api-path", "a-types", "--external-api-module", "b-types@1"], /--external-api-path a-types is not in the package --external-api-module b-types@1 adds \(b-types\)/],
      [["create", "webhook", ...gvk("crew", "v1", "Captain"), "--defaulting", "--external-api-domain", "io"], /crew\/v1, Kind=Captain is in PROJECT as an API of this project/],
      [["create", "api", ...gvk("cert-manager", "v1", "Issuer"), "--resource", "--external-api-domain", "io"], /describe a kind of another project: they need --resource=false/],
      [["create", "api", ...gvk("cert-manager", "v1", "Issuer"), "--resource=false", "--controller", "--external-api-module", "types@1"], /--external-api-module needs --external-api-path/],
      [["create", "api", ...gvk("cert-manager", "v1", "Issuer"), "--resource=false", "--controller", "--external-api-path", "a-types", "--external-api-module", "b-types@1"], /--external-api-path a-types is not in the package --external-api-module b-types@1 adds \(b-types\)/],
    ];
    for (const [argv, expected] of cases) {
      const r = await runKb(dir, ...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(expected);
    }
    expect(readTree(dir)).toEqual(before);
  }, 60_000);
});

describe("kb create webhook --defaulting-path / --validation-path", () => {
  it("writes the path into the marker, registers the handler on it, records it in PROJECT and keeps it on a re-run", async () => {
    const dir = tempDir();
    await kb(dir, ...INIT);
    await kb(dir, "create", "api", ...gvk("crew", "v1", "Sailor"));
    await kb(dir, "create", "webhook", ...gvk("crew", "v1", "Sailor"), "--defaulting", "--defaulting-path", "/custom-mutate-sailor");
    await kb(dir, "create", "webhook", ...gvk("crew", "v1", "Sailor"), "--programmatic-validation", "--validation-path", "/custom/validate-sailor");

    expect(read(dir, "PROJECT")).toContain(
      "  webhooks:\n    defaulting: true\n    defaultingPath: /custom-mutate-sailor\n    validation: true\n    validationPath: /custom/validate-sailor\n    webhookVersion: v1\n",
    );
    const defaulter = read(dir, "src/webhooks/v1/sailor-defaulter.ts");
    expect(defaulter).toContain("// +kubebuilder:webhook:path=/custom-mutate-sailor,mutating=true,");
    expect(defaulter).toContain('server.register("/custom-mutate-sailor", sailorDefaulter);');
    expect(defaulter).not.toContain("defaultingPath");
    const validator = read(dir, "src/webhooks/v1/sailor-validator.ts");
    expect(validator).toContain("// +kubebuilder:webhook:path=/custom/validate-sailor,mutating=false,");
    expect(validator).toContain('server.register("/custom/validate-sailor", sailorValidator);');
    // The webhook suite's tests count requests on the same paths.
    const suite = read(dir, "src/webhooks/v1/sailor-webhook-suite.test.ts");
    expect(suite).toContain('const path = "/custom-mutate-sailor";');
    expect(suite).toContain('const path = "/custom/validate-sailor";');
    const { MutatingWebhookConfiguration: m, ValidatingWebhookConfiguration: v } = manifests(dir);
    expect(m![0]!.clientConfig.service.path).toBe("/custom-mutate-sailor");
    expect(v![0]!.clientConfig.service.path).toBe("/custom/validate-sailor");

    await kb(dir, "create", "webhook", ...gvk("crew", "v1", "Sailor"), "--defaulting", "--force");
    expect(read(dir, "src/webhooks/v1/sailor-defaulter.ts")).toBe(defaulter);
    expect(read(dir, "PROJECT")).toContain("defaultingPath: /custom-mutate-sailor\n");
  }, 60_000);

  it("refuses a bad path, a path without its webhook, and a path another webhook is served on, writing nothing", async () => {
    const dir = tempDir();
    await kb(dir, ...INIT);
    await kb(dir, "create", "api", ...gvk("crew", "v1", "Sailor"));
    await kb(dir, "create", "webhook", ...gvk("core", "v1", "Pod"), "--defaulting");
    const before = readTree(dir);
    const sailor = ["create", "webhook", ...gvk("crew", "v1", "Sailor")];
    const cases: [argv: string[], expected: RegExp][] = [
      [[...sailor, "--defaulting", "--defaulting-path", "mutate"], /--defaulting-path "mutate": expected an HTTP path such as \/mutate-ship/],
      [[...sailor, "--defaulting", "--defaulting-path", "/a,b"], /--defaulting-path "\/a,b": expected an HTTP path/],
      [[...sailor, "--programmatic-validation", "--validation-path", "/convert"], /--validation-path "\/convert": expected .*not \/convert/],
      [[...sailor, "--programmatic-validation", "--defaulting-path", "/m"], /--defaulting-path is only meaningful with --defaulting/],
      [[...sailor, "--defaulting", "--validation-path", "/v"], /--validation-path is only meaningful with --programmatic-validation/],
      [[...sailor, "--defaulting", "--defaulting-path", "/mutate--v1-pod"], /--defaulting-path \/mutate--v1-pod: \/mutate--v1-pod is already the path of the defaulting webhook of core\/v1, Kind=Pod/],
      [[...sailor, "--defaulting", "--programmatic-validation", "--defaulting-path", "/same", "--validation-path", "/same"], /the defaulting and the validating webhook would both be served on \/same/],
    ];
    for (const [argv, expected] of cases) {
      const r = await runKb(dir, ...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(expected);
    }
    expect(readTree(dir)).toEqual(before);
  }, 60_000);
});

describe("kb create api --controller-name", () => {
  it("adds a second controller to a resource: its own file, class and registration, PROJECT listing both by name", async () => {
    const dir = tempDir();
    await kb(dir, ...INIT);
    await kb(dir, "create", "api", ...gvk("crew", "v1", "Captain"));
    const first = read(dir, "src/controllers/captain-controller.ts");
    await kb(dir, "create", "api", ...gvk("crew", "v1", "Captain"), "--resource=false", "--controller-name", "captain-backup");

    // As kubebuilder records it: the unnamed controller becomes one named after the kind.
    expect(read(dir, "PROJECT")).toContain("  controllers:\n  - name: captain\n  - name: captain-backup\n  domain: example.com\n");
    expect(read(dir, "PROJECT")).not.toContain("controller: true");
    expect(read(dir, "src/controllers/captain-controller.ts")).toBe(first);
    const backup = read(dir, "src/controllers/captain-backup-controller.ts");
    expect(backup).toContain("export class CaptainBackupReconciler implements Reconciler<Client> {");
    expect(backup).toContain("export function setupCaptainBackupController(mgr: Manager): void {");
    expect(backup).toContain('.named("captain-backup")');
    expect(backup).toContain("mgr\n    .controller(CaptainResource)");
    expect(read(dir, "src/controllers/captain-backup-controller.test.ts")).toContain('import { CaptainBackupReconciler } from "./captain-backup-controller.js";');
    const main = read(dir, "src/main.ts");
    expect(main).toContain('import { setupCaptainBackupController } from "./controllers/captain-backup-controller.js";');
    expect(main).toMatch(/setupCaptainController\(mgr\);\n\s+setupCaptainBackupController\(mgr\);/);

    // kb alpha generate scaffolds both again.
    const out = join(dir, "..", "regenerated");
    await kb(dir, "alpha", "generate", "--output-dir", out);
    expect(read(out, "src/controllers/captain-backup-controller.ts")).toBe(backup);
    expect(read(out, "src/controllers/captain-controller.ts")).toBe(first);
  }, 60_000);

  it("refuses a name taken, a name that differs only in dashes, an unnamed controller beside named ones, and a bad name", async () => {
    const dir = tempDir();
    await kb(dir, ...INIT);
    await kb(dir, "create", "api", ...gvk("crew", "v1", "Captain"), "--controller-name", "captain-backup");
    await kb(dir, "create", "api", ...gvk("crew", "v1", "Admiral"));
    expect(read(dir, "PROJECT")).toContain("  controllers:\n  - name: captain-backup\n");
    const before = readTree(dir);
    const captain = ["create", "api", ...gvk("crew", "v1", "Captain"), "--resource=false"];
    const cases: [argv: string[], expected: RegExp][] = [
      [[...captain, "--controller-name", "captain-backup"], /a controller named captain-backup for crew\/v1, Kind=Captain already exists in PROJECT/],
      [[...captain, "--controller-name", "captainbackup"], /--controller-name captainbackup and the controller captain-backup of crew\/v1, Kind=Captain would get the same file and class names/],
      [[...captain, "--controller"], /crew\/v1, Kind=Captain has named controllers \(captain-backup\) in PROJECT: another one needs a name.*--controller-name/s],
      [[...captain, "--controller-name", "Backup"], /--controller-name "Backup": expected a DNS-1035 label/],
      [[...captain, "--controller=false", "--controller-name", "backup"], /nothing to do|--controller-name names the controller to scaffold: it needs --controller/],
      [["create", "api", ...gvk("crew", "v1", "Admiral"), "--resource=false", "--controller-name", "captain-backup"], /--controller-name captain-backup would be src\/controllers\/captain-backup-controller\.ts/],
    ];
    for (const [argv, expected] of cases) {
      const r = await runKb(dir, ...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(expected);
    }
    expect(readTree(dir)).toEqual(before);
  }, 60_000);
});
