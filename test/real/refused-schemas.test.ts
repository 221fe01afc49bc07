// What kb refuses or writes because the API server does: each schema below is what
// controller-gen v0.21.0 writes for the marker named, dry-run applied to a real
// kube-apiserver. The refusals are kb's errors at generation (src/generator/crd/structural.ts,
// apply-markers.ts); the acceptance is the empty subresources kb now writes as controller-gen.
import { describe, expect, it } from "vitest";
import { skipReal } from "../helpers/real-kubernetes.js";
import { realApiForSuite, serverMessage, type CrdDocument } from "./real-api.js";

/** A CRD of kind Probe whose spec has one property `field`, and `version` merged into its version. */
function crd(field: Record<string, unknown>, version: Record<string, unknown> = {}): CrdDocument {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "probes.refused.example.com" },
    spec: {
      group: "refused.example.com",
      scope: "Namespaced",
      names: { kind: "Probe", plural: "probes", singular: "probe", listKind: "ProbeList" } as CrdDocument["spec"]["names"],
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", properties: { field } } },
            },
          },
          ...version,
        } as CrdDocument["spec"]["versions"][number],
      ],
    },
  };
}

describe.skipIf(skipReal("schemas the API server refuses"))("schemas the API server refuses", () => {
  const real = realApiForSuite();


  async function refusal(doc: CrdDocument): Promise<string> {
    try {
      await real.api.applyCrd(doc, { dryRun: true });
    } catch (e) {
      return serverMessage(e);
    }
    return "accepted";
  }

  it("refuses x-kubernetes-embedded-resource on a string", { timeout: 60_000 }, async () => {
    expect(await refusal(crd({ type: "string", "x-kubernetes-embedded-resource": true }))).toMatch(
      /must be object if x-kubernetes-embedded-resource is true/,
    );
  });

  it("refuses x-kubernetes-embedded-resource on untyped JSON", { timeout: 60_000 }, async () => {
    expect(await refusal(crd({ "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true }))).toMatch(
      /must be object if x-kubernetes-embedded-resource is true/,
    );
  });

  it("refuses an embedded object with neither properties nor preserved unknown fields", { timeout: 60_000 }, async () => {
    expect(await refusal(crd({ type: "object", "x-kubernetes-embedded-resource": true }))).toMatch(
      /must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields/,
    );
  });

  it("refuses uniqueItems: true", { timeout: 60_000 }, async () => {
    expect(await refusal(crd({ type: "array", items: { type: "string" }, uniqueItems: true }))).toMatch(/uniqueItems cannot be set to true/);
  });

  it("refuses a Schemaless field with no type", { timeout: 60_000 }, async () => {
    expect(await refusal(crd({ description: "no type" }))).toMatch(/must not be empty for specified object fields/);
  });

  it("accepts an embedded RawExtension and printer columns with empty subresources", { timeout: 60_000 }, async () => {
    const columns = { additionalPrinterColumns: [{ name: "Field", type: "string", jsonPath: ".spec.field.kind" }], subresources: {} };
    expect(
      await refusal(crd({ type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true }, columns)),
    ).toBe("accepted");
  });
});
