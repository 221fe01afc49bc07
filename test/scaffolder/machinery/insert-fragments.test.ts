import { describe, expect, it } from "vitest";
import { insertFragments } from "../../../src/scaffolder/machinery/insert-fragments.js";

const main = `import { Manager } from "kubebuilder-ts/runtime";
// +kubebuilder:scaffold:imports

async function run() {
  const mgr = new Manager();
  // +kubebuilder:scaffold:controllers
  await mgr.start();
}
`;

describe("insertFragments", () => {
  it("adds fragments above the marker, indented as the marker is", () => {
    const out = insertFragments(main, { path: "src/main.ts", marker: "+kubebuilder:scaffold:controllers", fragments: ["setupA(mgr);", "if (x) {\n  setupB(mgr);\n}"] });
    expect(out).toContain("  const mgr = new Manager();\n  setupA(mgr);\n  if (x) {\n    setupB(mgr);\n  }\n  // +kubebuilder:scaffold:controllers\n");
  });

  it("never adds a fragment twice, even when the user re-indented it", () => {
    const once = insertFragments(main, { path: "src/main.ts", marker: "+kubebuilder:scaffold:imports", fragments: ['import { a } from "./a.js";'] });
    expect(insertFragments(once, { path: "src/main.ts", marker: "+kubebuilder:scaffold:imports", fragments: ['import { a } from "./a.js";'] })).toBe(once);
    const moved = once.replace('import { a } from "./a.js";\n', "").replace("async function run() {", 'async function run() {\n    import { a } from "./a.js";');
    expect(insertFragments(moved, { path: "src/main.ts", marker: "+kubebuilder:scaffold:imports", fragments: ['import { a } from "./a.js";'] })).toBe(moved);
  });

  it("understands YAML comment markers", () => {
    const yaml = "resources:\n- a.yaml\n# +kubebuilder:scaffold:crdkustomizeresource\n";
    expect(insertFragments(yaml, { path: "config/crd/kustomization.yaml", marker: "+kubebuilder:scaffold:crdkustomizeresource", fragments: ["- b.yaml"] })).toBe(
      "resources:\n- a.yaml\n- b.yaml\n# +kubebuilder:scaffold:crdkustomizeresource\n",
    );
  });

  it("names the file and the marker when the marker is gone", () => {
    expect(() => insertFragments("const x = 1;\n", { path: "src/main.ts", marker: "+kubebuilder:scaffold:webhooks", fragments: ["y();"] })).toThrow(
      /src\/main.ts: the marker comment "\+kubebuilder:scaffold:webhooks" is missing/,
    );
  });
});
