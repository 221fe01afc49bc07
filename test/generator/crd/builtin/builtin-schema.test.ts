import { describe, expect, it } from "vitest";
import type { JSONSchemaProps } from "../../../../src/model/index.js";
import { QUANTITY_PATTERN } from "../../../../src/generator/crd/known-types.js";
import {
  BuiltinCatalog,
  builtinSchema,
  goTypeName,
  isBuiltinModel,
  locateClientNodeModels,
} from "../../../../src/generator/crd/builtin/index.js";
import { cpuTimed } from "../../../helpers/cpu-time.js";

const QUANTITY: JSONSchemaProps = {
  anyOf: [{ type: "integer" }, { type: "string" }],
  pattern: QUANTITY_PATTERN,
  "x-kubernetes-int-or-string": true,
};
const INT_OR_STRING: JSONSchemaProps = {
  anyOf: [{ type: "integer" }, { type: "string" }],
  "x-kubernetes-int-or-string": true,
};

/** The schema at a path of property names; `[]` steps into items, `{}` into map values. */
function at(schema: JSONSchemaProps | undefined, path: string): JSONSchemaProps {
  let node = schema;
  for (const step of path.split(".")) {
    if (!node) break;
    if (step === "[]") node = node.items;
    else if (step === "{}")
      node = typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
    else node = node.properties?.[step];
  }
  if (!node) throw new Error(`no schema at ${path}`);
  return node;
}

function mustSchema(name: string): JSONSchemaProps {
  const schema = builtinSchema(name);
  if (!schema) throw new Error(`${name} is not a model`);
  return schema;
}

describe("builtinSchema", () => {
  it("expands V1LocalObjectReference", () => {
    const s = mustSchema("V1LocalObjectReference");
    expect(s.type).toBe("object");
    expect(s.description).toMatch(/^LocalObjectReference contains enough information/);
    expect(Object.keys(s.properties ?? {})).toEqual(["name"]);
    expect(s.properties?.name?.type).toBe("string");
    expect(s.properties?.name?.description).toMatch(/^Name of the referent\./);
    expect(s.required).toBeUndefined();
  });

  it("expands V1ObjectReference: all optional strings", () => {
    const s = mustSchema("V1ObjectReference");
    expect(Object.keys(s.properties ?? {}).sort()).toEqual([
      "apiVersion",
      "fieldPath",
      "kind",
      "name",
      "namespace",
      "resourceVersion",
      "uid",
    ]);
    for (const p of Object.values(s.properties ?? {})) expect(p.type).toBe("string");
    expect(s.required).toBeUndefined();
  });

  it("gives V1ResourceRequirements' limits and requests the Quantity schema", () => {
    const s = mustSchema("V1ResourceRequirements");
    for (const field of ["limits", "requests"]) {
      const map = at(s, field);
      expect(map.type).toBe("object");
      expect(map.additionalProperties).toEqual(QUANTITY);
      expect(map.description).toBeTruthy();
    }
    const claims = at(s, "claims");
    expect(claims.type).toBe("array");
    expect(at(s, "claims.[]").required).toEqual(["name"]);
    // items carry their type's description, as controller-gen's flattening gives them
    expect(at(s, "claims.[]").description).toMatch(/^ResourceClaim references one entry/);
  });

  it("expands V1PodTemplateSpec as controller-gen expands corev1.PodTemplateSpec", () => {
    const s = mustSchema("V1PodTemplateSpec");
    expect(Object.keys(s.properties ?? {})).toEqual(["metadata", "spec"]);
    // ObjectMeta inside a template: just an object
    expect(at(s, "metadata")).toEqual({ type: "object" });

    const spec = at(s, "spec");
    expect(spec.required).toEqual(["containers"]);
    const container = at(spec, "containers.[]");
    expect(container.required).toEqual(["name"]);
    expect(at(container, "name")).toMatchObject({ type: "string" });
    expect(at(container, "args")).toMatchObject({ type: "array", items: { type: "string" } });

    const port = at(container, "ports.[]");
    expect(port.required).toEqual(["containerPort"]);
    expect(at(port, "containerPort")).toMatchObject({ type: "integer", format: "int32" });
    expect(at(port, "hostPort")).toMatchObject({ type: "integer", format: "int32" });

    // a probe's port is an int-or-string; its description in client-node is IntOrString's own
    expect(at(container, "livenessProbe.httpGet.port")).toEqual(INT_OR_STRING);
    expect(at(container, "readinessProbe.tcpSocket.port")).toEqual(INT_OR_STRING);
    expect(at(container, "livenessProbe.httpGet").required).toEqual(["port"]);
    expect(at(container, "livenessProbe.periodSeconds")).toMatchObject({ type: "integer", format: "int32" });

    // quantities, in maps and alone
    expect(at(container, "resources.limits.{}")).toEqual(QUANTITY);
    expect(at(spec, "overhead.{}")).toEqual(QUANTITY);
    expect(at(spec, "volumes.[].emptyDir.sizeLimit")).toMatchObject(QUANTITY);
    expect(at(container, "env.[].valueFrom.resourceFieldRef.divisor")).toMatchObject(QUANTITY);

    // int64, boolean, maps of strings
    expect(at(spec, "activeDeadlineSeconds")).toMatchObject({ type: "integer", format: "int64" });
    expect(at(spec, "hostNetwork")).toMatchObject({ type: "boolean" });
    expect(at(spec, "nodeSelector")).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    // ObjectMeta deeper down, in an ephemeral volume's claim template
    expect(at(spec, "volumes.[].ephemeral.volumeClaimTemplate.metadata")).toEqual({ type: "object" });
    // required lists are sorted
    const volume = at(spec, "volumes.[]");
    expect(volume.required).toEqual(["name"]);
    const keyToPath = at(spec, "volumes.[].configMap.items.[]");
    expect(keyToPath.required).toEqual(["key", "path"]);
  });

  it("gives object-valued fields their type's description when client-node has no field doc", () => {
    const spec = at(mustSchema("V1PodTemplateSpec"), "spec");
    expect(spec.description).toMatch(/^PodSpec is a description of a pod/);
    // fields of plain types keep their own doc
    expect(at(spec, "containers").description).toMatch(/^List of containers belonging to the pod/);
  });

  it("expands V1JobTemplateSpec", () => {
    const s = mustSchema("V1JobTemplateSpec");
    expect(at(s, "metadata")).toEqual({ type: "object" });
    const job = at(s, "spec");
    expect(job.required).toEqual(["template"]);
    expect(at(job, "backoffLimit")).toMatchObject({ type: "integer", format: "int32" });
    expect(at(job, "activeDeadlineSeconds")).toMatchObject({ type: "integer", format: "int64" });
    expect(at(job, "template.metadata")).toEqual({ type: "object" });
    expect(at(job, "template.spec").required).toEqual(["containers"]);
    expect(at(job, "selector.matchLabels")).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    expect(at(job, "selector.matchExpressions.[]").required).toEqual(["key", "operator"]);
    expect(at(job, "podFailurePolicy.rules.[].onExitCodes.values")).toMatchObject({
      type: "array",
      items: { type: "integer", format: "int32" },
    });
  });

  it("maps Date, MicroTime, byte, double and any as controller-gen maps their Go types", () => {
    // metav1.Time
    expect(at(mustSchema("V1JobStatus"), "startTime")).toMatchObject({ type: "string", format: "date-time" });
    // metav1.MicroTime (client-node: date-time-micro)
    expect(at(mustSchema("V1LeaseSpec"), "acquireTime")).toMatchObject({ type: "string", format: "date-time" });
    // []byte, as map values
    expect(at(mustSchema("V1Secret"), "data.{}")).toEqual({ type: "string", format: "byte" });
    // float64
    expect(at(mustSchema("V1JSONSchemaProps"), "maximum")).toMatchObject({ type: "number" });
    // runtime.RawExtension
    expect(at(mustSchema("V1ControllerRevision"), "data")).toMatchObject({
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
    });
    // a top-level ObjectMeta
    expect(builtinSchema("V1ObjectMeta")).toEqual({ type: "object" });
  });

  it("cuts a recursive model where it recurses", () => {
    const s = mustSchema("V1JSONSchemaProps");
    expect(at(s, "properties.{}")).toEqual({ type: "object", "x-kubernetes-preserve-unknown-fields": true });
    expect(at(s, "not")).toMatchObject({ type: "object", "x-kubernetes-preserve-unknown-fields": true });
    // a model that contains it gets the same expansion of it
    const inValidation = at(mustSchema("V1CustomResourceValidation"), "openAPIV3Schema");
    expect(inValidation.properties).toEqual(s.properties);
  });

  it("returns undefined for names that are not client-node models", () => {
    for (const name of ["V1Nope", "string", "IntOrString", "ObjectSerializer", "all", "../models/V1Pod", "", "v1pod"]) {
      expect(builtinSchema(name), name).toBeUndefined();
      expect(isBuiltinModel(name), name).toBe(false);
    }
    expect(isBuiltinModel("V1PodTemplateSpec")).toBe(true);
    expect(isBuiltinModel("CoreV1EndpointPort")).toBe(true);
  });

  it("returns fresh trees that callers may change", () => {
    const first = mustSchema("V1PodTemplateSpec");
    const spec = at(first, "spec");
    // V1Container appears under containers and initContainers: not one shared object
    expect(at(spec, "containers.[]")).not.toBe(at(spec, "initContainers.[]"));
    at(spec, "containers.[].name").type = "integer";
    at(spec, "containers.[]").required = [];
    expect(at(spec, "initContainers.[].name").type).toBe("string");

    const second = mustSchema("V1PodTemplateSpec");
    expect(at(second, "spec.containers.[].name").type).toBe("string");
    expect(at(second, "spec.containers.[]").required).toEqual(["name"]);
    expect(at(mustSchema("V1Container"), "name").type).toBe("string");
  });

  it("is deterministic", () => {
    const dir = locateClientNodeModels();
    const a = new BuiltinCatalog(dir).schema("V1JobTemplateSpec");
    const c = new BuiltinCatalog(dir);
    c.schema("V1Container"); // warm a part first: the whole must not change
    expect(JSON.stringify(c.schema("V1JobTemplateSpec"))).toBe(JSON.stringify(a));
  });

  it("expands V1PodTemplateSpec cold well under a second", () => {
    const catalog = new BuiltinCatalog(locateClientNodeModels());
    // CPU time: a loaded machine stretches wall-clock time, not this process's work.
    const { value: schema, ms: coldMs } = cpuTimed(() => catalog.schema("V1PodTemplateSpec"));
    expect(schema).toBeDefined();
    expect(coldMs).toBeLessThan(400);
    expect(cpuTimed(() => catalog.schema("V1PodTemplateSpec")).ms).toBeLessThan(100);
  });
});

describe("goTypeName", () => {
  it("drops the version prefix of a model name", () => {
    expect(goTypeName("V1ResourceRequirements")).toBe("ResourceRequirements");
    expect(goTypeName("V2MetricTarget")).toBe("MetricTarget");
    expect(goTypeName("V1beta2DeviceCapacity")).toBe("DeviceCapacity");
    expect(goTypeName("V1alpha1VolumeAttributesClass")).toBe("VolumeAttributesClass");
    expect(goTypeName("CoreV1ResourceClaim")).toBe("ResourceClaim");
    expect(goTypeName("AdmissionregistrationV1ServiceReference")).toBe("ServiceReference");
    expect(goTypeName("V2HPAScalingRules")).toBe("HPAScalingRules");
    expect(goTypeName("VersionInfo")).toBe("VersionInfo");
  });
});
