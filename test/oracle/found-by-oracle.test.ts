import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DiagnosticList } from "../../src/diagnostics/index.js";
import { GENERATE_TARGETS, generateManifests } from "../../src/generator/index.js";
import type { JSONSchemaProps } from "../../src/model/index.js";

/**
 * What controller-gen writes for two corpus cases where kb used to differ, checked on kb
 * alone, so that the fixes hold where Go and controller-gen are not installed (the oracle
 * test is skipped there). See docs/controller-gen-differences.md, "Fixed in kb".
 */
function rootSchema(caseName: string): JSONSchemaProps {
  const diagnostics = new DiagnosticList();
  const files = generateManifests(
    {
      paths: [join(import.meta.dirname, "../../fixtures/oracle/ts", caseName)],
      targets: ["crd"],
      crdDir: "/out/crd",
      rbacDir: "/out/rbac",
      webhookDir: "/out/webhook",
      roleName: "manager-role",
      kbVersion: "0.0.0-test",
    },
    diagnostics,
  );
  expect(diagnostics.errors()).toEqual([]);
  return parse(files[0]!.content).spec.versions[0].schema.openAPIV3Schema as JSONSchemaProps;
}

const messages = (s: JSONSchemaProps | undefined) => (s?.["x-kubernetes-validations"] ?? []).map((r) => r.message);

describe("kb agrees with controller-gen on", () => {
  it("the rules of the one-of markers, word for word", () => {
    const source = rootSchema("cel").properties!.spec!.properties!.source!;
    expect(source["x-kubernetes-validations"]).toEqual([
      {
        rule: "[has(self.url),has(self.digest)].filter(x,x==true).size() <= 1",
        message: "at most one of the fields in [url digest] may be set",
      },
      {
        rule: "[has(self.image),has(self.url)].filter(x,x==true).size() == 1",
        message: "exactly one of the fields in [image url] must be set",
      },
      {
        rule: "[has(self.image),has(self.digest)].filter(x,x==true).size() >= 1",
        message: "at least one of the fields in [image digest] must be set",
      },
    ]);
  });

  it("the order of CEL rules of embedded types", () => {
    const root = rootSchema("embedding");
    const spec = root.properties!.spec!;
    // A named type: its own rules (immutable fields', then its markers'), then its embeds', last first.
    expect(messages(spec)).toEqual(["field zone is immutable once set", "too big", "at most four tags", "size is not negative"]);
    // A field's markers before its type's; nested embeds outermost first.
    expect(messages(spec.properties!.nested)).toEqual([
      "field rule",
      "field zone is immutable once set",
      "outer rule",
      "mid rule",
      "inner rule",
    ]);
    expect(messages(spec.properties!.nestedList!.items)).toEqual([
      "field zone is immutable once set",
      "outer rule",
      "mid rule",
      "inner rule",
    ]);
    // The kind's root schema: the embedded types' rules before its own.
    expect(messages(root)).toEqual(["audited rule", "kind rule"]);
  });
});
