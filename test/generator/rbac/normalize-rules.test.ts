import { describe, expect, it } from "vitest";
import { DiagnosticList } from "../../../src/diagnostics/index.js";
import { readRbacRule, normalizeRules, type PolicyRule, type RbacRule } from "../../../src/generator/rbac/index.js";
import { rules } from "./rbac-markers.js";

/** Reads the marker arguments into rules (all valid) and normalises them as one role. */
function normalize(...args: string[]): PolicyRule[] {
  const diagnostics = new DiagnosticList();
  const read = rules(...args).map((m) => readRbacRule(m, "manager-role", diagnostics));
  expect(diagnostics.errors()).toEqual([]);
  return normalizeRules(read.filter((r): r is RbacRule => r !== undefined));
}

describe("normalizeRules", () => {
  it("de-duplicates and sorts every list of a rule", () => {
    expect(normalize("groups=batch;batch;apps,resources=jobs/status,verbs=watch;get;watch")).toEqual([
      { apiGroups: ["apps", "batch"], resources: ["jobs/status"], verbs: ["get", "watch"] },
    ]);
  });

  it("joins the verbs of rules for the same groups and resources", () => {
    expect(
      normalize(
        "groups=apps,resources=deployments,verbs=get;list",
        "groups=apps,resources=deployments,verbs=get",
        "groups=apps,resources=deployments,verbs=watch",
      ),
    ).toEqual([{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch"] }]);
  });

  it("joins the resources of rules that differ only in resources", () => {
    expect(
      normalize(
        "groups=apps,resources=statefulsets,verbs=get;list",
        "groups=apps,resources=deployments,verbs=list;get",
        "groups=apps,resources=daemonsets,verbs=get;list",
      ),
    ).toEqual([
      { apiGroups: ["apps"], resources: ["daemonsets", "deployments", "statefulsets"], verbs: ["get", "list"] },
    ]);
  });

  it("joins the groups of rules that differ only in groups", () => {
    expect(
      normalize(
        "groups=monitoring.coreos.com,resources=servicemonitors,verbs=get",
        "groups=azure.monitoring.coreos.com,resources=servicemonitors,verbs=get",
      ),
    ).toEqual([
      {
        apiGroups: ["azure.monitoring.coreos.com", "monitoring.coreos.com"],
        resources: ["servicemonitors"],
        verbs: ["get"],
      },
    ]);
  });

  it("joins the URLs of rules that differ only in URLs", () => {
    expect(normalize("urls=/metrics,verbs=get", "urls=/healthz;/readyz,verbs=get")).toEqual([
      { nonResourceURLs: ["/healthz", "/metrics", "/readyz"], verbs: ["get"] },
    ]);
  });

  it("splits a marker per resource before merging, so verbs join per resource", () => {
    // backups gets get+list from the first and third marker, restores from the first and
    // second: both end with the same verbs and merge back into one rule.
    expect(
      normalize(
        "groups=backup.example.com,resources=backups;restores,verbs=get",
        "groups=backup.example.com,resources=restores,verbs=list",
        "groups=backup.example.com,resources=backups,verbs=list",
      ),
    ).toEqual([{ apiGroups: ["backup.example.com"], resources: ["backups", "restores"], verbs: ["get", "list"] }]);
  });

  it("merges resources first, then groups", () => {
    // a/x and a/y merge into a/{x,y}; b/{x,y} came from one marker; then the groups join.
    expect(
      normalize(
        "groups=a.example.com,resources=x,verbs=get",
        "groups=a.example.com,resources=y,verbs=get",
        "groups=b.example.com,resources=x;y,verbs=get",
      ),
    ).toEqual([{ apiGroups: ["a.example.com", "b.example.com"], resources: ["x", "y"], verbs: ["get"] }]);
  });

  it("does not merge rules that differ in more than one list", () => {
    expect(
      normalize(
        "groups=apps,resources=deployments,verbs=get",
        "groups=batch,resources=jobs,verbs=get",
        "groups=apps,resources=replicasets,verbs=list",
      ),
    ).toEqual([
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
      { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["list"] },
      { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get"] },
    ]);
  });

  it("keeps rules with different resourceNames apart, and merges those with the same", () => {
    // sorted by "<groups> + <resources> + ...": " + configmaps&secrets" before " + secrets"
    expect(
      normalize(
        'groups="",resources=secrets,verbs=get',
        'groups="",resources=secrets,resourceNames=tls;db-password;tls,verbs=get',
        'groups="",resources=configmaps,resourceNames=db-password;tls,verbs=get',
      ),
    ).toEqual([
      { apiGroups: [""], resourceNames: ["db-password", "tls"], resources: ["configmaps", "secrets"], verbs: ["get"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
    ]);
  });

  it('turns the group "core" into "" and merges the two spellings', () => {
    expect(
      normalize(
        "groups=core,resources=configmaps,verbs=get",
        'groups="",resources=pods,verbs=get',
        'groups=core;"";policy,resources=pods,verbs=list',
      ),
    ).toEqual([
      { apiGroups: [""], resources: ["configmaps", "pods"], verbs: ["get"] },
      { apiGroups: ["", "policy"], resources: ["pods"], verbs: ["list"] },
    ]);
  });

  it("reduces verbs to * when one of them is *, after merging", () => {
    // The first two join their verbs (get, patch, *); the third keeps its own, so the two
    // rules do not merge their resources even though both end up with verbs [*].
    expect(
      normalize(
        "groups=apps,resources=deployments,verbs=get;patch",
        "groups=apps,resources=deployments,verbs=*",
        "groups=apps,resources=statefulsets,verbs=*",
      ),
    ).toEqual([
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] },
      { apiGroups: ["apps"], resources: ["statefulsets"], verbs: ["*"] },
    ]);
  });

  it("keeps * as an ordinary value in groups and resources", () => {
    expect(normalize("groups=*,resources=*,verbs=get;list", "groups=apps,resources=*,verbs=get;list")).toEqual([
      { apiGroups: ["*", "apps"], resources: ["*"], verbs: ["get", "list"] },
    ]);
  });

  it("sorts rules by groups, resources, resource names and URLs as Go compares strings", () => {
    const out = normalize(
      "groups=batch,resources=jobs,verbs=get",
      "groups=backup.example.com,resources=backups/status,verbs=update",
      "groups=backup.example.com,resources=backups,verbs=get",
      "groups=apps,resources=deployments,verbs=get",
      'groups="",resources=events,verbs=create',
      'groups="",resources=configmaps,resourceNames=settings,verbs=update',
      "urls=/metrics,verbs=get",
    );
    expect(out.map((r) => [r.apiGroups?.join(), r.resources?.join(), r.nonResourceURLs?.join()])).toEqual([
      // groups "" and resources "": the key starts with " +  + "
      [undefined, undefined, "/metrics"],
      ["", "configmaps", undefined],
      ["", "events", undefined],
      ["apps", "deployments", undefined],
      ["backup.example.com", "backups", undefined],
      // "backups + ..." sorts before "backups/status + ..." because " " < "/"
      ["backup.example.com", "backups/status", undefined],
      ["batch", "jobs", undefined],
    ]);
  });

  it("joins the verbs where controller-gen's passes would make two rules cover the same things", () => {
    // The groups pass turns x/a:get and y/a:get into {x,y}/a:get, which covers what
    // {x,y}/a:list covers; controller-gen keeps one of the two at random. Joining the verbs
    // grants exactly what both did.
    expect(
      normalize(
        "groups=x.example.com,resources=a,verbs=get",
        "groups=y.example.com,resources=a,verbs=get",
        "groups=x.example.com;y.example.com,resources=a,verbs=list",
      ),
    ).toEqual([{ apiGroups: ["x.example.com", "y.example.com"], resources: ["a"], verbs: ["get", "list"] }]);
    expect(normalize("urls=/a,verbs=get", "urls=/b,verbs=get", "urls=/a;/b,verbs=post")).toEqual([
      { nonResourceURLs: ["/a", "/b"], verbs: ["get", "post"] },
    ]);
  });

  it("gives the same rules whatever the order of the markers", () => {
    const args = [
      "groups=apps,resources=deployments,verbs=get;list",
      "groups=apps,resources=statefulsets,verbs=get;list",
      "groups=batch,resources=jobs;cronjobs,verbs=get;list",
      "groups=core,resources=pods,verbs=get",
      "groups=x.example.com,resources=a,verbs=get",
      "groups=y.example.com,resources=a,verbs=get",
      "groups=x.example.com;y.example.com,resources=a,verbs=list",
      "urls=/metrics,verbs=get",
      "urls=/healthz,verbs=get",
    ];
    const expected = normalize(...args);
    for (let shift = 1; shift < args.length; shift++) {
      const rotated = [...args.slice(shift), ...args.slice(0, shift)];
      expect(normalize(...rotated)).toEqual(expected);
      expect(normalize(...rotated.reverse())).toEqual(expected);
    }
  });
});
