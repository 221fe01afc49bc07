import type { AdmissionWebhook, RuleWithOperations, WebhookClientConfig } from "./types.js";
import {
  ADMISSION_REVIEW_VERSIONS,
  FAILURE_POLICIES,
  MATCH_POLICIES,
  OPERATIONS,
  REFUSED_SIDE_EFFECTS,
  REINVOCATION_POLICIES,
  SCOPES,
  SIDE_EFFECTS,
  isDnsSubdomain,
  orList,
  suggestion,
} from "./vocabulary.js";

/** A field of a webhook object: `["rules", 0, "operations"]`. */
export type FieldPath = readonly (string | number)[];

/**
 * Receives a problem with the field at `path`. `problem` reads after the field's name:
 * `"fial" is invalid; expected Fail or Ignore`.
 */
export type ReportProblem = (path: FieldPath, problem: string, hint?: string) => void;

const TIMEOUT_MIN_SECONDS = 1;
const TIMEOUT_MAX_SECONDS = 30;

/**
 * Checks the values of a finished webhook (after any `patch`) against what
 * `admissionregistration/v1` accepts: controller-gen's own checks (sideEffects required and
 * not Some/Unknown, timeoutSeconds from 1 to 30, admissionReviewVersions given, a known
 * matchPolicy) and the API server's (known failure and reinvocation policies and
 * operations, a fully qualified name, an https URL or a Service path starting with `/`).
 */
export function checkWebhookValues(webhook: AdmissionWebhook, mutating: boolean, report: ReportProblem): void {
  checkName(webhook.name, report);
  checkClientConfig(webhook.clientConfig, report);
  webhook.rules?.forEach((rule, i) => checkRule(rule, i, report));
  if (webhook.failurePolicy !== undefined)
    checkEnum(webhook.failurePolicy, FAILURE_POLICIES, ["failurePolicy"], report);
  if (webhook.matchPolicy !== undefined) checkEnum(webhook.matchPolicy, MATCH_POLICIES, ["matchPolicy"], report);
  checkSideEffects(webhook.sideEffects, report);
  const timeout = webhook.timeoutSeconds;
  if (timeout !== undefined && (timeout < TIMEOUT_MIN_SECONDS || timeout > TIMEOUT_MAX_SECONDS)) {
    report(
      ["timeoutSeconds"],
      `${timeout} is out of range; expected ${TIMEOUT_MIN_SECONDS} to ${TIMEOUT_MAX_SECONDS} seconds`,
    );
  }
  checkAdmissionReviewVersions(webhook.admissionReviewVersions, report);
  if (mutating && webhook.reinvocationPolicy !== undefined) {
    checkEnum(webhook.reinvocationPolicy, REINVOCATION_POLICIES, ["reinvocationPolicy"], report);
  }
}

function checkName(name: string, report: ReportProblem): void {
  if (!isDnsSubdomain(name) || name.split(".").length < 3) {
    report(
      ["name"],
      `${JSON.stringify(name)} is not a fully qualified name; expected a lowercase domain of at least three dot-separated segments`,
      "e.g. mcronjob-v1.kb.io",
    );
  }
}

function checkClientConfig(config: WebhookClientConfig, report: ReportProblem): void {
  const { url, service } = config;
  if ((url === undefined) === (service === undefined)) {
    report(
      ["clientConfig"],
      `must have exactly one of url and service, found ${url === undefined ? "neither" : "both"}`,
    );
  }
  if (url !== undefined) {
    const problem = urlProblem(url);
    if (problem)
      report(
        ["clientConfig", "url"],
        `${JSON.stringify(url)} ${problem}`,
        'e.g. url="https://webhook.example.com:9443/mutate-pods"',
      );
  }
  if (service !== undefined) {
    if (service.name === "") report(["clientConfig", "service", "name"], "is empty; expected the Service's name");
    if (service.namespace === "")
      report(["clientConfig", "service", "namespace"], "is empty; expected the Service's namespace");
    if (service.path !== undefined && !service.path.startsWith("/")) {
      report(
        ["clientConfig", "service", "path"],
        `${JSON.stringify(service.path)} does not start with "/"`,
        `write "/${service.path}"`,
      );
    }
    if (service.port !== undefined && (service.port < 1 || service.port > 65535)) {
      report(["clientConfig", "service", "port"], `${service.port} is out of range; expected 1 to 65535`);
    }
  }
}

/** What is wrong with a webhook URL, as the API server sees it; undefined when nothing. */
function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL; expected https://host[:port]/path";
  }
  if (parsed.protocol !== "https:")
    return `uses ${parsed.protocol.slice(0, -1)}; the API server calls webhooks over https only`;
  if (parsed.username !== "" || parsed.password !== "") return "holds user information, which the API server refuses";
  if (parsed.search !== "" || url.includes("?")) return "has a query, which the API server refuses";
  if (parsed.hash !== "" || url.includes("#")) return "has a fragment, which the API server refuses";
  return undefined;
}

function checkRule(rule: RuleWithOperations, i: number, report: ReportProblem): void {
  const at = (field: string): FieldPath => ["rules", i, field];
  if (rule.operations.length === 0) report(at("operations"), `is empty; expected some of ${orList(OPERATIONS)}`);
  for (const op of rule.operations) checkEnum(op, OPERATIONS, at("operations"), report);
  if (rule.apiGroups.length === 0)
    report(at("apiGroups"), 'is empty; expected API groups ("" for the core group, * for all)');
  for (const field of ["apiVersions", "resources"] as const) {
    const values = rule[field];
    if (values.length === 0 || values.includes("")) {
      report(
        at(field),
        `${values.length === 0 ? "is empty" : "holds an empty entry"}; expected ${field === "resources" ? "resource names" : "API versions"} (* for all)`,
      );
    }
  }
  if (rule.scope !== undefined) checkEnum(rule.scope, SCOPES, at("scope"), report);
}

function checkSideEffects(sideEffects: string | undefined, report: ReportProblem): void {
  const expected = `expected ${orList(SIDE_EFFECTS)}`;
  if (sideEffects === undefined) {
    report(
      ["sideEffects"],
      `is required by admissionregistration/v1; ${expected}`,
      "most webhooks have sideEffects=None",
    );
  } else if (REFUSED_SIDE_EFFECTS.includes(sideEffects)) {
    report(["sideEffects"], `${JSON.stringify(sideEffects)} is not allowed by admissionregistration/v1; ${expected}`);
  } else if (!SIDE_EFFECTS.includes(sideEffects)) {
    report(
      ["sideEffects"],
      `${JSON.stringify(sideEffects)} is invalid; ${expected}`,
      suggestion(sideEffects, SIDE_EFFECTS),
    );
  }
}

function checkAdmissionReviewVersions(versions: readonly string[], report: ReportProblem): void {
  if (versions.length === 0) {
    report(
      ["admissionReviewVersions"],
      `is empty; admissionregistration/v1 requires it: expected ${orList(ADMISSION_REVIEW_VERSIONS)}`,
      "e.g. admissionReviewVersions=v1",
    );
  } else if (!versions.some((v) => ADMISSION_REVIEW_VERSIONS.includes(v))) {
    report(
      ["admissionReviewVersions"],
      `${versions.map((v) => JSON.stringify(v)).join(", ")} holds no version the API server understands; expected ${orList(ADMISSION_REVIEW_VERSIONS)}`,
    );
  }
}

function checkEnum(value: string, allowed: readonly string[], path: FieldPath, report: ReportProblem): void {
  if (!allowed.includes(value)) {
    report(path, `${JSON.stringify(value)} is invalid; expected ${orList(allowed)}`, suggestion(value, allowed));
  }
}
