import { describe, expect, it } from "vitest";
import { DiagnosticList } from "../../../src/diagnostics/index.js";
import { readRbacRule } from "../../../src/generator/rbac/index.js";
import { rules } from "./rbac-markers.js";

const FILE = "src/controllers/backup-controller.ts";

function read(args: string) {
  const diagnostics = new DiagnosticList();
  const [marker] = rules(args);
  const rule = readRbacRule(marker!, "manager-role", diagnostics);
  return { rule, diagnostics: diagnostics.all() };
}

describe("readRbacRule", () => {
  it("reads a marker's lists, namespace and role name", () => {
    const { rule, diagnostics } = read(
      'groups="";apps,resources=configmaps,resourceNames=settings,verbs=get;update,namespace=backup-system,roleName=config-editor',
    );
    expect(diagnostics).toEqual([]);
    expect(rule).toEqual({
      groups: ["", "apps"],
      resources: ["configmaps"],
      resourceNames: ["settings"],
      verbs: ["get", "update"],
      urls: [],
      namespace: "backup-system",
      roleName: "config-editor",
      location: { file: FILE, line: 1, column: 4 },
    });
  });

  it("uses the generator's role name and no namespace by default", () => {
    const { rule } = read("urls=/metrics,verbs=get");
    expect(rule).toMatchObject({ namespace: "", roleName: "manager-role", urls: ["/metrics"], groups: [] });
  });

  it("treats an empty namespace or roleName as unset, as controller-gen does", () => {
    const { rule, diagnostics } = read('groups=apps,resources=deployments,verbs=get,namespace="",roleName=""');
    expect(diagnostics).toEqual([]);
    expect(rule).toMatchObject({ namespace: "", roleName: "manager-role" });
  });

  const errors: Array<[string, string, string, RegExp]> = [
    ["no verbs", "groups=apps,resources=deployments,verbs={}", "rbac-no-verbs", /expected at least one verb/],
    ["an empty verb", 'groups=apps,resources=deployments,verbs=""', "rbac-empty-value", /verbs has an empty value/],
    ["an empty resource", 'groups="",resources="",verbs=get', "rbac-empty-value", /resources has an empty value/],
    [
      "urls with groups and resources",
      'groups="",resources=pods,urls=/metrics,verbs=get',
      "rbac-urls-with-resources",
      /either to API resources .* or to non-resource URLs/,
    ],
    ["urls with resourceNames", "resourceNames=x,urls=/metrics,verbs=get", "rbac-urls-with-resources", /not both/],
    [
      "urls in a namespace",
      "urls=/metrics,verbs=get,namespace=backup-system",
      "rbac-urls-with-namespace",
      /only the ClusterRole/,
    ],
    [
      "resourceNames without resources",
      'groups="",resourceNames=settings,verbs=get',
      "rbac-resource-names-without-resources",
      /resourceNames needs resources/,
    ],
    ["groups without resources", "groups=apps,verbs=get", "rbac-groups-without-resources", /groups needs resources/],
    ["neither resources nor urls", "verbs=get", "rbac-no-target", /expected resources \(with groups\) or urls/],
    ["resources without groups", "resources=pods,verbs=get", "rbac-resources-without-groups", /resources needs groups/],
    [
      "a namespace that is not a DNS label",
      "groups=apps,resources=deployments,verbs=get,namespace=Backup_System",
      "rbac-invalid-namespace",
      /namespace "Backup_System" is not a valid namespace name/,
    ],
    [
      "a namespace over 63 characters",
      `groups=apps,resources=deployments,verbs=get,namespace=${"n".repeat(64)}`,
      "rbac-invalid-namespace",
      /at most 63 characters/,
    ],
    [
      "a role name with a slash",
      "groups=apps,resources=deployments,verbs=get,roleName=team/reader",
      "rbac-invalid-role-name",
      /roleName "team\/reader" is not a valid role name/,
    ],
    [
      "a role name of ..",
      "groups=apps,resources=deployments,verbs=get,roleName=..",
      "rbac-invalid-role-name",
      /not a valid role name/,
    ],
  ];
  it.each(errors)("rejects %s, at the marker", (_what, args, code, message) => {
    const { rule, diagnostics } = read(args);
    expect(rule).toBeUndefined();
    const error = diagnostics.find((d) => d.severity === "error" && d.code === code);
    expect(error, JSON.stringify(diagnostics)).toBeDefined();
    expect(error!.message).toMatch(/^\+kubebuilder:rbac: /);
    expect(error!.message).toMatch(message);
    expect(error!.location).toEqual({ file: FILE, line: 1, column: 4 });
  });

  it("hints at the core group's spelling when groups are missing", () => {
    const { diagnostics } = read("resources=pods,verbs=get");
    expect(diagnostics[0]!.hint).toBe('use groups="" (or groups=core) for the core API group');
  });

  it("reports every problem of a marker at once", () => {
    const { diagnostics } = read("urls=/metrics,resources=pods,verbs={},namespace=ops");
    expect(diagnostics.map((d) => d.code).sort()).toEqual([
      "rbac-no-verbs",
      "rbac-urls-with-namespace",
      "rbac-urls-with-resources",
    ]);
  });

  const warnings: Array<[string, string, string, RegExp, string | undefined]> = [
    [
      "an upper-case verb",
      "groups=apps,resources=deployments,verbs=Get",
      "rbac-verb-case",
      /verb "Get" never matches/,
      'did you mean "get"?',
    ],
    [
      "a misspelt verb",
      "groups=apps,resources=deployments,verbs=get;wacth",
      "rbac-unknown-verb",
      /unknown verb "wacth"/,
      'did you mean "watch"?',
    ],
    [
      "a kind for a resource",
      "groups=apps,resources=Deployment,verbs=get",
      "rbac-resource-case",
      /resources are lower-case plural names, not kinds/,
      'did you mean "deployment"?',
    ],
    [
      "create limited by resourceNames",
      'groups="",resources=configmaps,resourceNames=settings,verbs=get;create',
      "rbac-create-with-resource-names",
      /create cannot be limited by resourceNames/,
      "grant create in a marker without resourceNames",
    ],
    [
      "a URL without a leading slash",
      "urls=metrics,verbs=get",
      "rbac-url-never-matches",
      /url "metrics" never matches/,
      undefined,
    ],
    [
      "a URL with an inner *",
      "urls=/hea*z,verbs=get",
      "rbac-url-never-matches",
      /with \* only as its last character/,
      undefined,
    ],
  ];
  it.each(warnings)("warns about %s and keeps the rule", (_what, args, code, message, hint) => {
    const { rule, diagnostics } = read(args);
    expect(rule).toBeDefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: "warning", code, location: { file: FILE, line: 1, column: 4 } });
    expect(diagnostics[0]!.message).toMatch(message);
    expect(diagnostics[0]!.hint).toBe(hint);
  });

  it("accepts special and custom verbs, *, and URL prefixes without warnings", () => {
    expect(read("groups=policy,resources=podsecuritypolicies,verbs=use").diagnostics).toEqual([]);
    expect(read("groups=rbac.authorization.k8s.io,resources=clusterroles,verbs=bind;escalate").diagnostics).toEqual([]);
    expect(read("groups=example.com,resources=widgets,verbs=frobnicate").diagnostics).toEqual([]);
    expect(read("groups=*,resources=*,verbs=*").diagnostics).toEqual([]);
    expect(read("urls=*;/healthz/*;/metrics,verbs=get;post").diagnostics).toEqual([]);
  });
});
