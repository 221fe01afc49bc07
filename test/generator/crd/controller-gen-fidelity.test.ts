import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DiagnosticList } from "../../../src/diagnostics/index.js";
import { GENERATE_TARGETS, generateManifests } from "../../../src/generator/index.js";
import { writeSourceTree } from "../../helpers/source-tree.js";

const GROUP_VERSION = `// +groupName=fidelity.example.com
export const groupVersion = { group: "fidelity.example.com", version: "v1" } as const;
`;

/** A kind `Widget` whose spec is `spec`, with `kindMarkers` above it. */
function project(spec: string, kindMarkers = ""): string {
  return writeSourceTree({
    "api/v1/groupversion-info.ts": GROUP_VERSION,
    "api/v1/widget-types.ts": `import type { IntOrString, ObjectMeta } from "kubebuilder-ts";

export interface WidgetSpec {
${spec}
}

// +kubebuilder:object:root=true
${kindMarkers}
/** Widget is a kind. */
export interface Widget {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: WidgetSpec;
}
`,
  });
}

function generate(dir: string) {
  const diagnostics = new DiagnosticList();
  const files = generateManifests(
    {
      paths: [dir],
      targets: GENERATE_TARGETS,
      crdDir: "/out/crd",
      rbacDir: "/out/rbac",
      webhookDir: "/out/webhook",
      roleName: "manager-role",
      kbVersion: "0.0.0-test",
    },
    diagnostics,
  );
  const crd = files.find((f) => f.path.startsWith("/out/crd/"));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const doc = crd ? (parse(crd.content) as any) : undefined;
  return { doc, errors: diagnostics.errors(), warnings: diagnostics.warnings() };
}

describe("CRDs as controller-gen v0.21.0 writes them", () => {
  it("gives a version with printer columns and no subresource an empty subresources object", () => {
    const { doc, errors } = generate(project("  size?: string;", '// +kubebuilder:printcolumn:name="Size",type=string,JSONPath=`.spec.size`'));
    expect(errors).toEqual([]);
    expect(doc.spec.versions[0].subresources).toEqual({});
    expect(doc.spec.versions[0].additionalPrinterColumns).toEqual([{ jsonPath: ".spec.size", name: "Size", type: "string" }]);
  });

  it("writes no subresources for a version with neither columns nor subresources", () => {
    const { doc } = generate(project("  size?: string;"));
    expect(doc.spec.versions[0]).not.toHaveProperty("subresources");
  });
});
