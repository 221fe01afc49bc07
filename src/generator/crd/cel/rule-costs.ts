import type { DiagnosticList, SourceLocation } from "../../../diagnostics/index.js";
import type { JSONSchemaProps, ValidationRule } from "../../../model/schema.js";
import type { CelType } from "./cel-types.js";
import { ruleEnv } from "./check-rules.js";
import { estimateCost, MAX_UINT64 } from "./cost.js";
import { CelCode, type Finding } from "./findings.js";
import { parseRule } from "./parse-rule.js";
import { checkExpression, type RuleEnv } from "./rule-checker.js";
import { sizeModel, unboundedCardinality, type SizeNode } from "./size-model.js";

/** The API server's budget for one rule's estimated cost (times the times it may run). */
export const RULE_COST_LIMIT = 10_000_000;
/** The API server's budget for the estimated cost of all the rules of one CRD version's schema. */
export const SCHEMA_COST_LIMIT = 100_000_000;

/** One rule's (or messageExpression's) estimated cost, as the API server reckons it. */
export interface RuleCost {
  readonly rule: ValidationRule;
  /** The schema path of the node the rule is on: `.spec`, `.spec.items[*]`. */
  readonly path: string;
  /** Which expression: the rule, or its messageExpression. */
  readonly expression: "rule" | "messageExpression";
  /** The cost of one evaluation. */
  readonly cost: number;
  /**
   * How many times it may run in one object: bounded by the maxItems/maxProperties above it,
   * or else estimated from the request size limit (`estimated`). 1 for a messageExpression.
   */
  readonly cardinality: number;
  readonly estimated: boolean;
  /** cost × cardinality: what the budget is checked against. */
  readonly total: number;
  /** The unbounded lists, maps and strings that drive the cost, as marker hints. */
  readonly hints: readonly string[];
}

/**
 * The estimated cost of every rule of a CRD version's schema (`openAPIV3Schema`), as the API
 * server computes it when the CRD is applied: each rule's cost of one evaluation (see
 * {@link estimateCost}) times the most times it can run in one object, which is the product
 * of the maxItems/maxProperties of the lists and maps above it, or, below one without a
 * bound, as many copies of the node as fit in a request. Rules that do not compile count 0,
 * as on the API server (they are errors of their own).
 */
export function estimateRuleCosts(schema: JSONSchemaProps): RuleCost[] {
  const out: RuleCost[] = [];
  const walk = (node: JSONSchemaProps, path: string, cardinality: number | undefined, root: boolean): void => {
    const rules = node["x-kubernetes-validations"];
    if (rules && rules.length > 0) costsAt(node, path, cardinality, root, rules, out);
    const below = (child: JSONSchemaProps, childPath: string): void => {
      const bound = maxElements(node);
      const c = cardinality === undefined || bound === undefined ? undefined : Math.min(MAX_UINT64, cardinality * bound);
      walk(child, childPath, c, child["x-kubernetes-embedded-resource"] === true);
    };
    for (const [name, child] of Object.entries(node.properties ?? {})) below(child, `${path}.${name}`);
    if (node.items) below(node.items, `${path}[*]`);
    if (typeof node.additionalProperties === "object") below(node.additionalProperties, `${path}[*]`);
  };
  walk(schema, "", 1, true);
  return out;
}

/** How many children a node holds, as the API server bounds rule cardinality: undefined when unbounded. */
function maxElements(node: JSONSchemaProps): number | undefined {
  if (node.type === "object") {
    if (node.additionalProperties !== undefined) return node.maxProperties === undefined ? undefined : Math.max(0, node.maxProperties);
    return 1;
  }
  if (node.type === "array") return node.maxItems === undefined ? undefined : Math.max(0, node.maxItems);
  return 1;
}

function costsAt(
  node: JSONSchemaProps,
  path: string,
  cardinality: number | undefined,
  root: boolean,
  rules: readonly ValidationRule[],
  out: RuleCost[],
): void {
  const size = sizeModel(node, root);
  if (!size) return;
  for (const rule of rules) {
    const env = ruleEnv(rule, node, root);
    if (!env) return;
    const ruleCost = expressionCost(rule.rule, env, size);
    if (ruleCost) {
      const times = cardinality ?? unboundedCardinality(size);
      out.push({
        rule,
        path: path || ".",
        expression: "rule",
        cost: ruleCost.cost,
        cardinality: times,
        estimated: cardinality === undefined,
        total: ruleCost.cost === 0 ? 0 : Math.min(MAX_UINT64, ruleCost.cost * times),
        hints: ruleCost.hints,
      });
    }
    const message = rule.messageExpression;
    if (message !== undefined && message.trim() !== "") {
      const messageCost = expressionCost(message, env, size);
      if (messageCost) {
        out.push({
          rule,
          path: path || ".",
          expression: "messageExpression",
          cost: messageCost.cost,
          cardinality: 1,
          estimated: false,
          total: messageCost.cost,
          hints: messageCost.hints,
        });
      }
    }
  }
}

/** The cost of one expression, or undefined when it does not compile (reported elsewhere). */
function expressionCost(text: string, env: RuleEnv, size: SizeNode): { cost: number; hints: string[] } | undefined {
  if (text.trim() === "") return undefined;
  const parsed = parseRule(text);
  if (!parsed.ok) return undefined;
  const checked = checkExpression(parsed.rule, env);
  if (checked.findings.some((f) => f.severity === "error")) return undefined;
  const types: ReadonlyMap<string, CelType> = checked.types;
  let cost: number;
  try {
    cost = estimateCost(parsed.rule, types, size).max;
  } catch {
    return undefined; // an expression shape the estimate does not know: no verdict rather than a crash
  }
  return { cost, hints: costHints(checked.findings) };
}

function costHints(findings: readonly Finding[]): string[] {
  return [...new Set(findings.filter((f) => f.code === CelCode.cost && f.hint).map((f) => f.hint!))];
}

/** What {@link checkRuleCosts} reports against. */
export interface RuleCostSite {
  /** The schema of one CRD version (`openAPIV3Schema`). */
  readonly schema: JSONSchemaProps;
  /** The kind and version, for messages: `CronJob v1`. */
  readonly label: string;
  /** Where the kind is declared: the per-schema total is reported there. */
  readonly location: SourceLocation;
  /** The marker a rule came from, when known; else the kind's location is used. */
  readonly locate?: ((rule: ValidationRule) => SourceLocation | undefined) | undefined;
}

/**
 * Reports what the API server would reject for cost when the CRD is applied: a rule (or
 * messageExpression) whose estimated cost, times the times it may run, exceeds 10 million,
 * and a schema whose rules together exceed 100 million. Each problem is reported once per
 * rule and marker, with the bounds that would bring the cost down.
 */
export function checkRuleCosts(sites: readonly RuleCostSite[], diagnostics: DiagnosticList): void {
  const reported = new Set<string>();
  for (const site of sites) {
    const costs = estimateRuleCosts(site.schema);
    let overOne = false;
    for (const c of costs) {
      if (c.total <= RULE_COST_LIMIT) continue;
      overOne = true;
      const location = site.locate?.(c.rule) ?? site.location;
      const key = `${location.file}:${location.line}:${location.column}:${c.expression}:${c.rule.rule}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const what =
        c.expression === "rule"
          ? `XValidation rule ${quote(c.rule.rule)}`
          : `messageExpression ${quote(c.rule.messageExpression ?? "")} of XValidation rule ${quote(c.rule.rule)}`;
      diagnostics.error(
        CelCode.costBudget,
        `${what}: the API server estimates its cost at ${describeCost(c)}, ${exceeds(c.total, RULE_COST_LIMIT)} its budget of ` +
          `${formatNumber(RULE_COST_LIMIT)} per ${c.expression === "rule" ? "rule" : "messageExpression"}, and rejects the CRD`,
        location,
        boundsHint(c.hints, c),
      );
    }
    const total = costs.reduce((sum, c) => Math.min(MAX_UINT64, sum + c.total), 0);
    // A rule over its own budget is reported above; the total is news only without one.
    if (total > SCHEMA_COST_LIMIT && !overOne) {
      const top = [...costs]
        .filter((c) => c.total >= SCHEMA_COST_LIMIT / 100)
        .sort((a, b) => b.total - a.total)
        .slice(0, 4)
        .map((c) => `${quote(c.rule.rule)}${c.expression === "messageExpression" ? " (its messageExpression)" : ""} at ${c.path}: ${formatNumber(c.total)}`);
      diagnostics.error(
        CelCode.costBudget,
        `the CEL rules of ${site.label} together cost an estimated ${formatNumber(total)}, ${exceeds(total, SCHEMA_COST_LIMIT)} ` +
          `the API server's budget of ${formatNumber(SCHEMA_COST_LIMIT)} per CRD version, and it rejects the CRD`,
        site.location,
        top.length > 0 ? `the most expensive: ${top.join("; ")}` : undefined,
      );
    }
  }
}

function describeCost(c: RuleCost): string {
  if (c.cardinality <= 1) return formatNumber(c.total);
  const why = c.estimated
    ? "the most copies of its node that fit in a request, below a list or map without maxItems/maxProperties"
    : "the maxItems/maxProperties of the lists and maps above it";
  return `${formatNumber(c.cost)} per evaluation × ${formatNumber(c.cardinality)} evaluations (${why}) = ${formatNumber(c.total)}`;
}

function boundsHint(hints: readonly string[], c: RuleCost): string {
  const bounds = hints.length > 0 ? hints.join("; ") : "bound the lists, maps and strings it reads with MaxItems, MaxProperties and MaxLength";
  const above = c.estimated && c.cardinality > 1 ? "; and bound the list or map above the rule's field" : "";
  return `${bounds}${above}, or simplify the rule`;
}

/** "1.006632 times", "3.4 times", "more than 100 times", as the API server words the factor. */
function exceeds(cost: number, limit: number): string {
  const f = cost / limit;
  if (f > 100) return "more than 100 times";
  if (f < 1.5) return `${f.toFixed(6)} times`;
  return `${f.toFixed(1)} times`;
}

/** 6,291,453; past a quadrillion, where doubles lose the units, 1.8e18. */
function formatNumber(n: number): string {
  if (n >= 1e15) return n.toExponential(1).replace("+", "");
  return Math.round(n).toLocaleString("en-US");
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);
}
