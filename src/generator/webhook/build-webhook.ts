import type { DiagnosticList } from "../../diagnostics/index.js";
import type { Marker } from "../../markers/index.js";
import { applyWebhookPatch } from "./apply-patch.js";
import { checkWebhookValues, type FieldPath } from "./check-webhook.js";
import { MarkerArgs } from "./marker-args.js";
import type { AdmissionWebhook, WebhookClientConfig } from "./types.js";
import {
  DEFAULT_SERVICE_NAME,
  DEFAULT_SERVICE_NAMESPACE,
  FAILURE_POLICIES,
  MATCH_POLICIES,
  OPERATIONS,
  REFUSED_SIDE_EFFECTS,
  REINVOCATION_POLICIES,
  SIDE_EFFECTS,
  SUPPORTED_WEBHOOK_VERSIONS,
  WEBHOOK_DIAGNOSTIC,
  canonical,
  orList,
} from "./vocabulary.js";

/** A webhook built from one `+kubebuilder:webhook` marker. */
export interface BuiltWebhook {
  readonly mutating: boolean;
  readonly webhook: AdmissionWebhook;
  readonly marker: Marker;
}

const SERVICE_ARGUMENTS = ["serviceName", "serviceNamespace", "servicePort"] as const;

/**
 * Builds the webhook a `+kubebuilder:webhook` marker declares, as controller-gen's
 * `Config.ToMutatingWebhook`/`ToValidatingWebhook` do: verbs, failurePolicy, matchPolicy,
 * sideEffects and reinvocationPolicy in the API's spelling, group `core` as `""`, the
 * Service `webhook-service` in `system` unless `url` is given, `timeoutSeconds=0` left out,
 * then `patch` applied. Every problem is reported to `diagnostics` at the argument it is
 * about; the webhook is returned only when there is none.
 */
export function buildWebhook(marker: Marker, diagnostics: DiagnosticList): BuiltWebhook | undefined {
  const args = new MarkerArgs(marker);
  const mutating = args.bool("mutating") ?? false;
  const name = args.string("name") ?? "";
  const title = `webhook ${name === "" ? '""' : name}`;
  let failed = false;
  const error = (code: string, argument: string | undefined, message: string, hint?: string): void => {
    failed = true;
    diagnostics.error(code, `${title}: ${message}`, args.location(argument), hint);
  };
  const warn = (argument: string, message: string, hint?: string): void => {
    diagnostics.warn(WEBHOOK_DIAGNOSTIC.ignoredArgument, `${title}: ${message}`, args.location(argument), hint);
  };

  const path = nonEmpty(args.string("path"));
  const url = nonEmpty(args.string("url"));
  checkArguments(args, { mutating, path, url }, { error, warn });

  let webhook = webhookFromArgs(args, { name, mutating, url, path });
  let fromPatch = (_field: string): boolean => false;
  const patch = args.string("patch")?.trim();
  if (patch) {
    const outcome = applyWebhookPatch(webhook, patch, mutating);
    if (outcome.kind === "invalid") {
      // the other arguments are still checked, on the webhook as it stands without the patch
      for (const problem of outcome.problems) error(WEBHOOK_DIAGNOSTIC.patch, "patch", `patch: ${problem}`);
    } else {
      webhook = outcome.webhook;
      fromPatch = outcome.touches;
    }
  }

  checkWebhookValues(webhook, mutating, (field, problem, hint) => {
    const patched = fromPatch(String(field[0]));
    const argument = patched ? "patch" : argumentFor(field);
    const label = patched ? `patch: ${formatPath(field)}` : (argument ?? formatPath(field));
    error(WEBHOOK_DIAGNOSTIC.invalidValue, argument, `${label} ${problem}`, hint);
  });
  return failed ? undefined : { mutating, webhook, marker };
}

/** Reports problems with a webhook marker's arguments. */
interface ArgumentReport {
  error(code: string, argument: string | undefined, message: string, hint?: string): void;
  warn(argument: string, message: string, hint?: string): void;
}

/**
 * Checks what the arguments say together, before any webhook is built: the configuration
 * versions, how the webhook is reached, and arguments that have no effect.
 */
function checkArguments(
  args: MarkerArgs,
  read: { mutating: boolean; path: string | undefined; url: string | undefined },
  report: ArgumentReport,
): void {
  const { mutating, path, url } = read;
  for (const version of args.strings("webhookVersions") ?? []) {
    if (!SUPPORTED_WEBHOOK_VERSIONS.includes(version)) {
      report.error(
        WEBHOOK_DIAGNOSTIC.unsupportedVersion,
        "webhookVersions",
        `webhookVersions: unsupported webhook version ${JSON.stringify(version)}; expected ${orList(SUPPORTED_WEBHOOK_VERSIONS)}`,
        "admissionregistration/v1beta1 configurations are no longer generated; remove webhookVersions",
      );
    }
  }
  if (path !== undefined && url !== undefined) {
    report.error(
      WEBHOOK_DIAGNOSTIC.clientConfig,
      "url",
      "url and path are mutually exclusive: path is served by the webhook Service, url by a server outside the cluster",
      "keep one of them",
    );
  } else if (path === undefined && url === undefined) {
    report.error(
      WEBHOOK_DIAGNOSTIC.clientConfig,
      undefined,
      "needs path (served by the webhook Service) or url (served outside the cluster)",
      "e.g. path=/mutate-batch-example-com-v1-cronjob",
    );
  }
  if (url !== undefined) {
    for (const argument of SERVICE_ARGUMENTS) {
      if (args.has(argument)) {
        report.error(
          WEBHOOK_DIAGNOSTIC.clientConfig,
          argument,
          `${argument} cannot be used with url: a webhook is reached either through a Service or at a URL`,
          `remove ${argument}, or replace url with path`,
        );
      }
    }
  }
  if (args.int("timeoutSeconds") === 0) {
    report.warn(
      "timeoutSeconds",
      "timeoutSeconds=0 is left out of the manifest, as controller-gen does; the API server's default of 10 seconds applies",
    );
  }
  if (!mutating && args.has("reinvocationPolicy")) {
    report.warn(
      "reinvocationPolicy",
      "reinvocationPolicy only applies to mutating webhooks; it is left out of this validating webhook",
    );
  }
}

/** The webhook object the arguments describe, before `patch` and before any check. */
function webhookFromArgs(
  args: MarkerArgs,
  read: { name: string; mutating: boolean; url: string | undefined; path: string | undefined },
): AdmissionWebhook {
  const { name, mutating, url, path } = read;
  const webhook: AdmissionWebhook = {
    name,
    clientConfig: clientConfigFromArgs(args, url, path),
    rules: [
      {
        operations: (args.strings("verbs") ?? []).map((verb) => canonical(verb, OPERATIONS)),
        apiGroups: (args.strings("groups") ?? []).map((group) => (group === "core" ? "" : group)),
        apiVersions: args.strings("versions") ?? [],
        resources: args.strings("resources") ?? [],
      },
    ],
    failurePolicy: canonical(args.string("failurePolicy") ?? "", FAILURE_POLICIES),
    admissionReviewVersions: args.strings("admissionReviewVersions") ?? [],
  };
  const matchPolicy = nonEmpty(args.string("matchPolicy"));
  if (matchPolicy !== undefined) webhook.matchPolicy = canonical(matchPolicy, MATCH_POLICIES);
  const sideEffects = nonEmpty(args.string("sideEffects"));
  if (sideEffects !== undefined)
    webhook.sideEffects = canonical(sideEffects, [...SIDE_EFFECTS, ...REFUSED_SIDE_EFFECTS]);
  const timeoutSeconds = args.int("timeoutSeconds");
  if (timeoutSeconds !== undefined && timeoutSeconds !== 0) webhook.timeoutSeconds = timeoutSeconds;
  const reinvocationPolicy = nonEmpty(args.string("reinvocationPolicy"));
  if (mutating && reinvocationPolicy !== undefined) {
    webhook.reinvocationPolicy = canonical(reinvocationPolicy, REINVOCATION_POLICIES);
  }
  return webhook;
}

function clientConfigFromArgs(
  args: MarkerArgs,
  url: string | undefined,
  path: string | undefined,
): WebhookClientConfig {
  if (url !== undefined && path === undefined) return { url };
  const service: NonNullable<WebhookClientConfig["service"]> = {
    name: nonEmpty(args.string("serviceName")) ?? DEFAULT_SERVICE_NAME,
    namespace: nonEmpty(args.string("serviceNamespace")) ?? DEFAULT_SERVICE_NAMESPACE,
  };
  if (path !== undefined) service.path = path;
  const port = args.int("servicePort");
  if (port !== undefined) service.port = port;
  return { service };
}

/** The marker argument a webhook field comes from, when no patch wrote it. */
function argumentFor(field: FieldPath): string | undefined {
  const [top, , sub] = field;
  if (top === "rules") {
    const byField: Record<string, string> = {
      operations: "verbs",
      apiGroups: "groups",
      apiVersions: "versions",
      resources: "resources",
    };
    return typeof sub === "string" ? byField[sub] : undefined;
  }
  if (top === "clientConfig") {
    const byPath: Record<string, string> = {
      url: "url",
      "service.path": "path",
      "service.port": "servicePort",
      "service.name": "serviceName",
      "service.namespace": "serviceNamespace",
    };
    return byPath[field.slice(1).join(".")];
  }
  return typeof top === "string" ? top : undefined;
}

/** `rules[0].operations` */
function formatPath(field: FieldPath): string {
  return field.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
