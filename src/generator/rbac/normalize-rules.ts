import { compareGoStrings, uniqueSorted } from "./go-strings.js";
import type { PolicyRule, RbacRule } from "./policy-rule.js";

/** A rule while it is being merged; every list is kept unique and sorted. */
interface WorkRule {
  groups: string[];
  resources: string[];
  resourceNames: string[];
  urls: string[];
  verbs: string[];
}

/** The lists a merge pass may join; the rules of a pass agree on all the others. */
type Dimension = "resources" | "groups" | "urls";

const ALL: Dimension[] = ["resources", "groups", "urls"];

/**
 * Merges and sorts the rules of one role exactly as controller-gen's `NormalizeRules` does:
 *
 * 1. each marker is split into one rule per resource, and the group `core` becomes `""`;
 * 2. rules for the same groups, resources, resource names and URLs join their verbs;
 * 3. rules that differ only in their resources join them, then rules that differ only in
 *    their groups, then rules that differ only in their URLs (one pass each, in that order);
 * 4. rules are sorted by `groups + resources + resourceNames + urls` (each list joined with
 *    `&`, compared as Go compares strings);
 * 5. a rule whose verbs include `*` keeps only `*`.
 *
 * Every list is de-duplicated and sorted. Where controller-gen's passes can make two rules
 * with the same groups, resources, names and URLs but different verbs, it keeps one of them
 * at random and drops the other; here their verbs are joined instead, which grants exactly
 * what both rules did and keeps the output deterministic.
 */
export function normalizeRules(rules: readonly RbacRule[]): PolicyRule[] {
  // 1 + 2: split per resource, join verbs of equal keys.
  let merged = new Map<string, WorkRule>();
  for (const rule of rules) {
    const groups = rule.groups.map((g) => (g === "core" ? "" : g));
    const split = rule.resources.length === 0 ? [[]] : rule.resources.map((r) => [r]);
    for (const resources of split) {
      addOrJoinVerbs(merged, {
        groups: uniqueSorted(groups),
        resources: uniqueSorted(resources),
        resourceNames: uniqueSorted(rule.resourceNames),
        urls: uniqueSorted(rule.urls),
        verbs: uniqueSorted(rule.verbs),
      });
    }
  }

  // 3: one pass per dimension, in controller-gen's order.
  for (const dimension of ALL) merged = mergeAlong(merged, dimension);

  // 4 + 5
  return [...merged.values()]
    .map((rule) => ({ rule, sortKey: goSortKey(rule) }))
    .sort((a, b) => compareGoStrings(a.sortKey, b.sortKey) || compareGoStrings(identity(a.rule), identity(b.rule)))
    .map(({ rule }) => toPolicyRule(rule.verbs.includes("*") ? { ...rule, verbs: ["*"] } : rule));
}

/** Joins the rules that agree on everything but `dimension`. */
function mergeAlong(rules: Map<string, WorkRule>, dimension: Dimension): Map<string, WorkRule> {
  const buckets = new Map<string, WorkRule[]>();
  for (const rule of rules.values()) {
    const key = keyWithout(rule, dimension);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(rule);
    else buckets.set(key, [rule]);
  }
  const out = new Map<string, WorkRule>();
  for (const bucket of buckets.values()) {
    const first = bucket[0]!;
    const joined: WorkRule = { ...first, [dimension]: uniqueSorted(bucket.flatMap((r) => r[dimension])) };
    addOrJoinVerbs(out, joined);
  }
  return out;
}

/** Adds `rule` under its identity, joining verbs with a rule already there. */
function addOrJoinVerbs(into: Map<string, WorkRule>, rule: WorkRule): void {
  const key = identity(rule);
  const existing = into.get(key);
  if (existing) existing.verbs = uniqueSorted([...existing.verbs, ...rule.verbs]);
  else into.set(key, { ...rule, verbs: [...rule.verbs] });
}

/** What a rule covers (controller-gen's `ruleKey`), without verbs; unambiguous. */
function identity(rule: WorkRule): string {
  return JSON.stringify([rule.groups, rule.resources, rule.resourceNames, rule.urls]);
}

/** Everything but `dimension`, verbs included: the rules a pass may merge. */
function keyWithout(rule: WorkRule, dimension: Dimension): string {
  const parts: string[][] = [];
  if (dimension !== "groups") parts.push(rule.groups);
  if (dimension !== "resources") parts.push(rule.resources);
  parts.push(rule.resourceNames);
  if (dimension !== "urls") parts.push(rule.urls);
  parts.push(rule.verbs);
  return JSON.stringify(parts);
}

/** controller-gen's `ruleKey.String()`, which orders the rules of a role. */
function goSortKey(rule: WorkRule): string {
  return [rule.groups, rule.resources, rule.resourceNames, rule.urls].map((l) => l.join("&")).join(" + ");
}

function toPolicyRule(rule: WorkRule): PolicyRule {
  const out: PolicyRule = { verbs: rule.verbs };
  if (rule.groups.length > 0) out.apiGroups = rule.groups;
  if (rule.urls.length > 0) out.nonResourceURLs = rule.urls;
  if (rule.resourceNames.length > 0) out.resourceNames = rule.resourceNames;
  if (rule.resources.length > 0) out.resources = rule.resources;
  return out;
}
