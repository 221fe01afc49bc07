import { describe, expect, it } from "vitest";
import { describeArgType, MarkerRegistry, parseMarker, type MarkerDefinition } from "../../../src/markers/index.js";
import {
  WEBHOOK_CONFIGURATION_MARKER,
  WEBHOOK_MARKER,
  WEBHOOK_MARKERS,
} from "../../../src/markers/definitions/webhook.js";

const registry = new MarkerRegistry(WEBHOOK_MARKERS);
const at = { file: "/p/internal/webhook/v1/pod-webhook.ts", line: 7, column: 4 };

function definition(name: string): MarkerDefinition {
  const d = WEBHOOK_MARKERS.find((m) => m.name === name);
  if (!d) throw new Error(`no definition ${name}`);
  return d;
}

/** name -> `type` or `type?` (optional), in declaration order. */
function signature(name: string): Record<string, string> {
  const shape = definition(name).shape;
  if (shape.kind !== "args") throw new Error(`${name} does not take arguments`);
  return Object.fromEntries(shape.args.map((a) => [a.name, `${describeArgType(a.type)}${a.optional ? "?" : ""}`]));
}

describe("webhook marker definitions", () => {
  it("declares +kubebuilder:webhook with controller-tools' arguments, types and optionality", () => {
    expect(signature(WEBHOOK_MARKER)).toEqual({
      mutating: "bool",
      failurePolicy: "string",
      matchPolicy: "string?",
      sideEffects: "string?",
      timeoutSeconds: "int?",
      groups: "[]string",
      resources: "[]string",
      verbs: "[]string",
      versions: "[]string",
      name: "string",
      serviceName: "string?",
      serviceNamespace: "string?",
      path: "string?",
      servicePort: "int?",
      webhookVersions: "[]string?",
      admissionReviewVersions: "[]string",
      reinvocationPolicy: "string?",
      url: "string?",
      patch: "string?",
    });
  });

  it("declares +kubebuilder:webhookconfiguration with mutating and an optional name", () => {
    expect(signature(WEBHOOK_CONFIGURATION_MARKER)).toEqual({ mutating: "bool", name: "string?" });
  });

  it("puts both in the Webhook category, counting anywhere in a file, each argument with help", () => {
    for (const d of WEBHOOK_MARKERS) {
      expect(d.targets).toEqual(["file"]);
      expect(d.category).toBe("Webhook");
      expect(d.help).not.toBe("");
      if (d.shape.kind === "args") for (const a of d.shape.args) expect(a.help, `${d.name} ${a.name}`).toBeTruthy();
    }
  });

  it("parses a kubebuilder-scaffolded webhook marker, the first argument after a colon", () => {
    const text =
      "kubebuilder:webhook:path=/validate--v1-pod,mutating=false,failurePolicy=fail,sideEffects=None," +
      'groups="",resources=pods,verbs=create;update,versions=v1,name=vpod-v1.kb.io,admissionReviewVersions=v1';
    const outcome = parseMarker(text, at, "file", registry);
    expect(outcome.kind).toBe("marker");
    if (outcome.kind !== "marker") return;
    expect(outcome.marker.name).toBe(WEBHOOK_MARKER);
    expect(outcome.marker.value).toEqual({
      path: "/validate--v1-pod",
      mutating: false,
      failurePolicy: "fail",
      sideEffects: "None",
      groups: [""],
      resources: ["pods"],
      verbs: ["create", "update"],
      versions: ["v1"],
      name: "vpod-v1.kb.io",
      admissionReviewVersions: ["v1"],
    });
  });

  it("parses integers, a quoted url and a backquoted JSON patch", () => {
    const text =
      'kubebuilder:webhook:url="https://hooks.example.com:8443/mutate",mutating=true,failurePolicy=ignore,' +
      "groups=apps,resources=deployments,verbs=create,versions=v1,name=mdeploy.example.com," +
      "admissionReviewVersions={v1,v1beta1},timeoutSeconds=5,servicePort=9443," +
      'patch=`{"objectSelector":{"matchLabels":{"tier":"web"}}}`';
    const outcome = parseMarker(text, at, "file", registry);
    if (outcome.kind !== "marker") throw new Error(JSON.stringify(outcome));
    expect(outcome.marker.value).toMatchObject({
      url: "https://hooks.example.com:8443/mutate",
      admissionReviewVersions: ["v1", "v1beta1"],
      timeoutSeconds: 5,
      servicePort: 9443,
      patch: '{"objectSelector":{"matchLabels":{"tier":"web"}}}',
    });
  });

  it("parses +kubebuilder:webhookconfiguration:mutating=...,name=...", () => {
    const outcome = parseMarker("kubebuilder:webhookconfiguration:mutating=false,name=pod-guard", at, "file", registry);
    if (outcome.kind !== "marker") throw new Error(JSON.stringify(outcome));
    expect(outcome.marker.name).toBe(WEBHOOK_CONFIGURATION_MARKER);
    expect(outcome.marker.value).toEqual({ mutating: false, name: "pod-guard" });
  });

  it("reports missing required arguments, as controller-gen does for admissionReviewVersions", () => {
    const outcome = parseMarker(
      "kubebuilder:webhook:path=/mutate,mutating=true,failurePolicy=fail,groups=apps,resources=deployments,verbs=create,versions=v1,name=m.example.com",
      at,
      "file",
      registry,
    );
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.diagnostic.message).toContain('missing argument "admissionReviewVersions"');
    expect(outcome.diagnostic.location?.line).toBe(7);
  });

  it("suggests the argument meant by a misspelt one", () => {
    const outcome = parseMarker("kubebuilder:webhook:mutating=true,failurePolcy=fail", at, "file", registry);
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.diagnostic.message).toContain('unknown argument "failurePolcy" (did you mean "failurePolicy"?)');
    expect(outcome.diagnostic.location?.column).toBe(at.column + 1 + "kubebuilder:webhook:mutating=true,".length);
  });

  it("refuses a value of the wrong type", () => {
    const outcome = parseMarker(
      "kubebuilder:webhook:mutating=yes,failurePolicy=fail,groups=a,resources=b,verbs=create,versions=v1,name=a.b.c,admissionReviewVersions=v1",
      at,
      "file",
      registry,
    );
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.diagnostic.message).toContain('expected true or false, got "yes"');
  });

  it("is a file marker only: on a type it is an error that says where it belongs", () => {
    const outcome = parseMarker("kubebuilder:webhookconfiguration:mutating=true", at, "type", registry);
    expect(outcome.kind).toBe("error");
    if (outcome.kind !== "error") return;
    expect(outcome.diagnostic.message).toContain("anywhere in a file");
  });
});
