import { describe, expect, it } from "vitest";
import { apiCodeFiles, mainImportName, MAIN_FILE, MAIN_MARKERS, resourceHandle } from "../../../src/scaffolder/commands/api/api-code-files.js";
import { renderTemplate } from "../../../src/scaffolder/machinery/render-template.js";
import type { TemplateFile } from "../../../src/scaffolder/machinery/scaffold-plan.js";
import { api, core, project, resource } from "./support.js";

const BOTH = { resource: true, controllers: [undefined] };

function byPath(templates: readonly TemplateFile[]): Record<string, TemplateFile> {
  return Object.fromEntries(templates.map((t) => [t.path, t]));
}

/** Renders one planned template as `kb create api` would (before prettier). */
function render(t: TemplateFile, data: Record<string, unknown>): string {
  return renderTemplate(t.template, { storageVersion: true, ...data, ...t.data });
}

describe("apiCodeFiles", () => {
  it("plans the types, the controller and its test, and registers the controller in src/main.ts", () => {
    const p = project([api("batch", "v1", "CronJob")]);
    const part = apiCodeFiles({ project: p, resource: resource(p, "batch", "v1", "CronJob") }, BOTH);
    const files = byPath(part.templates);
    expect(Object.keys(files)).toEqual([
      "api/v1/groupversion-info.ts",
      "api/v1/cronjob-types.ts",
      "src/controllers/cronjob-controller.ts",
      "src/controllers/cronjob-controller.test.ts",
    ]);
    // groupversion-info.ts is shared by every kind of the version; the rest is this kind's.
    expect(files["api/v1/groupversion-info.ts"]!.ifExists).toBe("skip");
    expect(part.templates.filter((t) => t.ifExists === "error")).toHaveLength(3);
    expect(part.insertions).toEqual([
      { path: MAIN_FILE, marker: MAIN_MARKERS.imports, fragments: ['import { setupCronJobController } from "./controllers/cronjob-controller.js";'], unlessPresent: 'from "./controllers/cronjob-controller.js";' },
      { path: MAIN_FILE, marker: MAIN_MARKERS.controllers, fragments: ["setupCronJobController(mgr);"], unlessPresent: 'from "./controllers/cronjob-controller.js";' },
    ]);
  });

  it("plans only the types with --controller=false, and only the controller with --resource=false", () => {
    const p = project([api("batch", "v1", "CronJob")]);
    const r = resource(p, "batch", "v1", "CronJob");
    const typesOnly = apiCodeFiles({ project: p, resource: r }, { resource: true, controllers: [] });
    expect(typesOnly.templates.map((t) => t.path)).toEqual(["api/v1/groupversion-info.ts", "api/v1/cronjob-types.ts"]);
    expect(typesOnly.insertions).toEqual([]);
    const controllerOnly = apiCodeFiles({ project: p, resource: r }, { resource: false, controllers: [undefined] });
    expect(controllerOnly.templates.map((t) => t.path)).toEqual(["src/controllers/cronjob-controller.ts", "src/controllers/cronjob-controller.test.ts"]);
  });

  it("renders the RBAC markers of the kind, its status and finalizers, with the namespace of a namespaced project", () => {
    for (const namespaced of [false, true]) {
      const p = project([api("batch", "v1", "CronJob")], { namespaced });
      const r = resource(p, "batch", "v1", "CronJob");
      const controller = apiCodeFiles({ project: p, resource: r }, BOTH).templates.find((t) => t.path.endsWith("-controller.ts"))!;
      const text = render(controller, { project: p, resource: r });
      const scope = namespaced ? ",namespace=shop-system" : "";
      expect(text).toContain(`// +kubebuilder:rbac:groups=batch.example.com${scope},resources=cronjobs,verbs=get;list;watch;create;update;patch;delete`);
      expect(text).toContain(`// +kubebuilder:rbac:groups=batch.example.com${scope},resources=cronjobs/status,verbs=get;update;patch`);
      expect(text).toContain(`// +kubebuilder:rbac:groups=batch.example.com${scope},resources=cronjobs/finalizers,verbs=update`);
      expect(text).toContain('.named("cronjob")');
      expect(text).toContain("export function setupCronJobController(mgr: Manager): void");
    }
  });

  it("gives cluster-scoped kinds cluster-wide RBAC markers in a namespaced project (a Role cannot grant them)", () => {
    const p = project([api("batch", "v1", "Cluster", { api: { crdVersion: "v1" } }), core("core", "v1", "Node"), core("apps", "v1", "Deployment")], { namespaced: true });
    const markers = (group: string, kind: string) => {
      const r = resource(p, group, "v1", kind);
      const controller = apiCodeFiles({ project: p, resource: r }, { resource: false, controllers: [undefined] }).templates.find((t) => t.path.endsWith("-controller.ts"))!;
      return render(controller, { project: p, resource: r }).split("\n").filter((l) => l.startsWith("// +kubebuilder:rbac"));
    };
    for (const [group, kind] of [["batch", "Cluster"], ["core", "Node"]] as const) {
      expect(markers(group, kind)).toHaveLength(3);
      for (const m of markers(group, kind)) expect(m).not.toContain("namespace=");
    }
    for (const m of markers("apps", "Deployment")) expect(m).toContain(",namespace=shop-system,");
  });

  it("marks cluster-scoped kinds, irregular plurals and the storage version in the types", () => {
    const p = project([api("batch", "v1", "Cluster", { api: { crdVersion: "v1" }, plural: "clustres" })]);
    const r = resource(p, "batch", "v1", "Cluster");
    const types = apiCodeFiles({ project: p, resource: r }, BOTH).templates.find((t) => t.path === "api/v1/cluster-types.ts")!;
    expect(types.data).toEqual({ customPlural: true });
    const text = render(types, { project: p, resource: r, storageVersion: true });
    expect(text).toContain("// +kubebuilder:resource:path=clustres,scope=Cluster\n");
    expect(text).toContain("// +kubebuilder:storageversion\n");
    expect(text).toContain('plural: "clustres",\n  namespaced: false,');
    const later = render(types, { project: p, resource: r, storageVersion: false });
    expect(later).not.toContain("storageversion");
  });

  it("puts multigroup controllers in a folder per group, named after their group", () => {
    const p = project([api("batch", "v1", "CronJob", { path: "api/batch/v1" })], { multigroup: true });
    const r = resource(p, "batch", "v1", "CronJob");
    const part = apiCodeFiles({ project: p, resource: r }, BOTH);
    const controller = part.templates.find((t) => t.path === "src/controllers/batch/cronjob-controller.ts")!;
    expect(controller.data).toMatchObject({ controllerName: "batch-cronjob", crdDir: "../../../config/crd/bases" });
    expect(controller.data?.["handle"]).toMatchObject({ name: "CronJobResource", typeName: "CronJob", from: "../../../api/batch/v1/cronjob-types.js" });
    expect(part.insertions[0]!.fragments).toEqual(['import { setupCronJobController } from "./controllers/batch/cronjob-controller.js";']);
  });

  it("imports a second controller of the same kind under its group's name", () => {
    const p = project([api("batch", "v1", "CronJob", { path: "api/batch/v1" }), api("crew", "v1", "CronJob", { path: "api/crew/v1" })], { multigroup: true });
    const crew = resource(p, "crew", "v1", "CronJob");
    const part = apiCodeFiles({ project: p, resource: crew }, BOTH);
    expect(part.insertions.flatMap((i) => i.fragments)).toEqual([
      'import { setupCronJobController as setupCrewCronJobController } from "./controllers/crew/cronjob-controller.js";',
      "setupCrewCronJobController(mgr);",
    ]);
    // A kind alone, or another kind, keeps the plain name.
    const alone = project([api("batch", "v1", "CronJob")]);
    expect(mainImportName(alone, resource(alone, "batch", "v1", "CronJob"), "setupCronJobController", () => true, false)).toBe("setupCronJobController");
  });
});

describe("resourceHandle", () => {
  it("imports the runtime's handle of a Kubernetes kind it knows", () => {
    const p = project([core("apps", "v1", "Deployment"), core("core", "v1", "Pod")]);
    expect(resourceHandle(resource(p, "apps", "v1", "Deployment"), "src/controllers/deployment-controller")).toEqual({ name: "Deployment", from: "kubebuilder-ts/runtime", served: true });
    expect(resourceHandle(resource(p, "core", "v1", "Pod"), "src/controllers/pod-controller")).toEqual({ name: "Pod", from: "kubebuilder-ts/runtime", served: true });
  });

  it("every runtime handle it names is exported under that name", async () => {
    const runtime = (await import("../../../src/runtime/index.js")) as Record<string, unknown>;
    const { BUILTIN_RESOURCES } = await import("../../../src/runtime/resource.js");
    for (const r of BUILTIN_RESOURCES) expect(runtime[r.kind], r.kind).toBe(r);
  });

  it("defines the handle of other Kubernetes kinds, with their scope, and of other projects' kinds", () => {
    const p = project([
      core("networking", "v1", "Ingress", "k8s.io"),
      core("rbac", "v1", "ClusterRole", "authorization.k8s.io"),
      { controller: true, domain: "other.io", external: true, group: "cache", kind: "Redis", version: "v1alpha1" },
    ]);
    expect(resourceHandle(resource(p, "networking", "v1", "Ingress"), "x")).toEqual({
      name: "IngressResource",
      define: { group: "networking.k8s.io", version: "v1", kind: "Ingress", plural: "ingresses", namespaced: true },
      served: true,
    });
    expect(resourceHandle(resource(p, "rbac", "v1", "ClusterRole"), "x").define).toMatchObject({ group: "rbac.authorization.k8s.io", namespaced: false });
    expect(resourceHandle(resource(p, "cache", "v1alpha1", "Redis"), "x")).toEqual({
      name: "RedisResource",
      define: { group: "cache.other.io", version: "v1alpha1", kind: "Redis", plural: "redis", namespaced: true },
      served: false,
    });
  });

  it("renders RBAC markers with `core` for the legacy group", () => {
    const p = project([core("core", "v1", "Pod")]);
    const r = resource(p, "core", "v1", "Pod");
    const controller = apiCodeFiles({ project: p, resource: r }, { resource: false, controllers: [undefined] }).templates[0]!;
    const text = render(controller, { project: p, resource: r });
    expect(text).toContain("// +kubebuilder:rbac:groups=core,resources=pods,verbs=");
    expect(text).toMatch(/import \{ Pod, isNotFound, .*\} from "kubebuilder-ts\/runtime";/);
  });

  it("names a named controller after its name, with its group in multigroup projects, and imports the same setup name of another group under its group", () => {
    const named = { controller: undefined, controllers: [{ name: "captain" }, { name: "captain-backup" }] };
    const p = project([api("crew", "v1", "Captain", { path: "api/crew/v1", ...named }), api("ship", "v1", "Captain", { path: "api/ship/v1", ...named })], { multigroup: true });
    const r = resource(p, "ship", "v1", "Captain");
    const part = apiCodeFiles({ project: p, resource: r }, { resource: false, controllers: ["captain-backup"] });
    const [controller, test] = part.templates;
    expect([controller!.path, test!.path]).toEqual(["src/controllers/ship/captain-backup-controller.ts", "src/controllers/ship/captain-backup-controller.test.ts"]);
    expect(controller!.data).toMatchObject({ reconcilerClass: "CaptainBackupReconciler", setupName: "setupCaptainBackupController", controllerName: "ship-captain-backup", fileBase: "captain-backup-controller" });
    const text = render(controller!, { project: p, resource: r });
    expect(text).toContain("export class CaptainBackupReconciler implements Reconciler<Client> {");
    expect(text).toContain('.named("ship-captain-backup")');
    expect(part.insertions.flatMap((i) => i.fragments)).toEqual([
      'import { setupCaptainBackupController as setupShipCaptainBackupController } from "./controllers/ship/captain-backup-controller.js";',
      "setupShipCaptainBackupController(mgr);",
    ]);
    // A name equal to the kind gives the unnamed controller's names, as kubebuilder's.
    const plain = apiCodeFiles({ project: p, resource: resource(p, "crew", "v1", "Captain") }, { resource: false, controllers: ["captain"] }).templates[0]!;
    expect(plain.path).toBe("src/controllers/crew/captain-controller.ts");
    expect(plain.data).toMatchObject({ reconcilerClass: "CaptainReconciler", setupName: "setupCaptainController", controllerName: "crew-captain" });
  });
});
