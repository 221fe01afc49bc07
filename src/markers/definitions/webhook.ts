import { T } from "../grammar/arg-type.js";
import { arg, optionalArg, shape, type MarkerDefinition } from "../definition.js";

/** `+kubebuilder:webhook`: one admission webhook. */
export const WEBHOOK_MARKER = "kubebuilder:webhook";

/** `+kubebuilder:webhookconfiguration`: settings of the configuration object that holds the webhooks. */
export const WEBHOOK_CONFIGURATION_MARKER = "kubebuilder:webhookconfiguration";

const file = ["file"] as const;

/**
 * The webhook markers, with controller-tools' names, argument types and optionality
 * (`pkg/webhook/parser.go`). Both count wherever they stand in a source file.
 *
 * @example
 * ```ts
 * // +kubebuilder:webhook:path=/mutate-batch-example-com-v1-cronjob,mutating=true,failurePolicy=fail,sideEffects=None,groups=batch.example.com,resources=cronjobs,verbs=create;update,versions=v1,name=mcronjob-v1.kb.io,admissionReviewVersions=v1
 * ```
 */
export const WEBHOOK_MARKERS: readonly MarkerDefinition[] = [
  {
    name: WEBHOOK_MARKER,
    targets: file,
    shape: shape.args(
      arg(
        "mutating",
        T.bool,
        "true for a mutating webhook (may change the object; runs before every validating webhook), false for a validating one",
      ),
      arg(
        "failurePolicy",
        T.string,
        "what the API server does when it cannot reach the webhook: fail (reject the request) or ignore (let it through)",
      ),
      optionalArg(
        "matchPolicy",
        T.string,
        "Exact (only requests for the resources as listed) or Equivalent (also requests for the same object through another group or version); left to the API server (Equivalent) when unset",
      ),
      optionalArg(
        "sideEffects",
        T.string,
        "None or NoneOnDryRun: whether a call has effects outside the object, which decides if dry-run requests reach the webhook; required by admissionregistration/v1",
      ),
      optionalArg(
        "timeoutSeconds",
        T.int,
        "seconds the API server waits for an answer, 1 to 30; the API server's default is 10",
      ),
      arg(
        "groups",
        T.list(T.string),
        'API groups of the resources, e.g. batch.example.com; "" or core for the core group; * for all',
      ),
      arg("resources", T.list(T.string), "plural resource names, e.g. cronjobs or pods/status; * for all"),
      arg("verbs", T.list(T.string), "operations that call the webhook: create, update, delete, connect or *"),
      arg("versions", T.list(T.string), "API versions of the resources, e.g. v1; * for all"),
      arg(
        "name",
        T.string,
        "the webhook's name, unique in its configuration and a domain of at least three segments, e.g. mcronjob-v1.kb.io",
      ),
      optionalArg("serviceName", T.string, "the Service in front of the webhook server (default webhook-service)"),
      optionalArg("serviceNamespace", T.string, "the namespace of that Service (default system)"),
      optionalArg(
        "path",
        T.string,
        "the URL path the webhook is served on, e.g. /mutate-batch-example-com-v1-cronjob; give path or url, not both",
      ),
      optionalArg("servicePort", T.int, "the port of the Service; the API server uses 443 when unset"),
      optionalArg(
        "webhookVersions",
        T.list(T.string),
        "versions of the configuration objects to generate; only v1 is supported (the default)",
      ),
      arg(
        "admissionReviewVersions",
        T.list(T.string),
        "AdmissionReview versions the webhook understands, preferred first: v1, or v1;v1beta1",
      ),
      optionalArg(
        "reinvocationPolicy",
        T.string,
        "mutating webhooks only: Never (the API server's default) or IfNeeded, to be called again when a later mutation changes the object",
      ),
      optionalArg(
        "url",
        T.string,
        'an https URL outside the cluster that serves the webhook, quoted: url="https://host:port/path"; replaces the Service, so give neither path nor service*',
      ),
      optionalArg(
        "patch",
        T.string,
        "a JSON strategic merge patch applied to the generated webhook, in backquotes, for fields without an argument: namespaceSelector, objectSelector, matchConditions, ...",
      ),
    ),
    category: "Webhook",
    help: "declares an admission webhook: an entry of the generated Mutating- or ValidatingWebhookConfiguration",
    details:
      "Each marker becomes one webhook in config/webhook/manifests.yaml. Mutating webhooks go to the " +
      "MutatingWebhookConfiguration, the others to the ValidatingWebhookConfiguration, sorted by name. " +
      "The API server calls the webhook through the Service webhook-service in namespace system at `path`, " +
      "or at `url` when given. verbs, failurePolicy, sideEffects, matchPolicy and reinvocationPolicy are " +
      "matched without regard to case and written in the API's spelling (create -> CREATE, fail -> Fail).",
  },
  {
    name: WEBHOOK_CONFIGURATION_MARKER,
    targets: file,
    shape: shape.args(
      arg(
        "mutating",
        T.bool,
        "true to configure the MutatingWebhookConfiguration, false for the ValidatingWebhookConfiguration",
      ),
      optionalArg(
        "name",
        T.string,
        "the configuration object's name (default mutating-webhook-configuration or validating-webhook-configuration)",
      ),
    ),
    category: "Webhook",
    help: "sets the name of the generated MutatingWebhookConfiguration or ValidatingWebhookConfiguration",
    details:
      "At most one marker per kind of configuration (mutating=true, mutating=false) in the whole project. " +
      "It configures the object that holds the webhooks, not the webhooks themselves.",
  },
];
