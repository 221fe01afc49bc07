import { describe, expect, it } from "vitest";
import { buildWebhooks, WEBHOOK_DIAGNOSTIC } from "../../../src/generator/webhook/index.js";
import { strategicMerge } from "../../../src/generator/webhook/strategic-merge.js";
import { toYaml } from "../../../src/output/yaml.js";
import { markersFrom } from "./markers-from.js";

const BASE =
  "// +kubebuilder:webhook:path=/mutate-apps-v1-deployment,mutating=true,failurePolicy=fail,sideEffects=None," +
  "groups=apps,resources=deployments,verbs=create;update,versions=v1,name=mdeployment.example.com," +
  "admissionReviewVersions=v1,timeoutSeconds=10,matchPolicy=Equivalent";

function withPatch(patch: string, base = BASE): string {
  return `${base},patch=\`${patch}\``;
}

function build(line: string) {
  const { markers, diagnostics } = markersFrom(line);
  expect(diagnostics.all()).toEqual([]);
  const docs = buildWebhooks(markers, diagnostics);
  return { webhook: docs[0]?.webhooks[0], diagnostics: diagnostics.all() };
}

/** Expects the patch to fail with these messages (after `webhook <name>: `), all at `patch=`. */
function expectPatchErrors(line: string, code: string, ...messages: string[]): void {
  const { webhook, diagnostics } = build(line);
  const column = line.indexOf(",patch=") + 2;
  expect(diagnostics.map((d) => [d.code, `${d.location?.line}:${d.location?.column}`, d.message])).toEqual(
    messages.map((m) => [code, `1:${column}`, `webhook mdeployment.example.com: ${m}`]),
  );
  expect(webhook).toBeUndefined();
}

describe("webhook patch", () => {
  it("adds a namespaceSelector", () => {
    const { webhook, diagnostics } = build(
      withPatch('{"namespaceSelector":{"matchLabels":{"webhooks.example.com/enabled":"true"}}}'),
    );
    expect(diagnostics).toEqual([]);
    expect(webhook?.namespaceSelector).toEqual({ matchLabels: { "webhooks.example.com/enabled": "true" } });
  });

  it("prints the patched fields in controller-gen's YAML", () => {
    const { markers, diagnostics } = markersFrom(
      "// +kubebuilder:webhook:path=/validate--v1-configmap,mutating=false,failurePolicy=fail,sideEffects=None," +
        'groups="",resources=configmaps,verbs=create;update,versions=v1,name=vconfigmap.example.com,' +
        'admissionReviewVersions=v1,patch=`{"namespaceSelector":{"matchLabels":{"guarded":"true"}}}`',
    );
    expect(toYaml(buildWebhooks(markers, diagnostics))).toBe(`---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: validating-webhook-configuration
webhooks:
- admissionReviewVersions:
  - v1
  clientConfig:
    service:
      name: webhook-service
      namespace: system
      path: /validate--v1-configmap
  failurePolicy: Fail
  name: vconfigmap.example.com
  namespaceSelector:
    matchLabels:
      guarded: "true"
  rules:
  - apiGroups:
    - ""
    apiVersions:
    - v1
    operations:
    - CREATE
    - UPDATE
    resources:
    - configmaps
  sideEffects: None
`);
    expect(diagnostics.all()).toEqual([]);
  });

  it("adds an objectSelector with matchExpressions and overrides timeoutSeconds", () => {
    const { webhook, diagnostics } = build(
      withPatch(
        '{"objectSelector":{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["batch"]}]},"timeoutSeconds":25}',
      ),
    );
    expect(diagnostics).toEqual([]);
    expect(webhook?.objectSelector).toEqual({
      matchExpressions: [{ key: "tier", operator: "NotIn", values: ["batch"] }],
    });
    expect(webhook?.timeoutSeconds).toBe(25);
  });

  it("merges objects key by key and removes keys set to null", () => {
    const { webhook, diagnostics } = build(withPatch('{"clientConfig":{"service":{"port":8443}},"matchPolicy":null}'));
    expect(diagnostics).toEqual([]);
    expect(webhook?.clientConfig).toEqual({
      service: { name: "webhook-service", namespace: "system", path: "/mutate-apps-v1-deployment", port: 8443 },
    });
    expect(webhook).not.toHaveProperty("matchPolicy");
  });

  it("replaces lists whole", () => {
    const { webhook } = build(
      withPatch(
        '{"rules":[{"operations":["DELETE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"],"scope":"Namespaced"}]}',
      ),
    );
    expect(webhook?.rules).toEqual([
      { operations: ["DELETE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"], scope: "Namespaced" },
    ]);
  });

  it("replaces an object with $patch: replace", () => {
    const { webhook, diagnostics } = build(
      withPatch('{"clientConfig":{"$patch":"replace","url":"https://hooks.example.com/mutate"}}'),
    );
    expect(diagnostics).toEqual([]);
    expect(webhook?.clientConfig).toEqual({ url: "https://hooks.example.com/mutate" });
  });

  it("merges matchConditions by name, honouring $patch: delete", () => {
    const { webhook, diagnostics } = build(
      withPatch(
        '{"matchConditions":[{"name":"not-system","expression":"!request.namespace.startsWith(\'kube-\')"},{"name":"gone","$patch":"delete"}]}',
      ),
    );
    expect(diagnostics).toEqual([]);
    expect(webhook?.matchConditions).toEqual([
      { name: "not-system", expression: "!request.namespace.startsWith('kube-')" },
    ]);
  });

  it("checks values the patch sets, at the patch", () => {
    expectPatchErrors(
      withPatch(
        '{"timeoutSeconds":45,"rules":[{"operations":["GET"],"apiGroups":["apps"],"apiVersions":["v1"],"resources":["deployments"]}]}',
      ),
      WEBHOOK_DIAGNOSTIC.invalidValue,
      'patch: rules[0].operations "GET" is invalid; expected CREATE, UPDATE, DELETE, CONNECT or *',
      "patch: timeoutSeconds 45 is out of range; expected 1 to 30 seconds",
    );
  });

  it("refuses a patch that leaves both a url and a Service", () => {
    expectPatchErrors(
      withPatch('{"clientConfig":{"url":"https://hooks.example.com/mutate"}}'),
      WEBHOOK_DIAGNOSTIC.invalidValue,
      "patch: clientConfig must have exactly one of url and service, found both",
    );
  });

  const refused: [string, string, string[]][] = [
    ["invalid JSON", "{namespaceSelector: {}}", ["patch: not valid JSON ("]],
    ["a JSON array", "[1]", ['patch: expected a JSON object of webhook fields, such as {"namespaceSelector": {...}}']],
    [
      "an unknown field",
      '{"namespaceSelectors":{}}',
      ['patch: namespaceSelectors: unknown field (did you mean "namespaceSelector"?)'],
    ],
    [
      "an unknown nested field",
      '{"objectSelector":{"matchLabel":{"a":"b"}}}',
      ['patch: objectSelector.matchLabel: unknown field (did you mean "matchLabels"?)'],
    ],
    [
      "a field of the wrong type",
      '{"timeoutSeconds":"25"}',
      ['patch: timeoutSeconds: expected a 32-bit integer, got string "25"'],
    ],
    [
      "a label of the wrong type",
      '{"namespaceSelector":{"matchLabels":{"on":true}}}',
      ["patch: namespaceSelector.matchLabels.on: expected a string, got boolean true"],
    ],
    [
      "bad base64 in caBundle",
      '{"clientConfig":{"caBundle":"not base64!"}}',
      ['patch: clientConfig.caBundle: expected base64 text, got string "not base64!"'],
    ],
    [
      "removing a required field",
      '{"admissionReviewVersions":null}',
      ["patch: admissionReviewVersions: missing; the field is required"],
    ],
    [
      "an unsupported directive",
      '{"$retainKeys":["name"]}',
      [
        "patch: the strategic merge directive $retainKeys is not supported; write the fields to set, or null to remove one",
      ],
    ],
    [
      "an unknown $patch",
      '{"namespaceSelector":{"$patch":"keep"}}',
      ['patch: namespaceSelector: unknown $patch directive "keep"; expected replace, delete or merge'],
    ],
    [
      "deleting the webhook",
      '{"$patch":"delete"}',
      ['patch: deletes the whole webhook ("$patch": "delete"); remove the marker instead'],
    ],
    [
      "a matchCondition without a name",
      '{"matchConditions":[{"expression":"true"}]}',
      ['patch: matchConditions[0]: "name" must be given as a string: the list is merged by name'],
    ],
    ["a constructor key", '{"constructor":"x"}', ["patch: constructor: unknown field; expected one of"]],
    [
      "a __proto__ key",
      '{"__proto__":{"x":1}}',
      [
        "patch: __proto__: unknown field; expected one of admissionReviewVersions, clientConfig, failurePolicy, matchConditions, matchPolicy, name, namespaceSelector, objectSelector, reinvocationPolicy, rules, sideEffects, timeoutSeconds",
      ],
    ],
  ];
  it.each(refused)("refuses %s", (_what, patch, messages) => {
    const line = withPatch(patch);
    const { diagnostics, webhook } = build(line);
    expect(webhook).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(messages.map(() => WEBHOOK_DIAGNOSTIC.patch));
    diagnostics.forEach((d, i) => {
      expect(d.message.startsWith(`webhook mdeployment.example.com: ${messages[i]}`), d.message).toBe(true);
      expect(d.location).toMatchObject({ line: 1, column: line.indexOf(",patch=") + 2 });
    });
  });

  it("refuses reinvocationPolicy in the patch of a validating webhook", () => {
    const { diagnostics } = build(
      withPatch('{"reinvocationPolicy":"IfNeeded"}', BASE.replace("mutating=true", "mutating=false")),
    );
    expect(diagnostics.map((d) => d.message)).toEqual([
      "webhook mdeployment.example.com: patch: reinvocationPolicy: a validating webhook has no reinvocationPolicy; only mutating webhooks are reinvoked",
    ]);
  });

  it("still checks the other arguments when the patch is refused", () => {
    const line = withPatch("{oops", BASE.replace("failurePolicy=fail", "failurePolicy=sometimes"));
    const { diagnostics } = build(line);
    expect(diagnostics.map((d) => [d.code, d.location?.column])).toEqual([
      [WEBHOOK_DIAGNOSTIC.invalidValue, line.indexOf("failurePolicy=") + 1],
      [WEBHOOK_DIAGNOSTIC.patch, line.indexOf(",patch=") + 2],
    ]);
  });

  it("leaves the webhook as built when the patch is an empty string", () => {
    expect(build(`${BASE},patch=""`).webhook).toEqual(build(BASE).webhook);
  });
});

describe("strategicMerge", () => {
  it("does not modify its inputs", () => {
    const original = { a: { b: 1, c: [1, 2] } };
    const patch = { a: { b: null, c: [3] } };
    expect(strategicMerge(original, patch)).toEqual({ a: { c: [3] } });
    expect(original).toEqual({ a: { b: 1, c: [1, 2] } });
    expect(patch).toEqual({ a: { b: null, c: [3] } });
  });

  it("drops nulls inside new objects and list elements", () => {
    expect(strategicMerge({}, { s: { x: null, y: 1 }, l: [{ k: null, v: 2 }] })).toEqual({
      s: { y: 1 },
      l: [{ v: 2 }],
    });
  });

  it("replaces a merged list with $patch: replace among its elements", () => {
    const original = { matchConditions: [{ name: "a", expression: "true" }] };
    expect(
      strategicMerge(original, { matchConditions: [{ $patch: "replace" }, { name: "b", expression: "false" }] }),
    ).toEqual({
      matchConditions: [{ name: "b", expression: "false" }],
    });
    expect(
      strategicMerge(original, {
        matchConditions: [
          { name: "a", expression: "false" },
          { name: "c", expression: "1 == 1" },
        ],
      }),
    ).toEqual({
      matchConditions: [
        { name: "a", expression: "false" },
        { name: "c", expression: "1 == 1" },
      ],
    });
  });
});
