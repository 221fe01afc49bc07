import { describe, expect, it } from "vitest";
import { MarkerRegistry, parseMarker, type ParseOutcome } from "../../../src/markers/index.js";
import { RBAC_MARKER, RBAC_MARKERS } from "../../../src/markers/definitions/rbac.js";

const registry = new MarkerRegistry(RBAC_MARKERS);
const at = { file: "src/controllers/backup-controller.ts", line: 7, column: 4 };

function parse(text: string, target: "file" | "type" = "file"): ParseOutcome {
  return parseMarker(text, at, target, registry);
}

function value(text: string): unknown {
  const outcome = parse(text);
  if (outcome.kind !== "marker") throw new Error(JSON.stringify(outcome));
  return outcome.marker.value;
}

describe("RBAC_MARKERS", () => {
  it("defines +kubebuilder:rbac for files, with controller-tools' Rule arguments", () => {
    expect(RBAC_MARKERS).toHaveLength(1);
    const [rbac] = RBAC_MARKERS;
    expect(rbac).toMatchObject({ name: RBAC_MARKER, targets: ["file"], category: "RBAC" });
    expect(RBAC_MARKER).toBe("kubebuilder:rbac");
    expect(rbac!.help).not.toBe("");
    expect(rbac!.shape.kind).toBe("args");
    if (rbac!.shape.kind !== "args") return;
    expect(rbac!.shape.args.map((a) => [a.name, a.type, a.optional])).toEqual([
      ["groups", { kind: "list", items: { kind: "string" } }, true],
      ["resources", { kind: "list", items: { kind: "string" } }, true],
      ["resourceNames", { kind: "list", items: { kind: "string" } }, true],
      ["verbs", { kind: "list", items: { kind: "string" } }, false],
      ["urls", { kind: "list", items: { kind: "string" } }, true],
      ["namespace", { kind: "string" }, true],
      ["roleName", { kind: "string" }, true],
    ]);
    for (const a of rbac!.shape.args) expect(a.help, a.name).toBeTruthy();
  });

  it("parses ;-separated and {…} lists, the empty core group and *", () => {
    expect(value('kubebuilder:rbac:groups=core;"";apps,resources=deployments/status,verbs=get;update;patch')).toEqual({
      groups: ["core", "", "apps"],
      resources: ["deployments/status"],
      verbs: ["get", "update", "patch"],
    });
    expect(value("kubebuilder:rbac:groups={apps,batch},resources={jobs, deployments},verbs=*")).toEqual({
      groups: ["apps", "batch"],
      resources: ["jobs", "deployments"],
      verbs: ["*"],
    });
  });

  it("parses urls, resourceNames, namespace and roleName", () => {
    expect(value("kubebuilder:rbac:urls=/metrics;/healthz/*,verbs=get")).toEqual({
      urls: ["/metrics", "/healthz/*"],
      verbs: ["get"],
    });
    expect(
      value(
        'kubebuilder:rbac:groups="",resources=secrets,resourceNames=backup-credentials,verbs=get,namespace=backup-system,roleName=secret-reader',
      ),
    ).toEqual({
      groups: [""],
      resources: ["secrets"],
      resourceNames: ["backup-credentials"],
      verbs: ["get"],
      namespace: "backup-system",
      roleName: "secret-reader",
    });
  });

  it("requires verbs", () => {
    const outcome = parse("kubebuilder:rbac:groups=apps,resources=deployments");
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.diagnostic.message).toMatch(/missing argument "verbs"/);
    expect(outcome.diagnostic.location?.line).toBe(7);
  });

  it("suggests the argument a typo was meant to be", () => {
    const outcome = parse("kubebuilder:rbac:groups=apps,resource=deployments,verbs=get");
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.diagnostic.message).toMatch(/unknown argument "resource" \(did you mean "resources"\?\)/);
  });

  it("is a file marker: on a type it is an error", () => {
    const outcome = parse("kubebuilder:rbac:groups=apps,resources=deployments,verbs=get", "type");
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.diagnostic.message).toMatch(/cannot be used on a type/);
  });
});
