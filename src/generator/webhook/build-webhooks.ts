import { compareLocations, formatLocation, type DiagnosticList } from "../../diagnostics/index.js";
import type { Marker } from "../../markers/index.js";
import { WEBHOOK_CONFIGURATION_MARKER, WEBHOOK_MARKER } from "../../markers/definitions/webhook.js";
import { buildWebhook, type BuiltWebhook } from "./build-webhook.js";
import { MarkerArgs } from "./marker-args.js";
import type { WebhookConfigurationDocument, WebhookConfigurationKind } from "./types.js";
import {
  ADMISSION_API_VERSION,
  DEFAULT_MUTATING_CONFIGURATION_NAME,
  DEFAULT_VALIDATING_CONFIGURATION_NAME,
  WEBHOOK_DIAGNOSTIC,
  isDnsSubdomain,
} from "./vocabulary.js";

interface ConfigurationKind {
  readonly mutating: boolean;
  readonly kind: WebhookConfigurationKind;
  readonly defaultName: string;
  /** "mutating" or "validating", for messages. */
  readonly adjective: string;
}

/** The configurations, in the order controller-gen writes them. */
const KINDS: readonly ConfigurationKind[] = [
  {
    mutating: true,
    kind: "MutatingWebhookConfiguration",
    defaultName: DEFAULT_MUTATING_CONFIGURATION_NAME,
    adjective: "mutating",
  },
  {
    mutating: false,
    kind: "ValidatingWebhookConfiguration",
    defaultName: DEFAULT_VALIDATING_CONFIGURATION_NAME,
    adjective: "validating",
  },
];

/** What a `+kubebuilder:webhookconfiguration` marker sets. */
interface ConfigurationSetting {
  readonly name: string | undefined;
  readonly marker: Marker;
}

/**
 * Builds the documents of `config/webhook/manifests.yaml` from the `+kubebuilder:webhook`
 * and `+kubebuilder:webhookconfiguration` markers among `markers` (others are ignored), as
 * controller-gen's webhook generator does: a MutatingWebhookConfiguration, then a
 * ValidatingWebhookConfiguration, each only when it has webhooks, named
 * `mutating-webhook-configuration` / `validating-webhook-configuration` unless a
 * configuration marker renames it, with its webhooks sorted by name. Problems are reported
 * to `diagnostics` with the location of the marker argument at fault; a webhook with an
 * error is left out. With no webhook markers the result is `[]`.
 *
 * @example
 * ```ts
 * const diagnostics = new DiagnosticList();
 * const docs = buildWebhooks(fileMarkers, diagnostics);
 * diagnostics.throwIfErrors();
 * tree.write(join(webhookDir, WEBHOOK_OUTPUT_FILE), toYaml(docs));
 * ```
 */
export function buildWebhooks(markers: readonly Marker[], diagnostics: DiagnosticList): WebhookConfigurationDocument[] {
  // Source order, whatever order the files were read in: duplicates are reported on the later one.
  const ordered = [...markers].sort((a, b) => compareLocations(a.location, b.location));
  const webhookMarkers = ordered.filter((m) => m.name === WEBHOOK_MARKER);
  const settings = readConfigurationSettings(
    ordered.filter((m) => m.name === WEBHOOK_CONFIGURATION_MARKER),
    diagnostics,
  );
  const built = webhookMarkers
    .map((m) => buildWebhook(m, diagnostics))
    .filter((b): b is BuiltWebhook => b !== undefined);

  const documents: WebhookConfigurationDocument[] = [];
  for (const kind of KINDS) {
    const setting = settings.get(kind.mutating);
    const declared = webhookMarkers.some((m) => (new MarkerArgs(m).bool("mutating") ?? false) === kind.mutating);
    if (!declared) {
      if (setting !== undefined) {
        diagnostics.warn(
          WEBHOOK_DIAGNOSTIC.unusedConfiguration,
          `+${WEBHOOK_CONFIGURATION_MARKER} configures the ${kind.kind}, but no +${WEBHOOK_MARKER} declares a ${kind.adjective} webhook, so none is generated`,
          setting.marker.location,
        );
      }
      continue;
    }
    const members = built.filter((b) => b.mutating === kind.mutating);
    reportDuplicateNames(members, kind, diagnostics);
    if (members.length === 0) continue;
    documents.push({
      apiVersion: ADMISSION_API_VERSION,
      kind: kind.kind,
      metadata: { name: setting?.name ?? kind.defaultName },
      webhooks: [...members].sort((a, b) => compareNames(a.webhook.name, b.webhook.name)).map((b) => b.webhook),
    });
  }
  return documents;
}

/** Reads the configuration markers: at most one per kind, each with a valid object name. */
function readConfigurationSettings(
  markers: readonly Marker[],
  diagnostics: DiagnosticList,
): Map<boolean, ConfigurationSetting> {
  const settings = new Map<boolean, ConfigurationSetting>();
  for (const marker of markers) {
    const args = new MarkerArgs(marker);
    const mutating = args.bool("mutating") ?? false;
    const kind = KINDS.find((k) => k.mutating === mutating)!;
    const first = settings.get(mutating);
    if (first !== undefined) {
      diagnostics.error(
        WEBHOOK_DIAGNOSTIC.duplicateConfiguration,
        `duplicate +${WEBHOOK_CONFIGURATION_MARKER} for the ${kind.kind} (mutating=${mutating}); the first is at ${formatLocation(first.marker.location)}`,
        marker.location,
        "keep one marker per configuration",
      );
      continue;
    }
    const name = args.string("name") || undefined;
    if (name !== undefined && !isDnsSubdomain(name)) {
      diagnostics.error(
        WEBHOOK_DIAGNOSTIC.invalidValue,
        `+${WEBHOOK_CONFIGURATION_MARKER} name ${JSON.stringify(name)} is not a valid object name; expected lowercase letters, digits, "-" and "." (an RFC 1123 subdomain)`,
        args.location("name"),
      );
    }
    settings.set(mutating, { name, marker });
  }
  return settings;
}

/** Webhook names must be unique within a configuration (the API server refuses duplicates). */
function reportDuplicateNames(
  members: readonly BuiltWebhook[],
  kind: ConfigurationKind,
  diagnostics: DiagnosticList,
): void {
  const firstByName = new Map<string, BuiltWebhook>();
  for (const member of members) {
    const name = member.webhook.name;
    const first = firstByName.get(name);
    if (first === undefined) {
      firstByName.set(name, member);
      continue;
    }
    diagnostics.error(
      WEBHOOK_DIAGNOSTIC.duplicateName,
      `webhook ${name}: the ${kind.kind} already has a webhook of this name, declared at ${formatLocation(first.marker.location)}`,
      new MarkerArgs(member.marker).location("name"),
      "webhook names must be unique within a configuration; rename one",
    );
  }
}

/** Byte order, as Go's strings.Compare (names are ASCII). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
