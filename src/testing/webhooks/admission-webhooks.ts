import { isCelError, parse, plan } from "@bufbuild/cel";
import { matchesLabels, type LabelRequirement, type LabelSelector } from "../selectors/label-selector.js";
import { ruleEnv } from "../schema/cel/library.js";
import { toCel, type CelMemo } from "../schema/cel/values.js";
import { isObject, type JsonObject } from "../store/json.js";
import type { ObjectStore } from "../store/object-store.js";

/** One rule of a webhook: which operations on which resources it is called for. */
export interface WebhookRule {
  readonly operations: readonly string[];
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  /** `plural`, `plural/subresource`, `plural/*`, or `*` alone or with a subresource (all resources). */
  readonly resources: readonly string[];
  /** "*", "Cluster" or "Namespaced". */
  readonly scope: string;
}

/** A CEL match condition, compiled (or why it does not compile). */
export interface MatchCondition {
  readonly name: string;
  readonly expression: string;
  readonly program?: ((vars: Record<string, unknown>) => unknown) | undefined;
  readonly compileError?: string | undefined;
}

/**
 * One webhook of a stored Mutating- or ValidatingWebhookConfiguration, with the API
 * server's defaults filled in (failurePolicy Fail, matchPolicy Equivalent, empty selectors,
 * timeoutSeconds 10, reinvocationPolicy Never, scope "*").
 */
export interface AdmissionWebhook {
  readonly type: "mutating" | "validating";
  readonly configuration: string;
  readonly name: string;
  /** `<configuration>/<name>/<n>`: unique even when names repeat. */
  readonly uid: string;
  readonly url?: string | undefined;
  /** `namespace/name` of a Service clientConfig (which the in-process server cannot reach). */
  readonly service?: string | undefined;
  readonly caBundle?: Buffer | undefined;
  readonly rules: readonly WebhookRule[];
  readonly failurePolicy: "Fail" | "Ignore";
  readonly matchPolicy: "Equivalent" | "Exact";
  /** A parsed selector, or why it does not parse (the request then fails with 500). */
  readonly namespaceSelector: LabelSelector | Error;
  readonly objectSelector: LabelSelector | Error;
  readonly sideEffects?: string | undefined;
  readonly timeoutSeconds: number;
  readonly admissionReviewVersions: readonly string[];
  readonly reinvocationPolicy: "Never" | "IfNeeded";
  readonly matchConditions: readonly MatchCondition[];
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

const OPERATORS: Readonly<Record<string, LabelRequirement["operator"]>> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!exists" };

/** A metav1.LabelSelector object (matchLabels, matchExpressions) as a selector; absent or empty selects everything. */
export function labelSelectorOf(value: unknown): LabelSelector | Error {
  if (!isObject(value)) return [];
  const out: LabelRequirement[] = [];
  const labels = isObject(value["matchLabels"]) ? value["matchLabels"] : {};
  for (const key of Object.keys(labels).sort()) out.push({ key, operator: "=", values: [str(labels[key])] });
  const expressions = Array.isArray(value["matchExpressions"]) ? value["matchExpressions"] : [];
  for (const e of expressions) {
    if (!isObject(e)) return new Error("matchExpressions: expected objects");
    const operator = OPERATORS[str(e["operator"])];
    if (!operator) return new Error(`"${str(e["operator"])}" is not a valid label selector operator`);
    const values = strings(e["values"]);
    if ((operator === "in" || operator === "notin") && values.length === 0) return new Error(`values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty`);
    out.push({ key: str(e["key"]), operator, values });
  }
  return out;
}

function compileCondition(name: string, expression: string): MatchCondition {
  try {
    const program = plan(ruleEnv(), parse(expression)) as unknown as (vars: Record<string, unknown>) => unknown;
    return { name, expression, program };
  } catch (e) {
    return { name, expression, compileError: e instanceof Error ? e.message : String(e) };
  }
}

/** Compiled match conditions, by expression (configurations are read again on each request). */
const conditionCache = new Map<string, MatchCondition>();

function conditionOf(value: JsonObject): MatchCondition {
  const name = str(value["name"]);
  const expression = str(value["expression"]);
  const key = `${name}\u0000${expression}`;
  let c = conditionCache.get(key);
  if (!c) {
    c = compileCondition(name, expression);
    if (conditionCache.size > 1000) conditionCache.clear();
    conditionCache.set(key, c);
  }
  return c;
}

function ruleOf(value: JsonObject): WebhookRule {
  return {
    operations: strings(value["operations"]),
    apiGroups: strings(value["apiGroups"]),
    apiVersions: strings(value["apiVersions"]),
    resources: strings(value["resources"]),
    scope: str(value["scope"]) || "*",
  };
}

function webhookOf(type: "mutating" | "validating", configuration: string, value: JsonObject, uid: string): AdmissionWebhook {
  const cc = isObject(value["clientConfig"]) ? value["clientConfig"] : {};
  const service = isObject(cc["service"]) ? cc["service"] : undefined;
  const caBundle = str(cc["caBundle"]);
  const timeout = value["timeoutSeconds"];
  return {
    type,
    configuration,
    name: str(value["name"]),
    uid,
    url: str(cc["url"]) || undefined,
    service: service ? `${str(service["namespace"])}/${str(service["name"])}` : undefined,
    caBundle: caBundle ? Buffer.from(caBundle, "base64") : undefined,
    rules: (Array.isArray(value["rules"]) ? value["rules"] : []).filter(isObject).map(ruleOf),
    failurePolicy: value["failurePolicy"] === "Ignore" ? "Ignore" : "Fail",
    matchPolicy: value["matchPolicy"] === "Exact" ? "Exact" : "Equivalent",
    namespaceSelector: labelSelectorOf(value["namespaceSelector"]),
    objectSelector: labelSelectorOf(value["objectSelector"]),
    sideEffects: typeof value["sideEffects"] === "string" ? value["sideEffects"] : undefined,
    timeoutSeconds: typeof timeout === "number" && timeout > 0 ? timeout : 10,
    admissionReviewVersions: strings(value["admissionReviewVersions"]),
    reinvocationPolicy: value["reinvocationPolicy"] === "IfNeeded" ? "IfNeeded" : "Never",
    matchConditions: (Array.isArray(value["matchConditions"]) ? value["matchConditions"] : []).filter(isObject).map(conditionOf),
  };
}

/**
 * The webhooks of the stored configurations of one type, in the API server's order:
 * configurations by name, then their webhooks in order.
 */
export function storedWebhooks(store: ObjectStore, type: "mutating" | "validating"): AdmissionWebhook[] {
  const res = store.resolve("admissionregistration.k8s.io", "v1", type === "mutating" ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations");
  const configurations = store.list(res).items;
  const out: AdmissionWebhook[] = [];
  for (const c of configurations.sort((a, b) => (configName(a) < configName(b) ? -1 : configName(a) > configName(b) ? 1 : 0))) {
    const name = configName(c);
    const seen = new Map<string, number>();
    for (const w of (Array.isArray(c["webhooks"]) ? c["webhooks"] : []).filter(isObject)) {
      const n = str(w["name"]);
      const count = seen.get(n) ?? 0;
      seen.set(n, count + 1);
      out.push(webhookOf(type, name, w, `${name}/${n}/${count}`));
    }
  }
  return out;
}

function configName(c: JsonObject): string {
  return isObject(c["metadata"]) ? str(c["metadata"]["name"]) : "";
}

/** A group, version and resource, as rules match them. */
export interface Gvr {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** What rule matching looks at. */
export interface RuleRequest {
  readonly operation: string;
  readonly resource: Gvr;
  readonly subresource: string;
  /** The namespace ("" for cluster-scoped objects; a Namespace's own name for Namespaces). */
  readonly namespace: string;
}

const exactOrWildcard = (items: readonly string[], requested: string): boolean => items.some((i) => i === "*" || i === requested);
const isNamespaces = (r: Gvr): boolean => r.group === "" && r.version === "v1" && r.resource === "namespaces";

/** Whether `rule` selects the request, as the API server's rules.Matcher decides. */
export function ruleMatches(rule: WebhookRule, request: RuleRequest): boolean {
  switch (rule.scope) {
    case "*":
      break;
    case "Namespaced":
      if (isNamespaces(request.resource) || request.namespace === "") return false;
      break;
    case "Cluster":
      if (!(isNamespaces(request.resource) || request.namespace === "")) return false;
      break;
    default:
      return false;
  }
  if (!rule.operations.some((op) => op === "*" || op === request.operation)) return false;
  if (!exactOrWildcard(rule.apiGroups, request.resource.group)) return false;
  if (!exactOrWildcard(rule.apiVersions, request.resource.version)) return false;
  return rule.resources.some((r) => {
    const slash = r.indexOf("/");
    const res = slash < 0 ? r : r.slice(0, slash);
    const sub = slash < 0 ? "" : r.slice(slash + 1);
    return (res === "*" || res === request.resource.resource) && (sub === "*" || sub === request.subresource);
  });
}

/** Whether labels match a selector. */
export function selectorMatches(selector: LabelSelector, labels: unknown): boolean {
  const map: Record<string, string> = {};
  if (isObject(labels)) for (const [k, v] of Object.entries(labels)) if (typeof v === "string") map[k] = v;
  return matchesLabels(selector, map);
}

/** The outcome of a webhook's match conditions: call it, skip it, or fail the request with `error`. */
export type ConditionOutcome = { readonly kind: "match" } | { readonly kind: "skip" } | { readonly kind: "error"; readonly error: string };

/**
 * Evaluates a webhook's matchConditions (CEL, with `object`, `oldObject` and `request`; the
 * `authorizer` variable is not available): any false skips the webhook; errors (with no
 * false) fail the request under failurePolicy Fail and skip the webhook under Ignore.
 */
export function evaluateConditions(webhook: AdmissionWebhook, vars: { object: unknown; oldObject: unknown; request: unknown }): ConditionOutcome {
  if (webhook.matchConditions.length === 0) return { kind: "match" };
  const memo: CelMemo = new WeakMap();
  const input = {
    object: toCel(vars.object ?? null, undefined, false, memo),
    oldObject: toCel(vars.oldObject ?? null, undefined, false, memo),
    request: toCel(vars.request, undefined, false, memo),
  };
  const errors: string[] = [];
  for (const c of webhook.matchConditions) {
    if (!c.program) {
      errors.push(`compilation failed for match condition "${c.name}": ${c.compileError ?? "unknown error"}`);
      continue;
    }
    let result: unknown;
    try {
      result = c.program(input);
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
      continue;
    }
    if (isCelError(result)) {
      errors.push((result as { message?: string }).message ?? String(result));
      continue;
    }
    if (result === false) return { kind: "skip" };
    if (result !== true) errors.push(`match condition "${c.name}" did not evaluate to a bool`);
  }
  if (errors.length === 0) return { kind: "match" };
  if (webhook.failurePolicy === "Ignore") return { kind: "skip" };
  return { kind: "error", error: errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]` };
}
