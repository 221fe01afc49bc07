import { describe, expect, it } from "vitest";
import { buildWebhooks, WEBHOOK_DIAGNOSTIC } from "../../../src/generator/webhook/index.js";
import { markersFrom } from "./markers-from.js";

const FILE = "/project/internal/webhook/v1/cronjob-webhook.ts";

const BASE: Record<string, string> = {
  path: "/validate-batch-example-com-v1-cronjob",
  mutating: "false",
  failurePolicy: "fail",
  sideEffects: "None",
  groups: "batch.example.com",
  resources: "cronjobs",
  verbs: "create;update",
  versions: "v1",
  name: "vcronjob-v1.kb.io",
  admissionReviewVersions: "v1",
};

/** A `// +kubebuilder:webhook:...` line: BASE with `changes` applied (undefined removes an argument). */
function hook(changes: Record<string, string | undefined> = {}): string {
  const args = { ...BASE, ...changes };
  const text = Object.entries(args)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return `// +kubebuilder:webhook:${text}`;
}

/** The 1-based column of argument `arg` in `line`. */
function columnOf(line: string, arg: string): number {
  const i = line.search(new RegExp(`[:,]${arg}=`));
  if (i < 0) throw new Error(`${arg} not in ${line}`);
  return i + 2;
}

function diagnose(...lines: string[]) {
  const { markers, diagnostics } = markersFrom(lines.join("\n"), FILE);
  expect(diagnostics.all()).toEqual([]);
  const docs = buildWebhooks(markers, diagnostics);
  const found = diagnostics.all().map((d) => ({
    severity: d.severity,
    code: d.code,
    at: `${d.location?.line}:${d.location?.column}`,
    message: d.message,
    hint: d.hint,
  }));
  return { docs, found };
}

/** Builds one webhook line and expects exactly one error, at argument `arg`. */
function expectOneError(line: string, arg: string | undefined, code: string, message: string, hint?: string): void {
  const { docs, found } = diagnose(line);
  expect(found).toEqual([{ severity: "error", code, at: `1:${arg ? columnOf(line, arg) : 4}`, message, hint }]);
  expect(docs).toEqual([]);
}

describe("webhook argument errors", () => {
  it("refuses webhookVersions other than v1", () => {
    expectOneError(
      hook({ webhookVersions: "v1beta1" }),
      "webhookVersions",
      WEBHOOK_DIAGNOSTIC.unsupportedVersion,
      'webhook vcronjob-v1.kb.io: webhookVersions: unsupported webhook version "v1beta1"; expected v1',
      "admissionregistration/v1beta1 configurations are no longer generated; remove webhookVersions",
    );
  });

  it("refuses url together with path", () => {
    expectOneError(
      hook({ url: '"https://hooks.example.com/validate"' }),
      "url",
      WEBHOOK_DIAGNOSTIC.clientConfig,
      "webhook vcronjob-v1.kb.io: url and path are mutually exclusive: path is served by the webhook Service, url by a server outside the cluster",
      "keep one of them",
    );
  });

  it("needs one of url and path", () => {
    expectOneError(
      hook({ path: undefined }),
      undefined,
      WEBHOOK_DIAGNOSTIC.clientConfig,
      "webhook vcronjob-v1.kb.io: needs path (served by the webhook Service) or url (served outside the cluster)",
      "e.g. path=/mutate-batch-example-com-v1-cronjob",
    );
  });

  it.each(["serviceName=guard", "serviceNamespace=guard-system", "servicePort=8443"])(
    "refuses %s together with url",
    (setting) => {
      const [arg, value] = setting.split("=") as [string, string];
      expectOneError(
        hook({ path: undefined, url: "https://hooks.example.com/validate", [arg]: value }),
        arg,
        WEBHOOK_DIAGNOSTIC.clientConfig,
        `webhook vcronjob-v1.kb.io: ${arg} cannot be used with url: a webhook is reached either through a Service or at a URL`,
        `remove ${arg}, or replace url with path`,
      );
    },
  );

  it("warns that timeoutSeconds=0 is left out, as controller-gen leaves it out", () => {
    const line = hook({ timeoutSeconds: "0" });
    const { docs, found } = diagnose(line);
    expect(found).toEqual([
      {
        severity: "warning",
        code: WEBHOOK_DIAGNOSTIC.ignoredArgument,
        at: `1:${columnOf(line, "timeoutSeconds")}`,
        message:
          "webhook vcronjob-v1.kb.io: timeoutSeconds=0 is left out of the manifest, as controller-gen does; the API server's default of 10 seconds applies",
        hint: undefined,
      },
    ]);
    expect(docs[0]!.webhooks[0]).not.toHaveProperty("timeoutSeconds");
  });

  it("warns that reinvocationPolicy on a validating webhook is left out", () => {
    const line = hook({ reinvocationPolicy: "IfNeeded" });
    const { docs, found } = diagnose(line);
    expect(found).toEqual([
      {
        severity: "warning",
        code: WEBHOOK_DIAGNOSTIC.ignoredArgument,
        at: `1:${columnOf(line, "reinvocationPolicy")}`,
        message:
          "webhook vcronjob-v1.kb.io: reinvocationPolicy only applies to mutating webhooks; it is left out of this validating webhook",
        hint: undefined,
      },
    ]);
    expect(docs[0]!.webhooks[0]).not.toHaveProperty("reinvocationPolicy");
  });
});

describe("webhook value errors", () => {
  const invalid = WEBHOOK_DIAGNOSTIC.invalidValue;
  const cases: [string, Record<string, string | undefined>, string | undefined, string, string?][] = [
    [
      "an unknown failurePolicy",
      { failurePolicy: "fial" },
      "failurePolicy",
      'failurePolicy "fial" is invalid; expected Fail or Ignore',
      'did you mean "Fail"?',
    ],
    [
      "an unknown matchPolicy",
      { matchPolicy: "Equivalant" },
      "matchPolicy",
      'matchPolicy "Equivalant" is invalid; expected Exact or Equivalent',
      'did you mean "Equivalent"?',
    ],
    [
      "a missing sideEffects",
      { sideEffects: undefined },
      undefined,
      "sideEffects is required by admissionregistration/v1; expected None or NoneOnDryRun",
      "most webhooks have sideEffects=None",
    ],
    [
      "sideEffects=Some",
      { sideEffects: "Some" },
      "sideEffects",
      'sideEffects "Some" is not allowed by admissionregistration/v1; expected None or NoneOnDryRun',
    ],
    [
      "sideEffects=unknown",
      { sideEffects: "unknown" },
      "sideEffects",
      'sideEffects "Unknown" is not allowed by admissionregistration/v1; expected None or NoneOnDryRun',
    ],
    [
      "an unknown sideEffects",
      { sideEffects: "Nonee" },
      "sideEffects",
      'sideEffects "Nonee" is invalid; expected None or NoneOnDryRun',
      'did you mean "None"?',
    ],
    [
      "timeoutSeconds above 30",
      { timeoutSeconds: "31" },
      "timeoutSeconds",
      "timeoutSeconds 31 is out of range; expected 1 to 30 seconds",
    ],
    [
      "a negative timeoutSeconds",
      { timeoutSeconds: "-1" },
      "timeoutSeconds",
      "timeoutSeconds -1 is out of range; expected 1 to 30 seconds",
    ],
    [
      "an unknown verb",
      { verbs: "create;patch" },
      "verbs",
      'verbs "patch" is invalid; expected CREATE, UPDATE, DELETE, CONNECT or *',
    ],
    [
      "a misspelt verb",
      { verbs: "craete" },
      "verbs",
      'verbs "craete" is invalid; expected CREATE, UPDATE, DELETE, CONNECT or *',
      'did you mean "CREATE"?',
    ],
    ["no verbs", { verbs: "" }, "verbs", "verbs is empty; expected some of CREATE, UPDATE, DELETE, CONNECT or *"],
    [
      "no groups",
      { groups: "{}" },
      "groups",
      'groups is empty; expected API groups ("" for the core group, * for all)',
    ],
    ["no resources", { resources: "" }, "resources", "resources is empty; expected resource names (* for all)"],
    [
      "an empty version",
      { versions: '{v1,""}' },
      "versions",
      "versions holds an empty entry; expected API versions (* for all)",
    ],
    [
      "a name of two segments",
      { name: "vcronjob.io" },
      "name",
      'name "vcronjob.io" is not a fully qualified name; expected a lowercase domain of at least three dot-separated segments',
      "e.g. mcronjob-v1.kb.io",
    ],
    [
      "a name with capitals",
      { name: "VCronJob.kb.io" },
      "name",
      'name "VCronJob.kb.io" is not a fully qualified name; expected a lowercase domain of at least three dot-separated segments',
      "e.g. mcronjob-v1.kb.io",
    ],
    [
      "a path without a leading slash",
      { path: "validate-cronjob" },
      "path",
      'path "validate-cronjob" does not start with "/"',
      'write "/validate-cronjob"',
    ],
    [
      "servicePort out of range",
      { servicePort: "70000" },
      "servicePort",
      "servicePort 70000 is out of range; expected 1 to 65535",
    ],
    [
      "no admissionReviewVersions",
      { admissionReviewVersions: "{}" },
      "admissionReviewVersions",
      "admissionReviewVersions is empty; admissionregistration/v1 requires it: expected v1 or v1beta1",
      "e.g. admissionReviewVersions=v1",
    ],
    [
      "unknown admissionReviewVersions",
      { admissionReviewVersions: "v2" },
      "admissionReviewVersions",
      'admissionReviewVersions "v2" holds no version the API server understands; expected v1 or v1beta1',
    ],
    [
      "an unknown reinvocationPolicy",
      { mutating: "true", reinvocationPolicy: "Always" },
      "reinvocationPolicy",
      'reinvocationPolicy "Always" is invalid; expected Never or IfNeeded',
    ],
  ];
  it.each(cases)("reports %s at its argument", (_what, changes, arg, message, hint) => {
    const name = changes.name ?? BASE.name;
    expectOneError(hook(changes), arg, invalid, `webhook ${name}: ${message}`, hint);
  });

  const urls: [string, string][] = [
    ["http://hooks.example.com/validate", "uses http; the API server calls webhooks over https only"],
    ["https://hooks.example.com/validate?x=1", "has a query, which the API server refuses"],
    ["https://hooks.example.com/validate#top", "has a fragment, which the API server refuses"],
    ["https://admin:secret@hooks.example.com/validate", "holds user information, which the API server refuses"],
    ["hooks.example.com/validate", "is not a URL; expected https://host[:port]/path"],
  ];
  it.each(urls)("reports url %s", (url, problem) => {
    expectOneError(
      hook({ path: undefined, url: JSON.stringify(url) }),
      "url",
      invalid,
      `webhook vcronjob-v1.kb.io: url ${JSON.stringify(url)} ${problem}`,
      'e.g. url="https://webhook.example.com:9443/mutate-pods"',
    );
  });

  it("reports every problem of a marker at once and keeps the other webhooks", () => {
    const bad = hook({ failurePolicy: "never", timeoutSeconds: "60", verbs: "create;list" });
    const good = hook({ name: "vother.kb.io" });
    const { docs, found } = diagnose(bad, good);
    expect(found.map((f) => [f.at, f.message.split(": ")[1]!.split(" ")[0]])).toEqual([
      [`1:${columnOf(bad, "failurePolicy")}`, "failurePolicy"],
      [`1:${columnOf(bad, "verbs")}`, "verbs"],
      [`1:${columnOf(bad, "timeoutSeconds")}`, "timeoutSeconds"],
    ]);
    expect(docs[0]!.webhooks.map((w) => w.name)).toEqual(["vother.kb.io"]);
  });
});

describe("webhook names and configurations", () => {
  it("refuses two webhooks of one name in a configuration, at the later one", () => {
    const first = hook();
    const second = hook({ sideEffects: "NoneOnDryRun" });
    const { docs, found } = diagnose(first, second);
    expect(found).toEqual([
      {
        severity: "error",
        code: WEBHOOK_DIAGNOSTIC.duplicateName,
        at: `2:${columnOf(second, "name")}`,
        message: `webhook vcronjob-v1.kb.io: the ValidatingWebhookConfiguration already has a webhook of this name, declared at ${FILE}:1:4`,
        hint: "webhook names must be unique within a configuration; rename one",
      },
    ]);
    expect(docs).toHaveLength(1);
  });

  it("allows a mutating and a validating webhook of the same name", () => {
    const { docs, found } = diagnose(hook(), hook({ mutating: "true" }));
    expect(found).toEqual([]);
    expect(docs.map((d) => d.webhooks[0]!.name)).toEqual(["vcronjob-v1.kb.io", "vcronjob-v1.kb.io"]);
  });

  it("refuses a second configuration marker of the same kind", () => {
    const { docs, found } = diagnose(
      "// +kubebuilder:webhookconfiguration:mutating=false,name=first",
      "// +kubebuilder:webhookconfiguration:mutating=false,name=second",
      hook(),
    );
    expect(found).toEqual([
      {
        severity: "error",
        code: WEBHOOK_DIAGNOSTIC.duplicateConfiguration,
        at: "2:4",
        message: `duplicate +kubebuilder:webhookconfiguration for the ValidatingWebhookConfiguration (mutating=false); the first is at ${FILE}:1:4`,
        hint: "keep one marker per configuration",
      },
    ]);
    expect(docs[0]!.metadata.name).toBe("first");
  });

  it("refuses a configuration name that is not an object name", () => {
    const line = "// +kubebuilder:webhookconfiguration:mutating=false,name=Cron_Validator";
    const { found } = diagnose(line, hook());
    expect(found).toEqual([
      {
        severity: "error",
        code: WEBHOOK_DIAGNOSTIC.invalidValue,
        at: `1:${columnOf(line, "name")}`,
        message:
          '+kubebuilder:webhookconfiguration name "Cron_Validator" is not a valid object name; expected lowercase letters, digits, "-" and "." (an RFC 1123 subdomain)',
        hint: undefined,
      },
    ]);
  });

  it("warns about a configuration marker with no webhook of its kind", () => {
    const { docs, found } = diagnose("// +kubebuilder:webhookconfiguration:mutating=true,name=defaulters", hook());
    expect(found).toEqual([
      {
        severity: "warning",
        code: WEBHOOK_DIAGNOSTIC.unusedConfiguration,
        at: "1:4",
        message:
          "+kubebuilder:webhookconfiguration configures the MutatingWebhookConfiguration, but no +kubebuilder:webhook declares a mutating webhook, so none is generated",
        hint: undefined,
      },
    ]);
    expect(docs.map((d) => d.kind)).toEqual(["ValidatingWebhookConfiguration"]);
  });
});
