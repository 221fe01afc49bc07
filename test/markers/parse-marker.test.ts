import { describe, expect, it } from "vitest";
import { createMarkerRegistry } from "../../src/markers/definitions/index.js";
import { parseMarker, type MarkerTarget } from "../../src/markers/index.js";

const registry = createMarkerRegistry();
const at = { file: "/p/api/v1/types.ts", line: 7, column: 4 };

function parse(text: string, target: MarkerTarget = "field") {
  return parseMarker(text, at, target, registry);
}

function value(text: string, target: MarkerTarget = "field") {
  const out = parse(text, target);
  if (out.kind !== "marker") throw new Error(`expected a marker, got ${JSON.stringify(out)}`);
  return out.marker.value;
}

function error(text: string, target: MarkerTarget = "field") {
  const out = parse(text, target);
  if (out.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(out)}`);
  return out.diagnostic;
}

describe("marker values", () => {
  it("parses numbers, integers and booleans", () => {
    expect(value("kubebuilder:validation:Minimum=0")).toBe(0);
    expect(value("kubebuilder:validation:Minimum=-1.5")).toBe(-1.5);
    expect(value("kubebuilder:validation:MaxLength=63")).toBe(63);
    expect(value("kubebuilder:validation:UniqueItems=true")).toBe(true);
    expect(value("kubebuilder:object:root=true", "type")).toBe(true);
  });

  it("parses bare, double-quoted and raw strings", () => {
    expect(value("kubebuilder:validation:Pattern=^[a-z]+$")).toBe("^[a-z]+$");
    expect(value('kubebuilder:validation:Pattern="^a\\\\.b$"')).toBe("^a\\.b$");
    expect(value("kubebuilder:validation:Pattern=`^[a-z,]+$`")).toBe("^[a-z,]+$");
    expect(value('kubebuilder:validation:Format="date-time"')).toBe("date-time");
  });

  it("parses legacy and braced lists", () => {
    expect(value("kubebuilder:validation:Enum=Allow;Forbid;Replace")).toEqual(["Allow", "Forbid", "Replace"]);
    expect(value("kubebuilder:validation:Enum={1,2,3}")).toEqual([1, 2, 3]);
    expect(value('kubebuilder:validation:Enum={"a b","c"}')).toEqual(["a b", "c"]);
  });

  it("guesses the type of any-valued markers", () => {
    expect(value("kubebuilder:default=5")).toBe(5);
    expect(value("kubebuilder:default=Allow")).toBe("Allow");
    expect(value("kubebuilder:default=false")).toBe(false);
    expect(value("kubebuilder:default={a,b}")).toEqual(["a", "b"]);
    expect(value("kubebuilder:default={replicas: 1, name: x}")).toEqual({ replicas: 1, name: "x" });
    expect(value('kubebuilder:default={"a":1}')).toEqual({ a: 1 });
    expect(value("kubebuilder:default={}")).toEqual({});
    expect(value('kubebuilder:default=[1,"x"]')).toEqual([1, "x"]);
    expect(value("kubebuilder:default=100Mi")).toBe("100Mi");
    expect(value("kubebuilder:default=a;b")).toEqual(["a", "b"]);
  });

  it("accepts the := spelling of value markers", () => {
    expect(value("kubebuilder:default:=Allow")).toBe("Allow");
    expect(value("kubebuilder:default:=3")).toBe(3);
  });

  it("keeps +default's raw JSON text", () => {
    expect(value('default="ClusterIP"')).toBe('"ClusterIP"');
  });

  it("parses named arguments, including the first one folded into the name", () => {
    expect(value('kubebuilder:printcolumn:name="Schedule",type=string,JSONPath=`.spec.schedule`', "type")).toEqual({
      name: "Schedule",
      type: "string",
      JSONPath: ".spec.schedule",
    });
    expect(value("kubebuilder:resource:scope=Cluster,shortName=cj;cron", "type")).toEqual({
      scope: "Cluster",
      shortName: ["cj", "cron"],
    });
    expect(value('kubebuilder:validation:XValidation:rule="self.a <= self.b",message="a must not exceed b"')).toEqual({
      rule: "self.a <= self.b",
      message: "a must not exceed b",
    });
    expect(value("kubebuilder:resource", "type")).toEqual({});
  });

  it("parses flags", () => {
    expect(value("kubebuilder:subresource:status", "type")).toBe(true);
    expect(value("optional")).toBe(true);
  });
});

describe("marker errors", () => {
  it("names unknown kubebuilder markers, with a suggestion", () => {
    const d = error("kubebuilder:validation:Minimun=1");
    expect(d.message).toBe("unknown marker +kubebuilder:validation:Minimun");
    expect(d.hint).toBe("did you mean +kubebuilder:validation:Minimum?");
    expect(d.location).toEqual(at);
  });

  it("ignores markers of other tools but catches near-typos of ours", () => {
    expect(parse("genclient").kind).toBe("ignored");
    expect(parse("k8s:openapi-gen=true")).toEqual({ kind: "ignored", tool: "openapi-gen" });
    expect(error("optinal").hint).toBe("did you mean +optional?");
  });

  it("accepts and ignores the markers of other Go generators a ported project carries", () => {
    const foreign: [string, MarkerTarget, string][] = [
      ["k8s:deepcopy-gen=package", "package", "deepcopy-gen"],
      ["k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object", "type", "deepcopy-gen"],
      ["k8s:openapi-gen=true", "package", "openapi-gen"],
      ["k8s:conversion-gen=example.com/internal", "package", "conversion-gen"],
      ["k8s:conversion-gen-external-types=example.com/api/v1", "package", "conversion-gen"],
      ["k8s:conversion-gen=false", "field", "conversion-gen"],
      ["k8s:defaulter-gen=TypeMeta", "package", "defaulter-gen"],
      ["k8s:prerelease-lifecycle-gen:introduced=1.30", "type", "prerelease-lifecycle-gen"],
      ["genclient:nonNamespaced", "type", "client-gen"],
      ["genclient:method=GetScale,verb=get,subresource=scale", "type", "client-gen"],
      ["groupGoName=Batch", "package", "client-gen"],
      ["kubebuilder:ac:output:package=applyconfiguration", "package", "controller-gen applyconfiguration"],
      ["protobuf.options.(gogoproto.goproto_stringer)=false", "type", "go-to-protobuf"],
      ["patchMergeKey=name", "field", "openapi-gen"],
      ['operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Size"', "field", "operator-sdk's CSV generator"],
      ["operator-sdk:csv:customresourcedefinitions:resources={{Deployment,v1,app}}", "type", "operator-sdk's CSV generator"],
    ];
    for (const [text, target, tool] of foreign) expect(parse(text, target), text).toEqual({ kind: "ignored", tool });
    expect(parse("kubebuilder:scaffold:imports", "type").kind).toBe("ignored");
    expect(parse("kubebuilder:docs-gen:collapse=Root Object Definitions", "type").kind).toBe("ignored");
    // kb's own definitions of controller-gen's other generators still parse their values.
    expect(parse("kubebuilder:ac:generate=true", "type").kind).toBe("marker");
    expect(error("kubebuilder:object:generate=yes", "package").message).toMatch(/invalid marker/);
  });

  it("keeps misspelt kubebuilder and k8s markers errors beside the foreign ones", () => {
    expect(error("kubebuilder:validation:MaxLenght=3").hint).toBe("did you mean +kubebuilder:validation:MaxLength?");
    expect(error("kubebuilder:printcolum:name=A,type=string,JSONPath=.a", "type").message).toBe(
      "unknown marker +kubebuilder:printcolum:name",
    );
    expect(error("k8s:optinal").hint).toBe("did you mean +k8s:optional?");
    // a name that merely starts like a foreign family is not one
    expect(error("k8s:deepcopygen=package", "package").message).toBe("unknown marker +k8s:deepcopygen");
    expect(error("groupNam=x", "package").hint).toBe("did you mean +groupName?");
  });

  it("refuses a marker on the wrong target", () => {
    const d = error("kubebuilder:subresource:status", "field");
    expect(d.message).toMatch(/cannot be used on a field; it applies to a type/);
  });

  it("points at the bad argument", () => {
    const d = error("kubebuilder:validation:Minimum=abc");
    expect(d.message).toMatch(/expected integer or float/);
    // the value starts after "+kubebuilder:validation:Minimum="
    expect(d.location!.column).toBe(at.column + "+kubebuilder:validation:Minimum=".length);
  });

  it("reports unknown, duplicate and missing arguments", () => {
    expect(error('kubebuilder:printcolumn:name="A",typ=string,JSONPath=.a', "type").message).toMatch(
      /unknown argument "typ" \(did you mean "type"\?\)/,
    );
    expect(error("kubebuilder:printcolumn:name=A,name=B,type=string,JSONPath=.a", "type").message).toMatch(/given twice/);
    expect(error("kubebuilder:printcolumn:name=A", "type").message).toMatch(/missing arguments "type", "JSONPath"/);
  });

  it("refuses values on flags and junk after values", () => {
    expect(error("kubebuilder:subresource:status=true", "type").message).toMatch(/takes no value/);
    expect(error("kubebuilder:validation:Maximum=3 4").message).toMatch(/after the value/);
    expect(error('kubebuilder:validation:Pattern="abc').message).toMatch(/unterminated string/);
  });
});

describe("foreign marker names", () => {
  it("are recognised in time independent of the name's length", () => {
    const long = `k8s:conversion-gen${"-x".repeat(200_000)}`;
    const started = performance.now();
    expect(parse(long, "package")).toEqual({ kind: "ignored", tool: "conversion-gen" });
    expect(parse(`k8s:${"-".repeat(400_000)}`, "package").kind).toBe("error");
    // generous: the quadratic scan this guards against takes minutes here
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
