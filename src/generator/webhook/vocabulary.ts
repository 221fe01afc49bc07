import { closest } from "../../diagnostics/index.js";

/** The file, under the webhook output directory, that holds the configurations. */
export const WEBHOOK_OUTPUT_FILE = "manifests.yaml";

export const ADMISSION_API_VERSION = "admissionregistration.k8s.io/v1";
export const DEFAULT_SERVICE_NAME = "webhook-service";
export const DEFAULT_SERVICE_NAMESPACE = "system";
export const DEFAULT_MUTATING_CONFIGURATION_NAME = "mutating-webhook-configuration";
export const DEFAULT_VALIDATING_CONFIGURATION_NAME = "validating-webhook-configuration";

/** Versions of the configuration objects that can be generated (`webhookVersions`). */
export const SUPPORTED_WEBHOOK_VERSIONS: readonly string[] = ["v1"];

export const FAILURE_POLICIES: readonly string[] = ["Fail", "Ignore"];
export const MATCH_POLICIES: readonly string[] = ["Exact", "Equivalent"];
/** Side-effect classes `admissionregistration/v1` accepts. */
export const SIDE_EFFECTS: readonly string[] = ["None", "NoneOnDryRun"];
/** Side-effect classes of `v1beta1` that `v1` refuses. */
export const REFUSED_SIDE_EFFECTS: readonly string[] = ["Some", "Unknown"];
export const REINVOCATION_POLICIES: readonly string[] = ["Never", "IfNeeded"];
export const OPERATIONS: readonly string[] = ["CREATE", "UPDATE", "DELETE", "CONNECT", "*"];
export const SCOPES: readonly string[] = ["Cluster", "Namespaced", "*"];
/** AdmissionReview versions an API server understands; at least one must be listed. */
export const ADMISSION_REVIEW_VERSIONS: readonly string[] = ["v1", "v1beta1"];

/** The codes of the diagnostics the webhook generator reports. */
export const WEBHOOK_DIAGNOSTIC = {
  /** An argument or patched field has a value the API server would refuse. */
  invalidValue: "webhook-invalid-value",
  /** `path` and `url` both or neither given, or `url` with `service*` arguments. */
  clientConfig: "webhook-client-config",
  /** `webhookVersions` lists a version other than v1. */
  unsupportedVersion: "webhook-unsupported-version",
  /** Two webhooks of one configuration share a name. */
  duplicateName: "webhook-duplicate-name",
  /** `patch` is not JSON, or sets fields a webhook does not have. */
  patch: "webhook-patch",
  /** Two `+kubebuilder:webhookconfiguration` markers configure the same object. */
  duplicateConfiguration: "webhook-duplicate-configuration",
  /** Warning: an argument that has no effect where it stands. */
  ignoredArgument: "webhook-ignored-argument",
  /** Warning: a `+kubebuilder:webhookconfiguration` for a configuration with no webhooks. */
  unusedConfiguration: "webhook-unused-configuration",
} as const;

/**
 * `value` in the spelling of `allowed` when it matches one of them regardless of case
 * (controller-gen's `fail` -> `Fail`, `create` -> `CREATE`), else `value` unchanged.
 */
export function canonical(value: string, allowed: readonly string[]): string {
  const lower = value.toLowerCase();
  return allowed.find((a) => a.toLowerCase() === lower) ?? value;
}

/** `A, B or C` */
export function orList(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? "") : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/** `did you mean "X"?` for a near miss among `allowed`. */
export function suggestion(value: string, allowed: readonly string[]): string | undefined {
  const near = closest(value, allowed);
  return near === undefined ? undefined : `did you mean "${near}"?`;
}

const DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);

/** Whether `name` is a valid object name (an RFC 1123 subdomain). */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}
