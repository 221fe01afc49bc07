import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, writeSyntheticTree, type SyntheticTree } from "../../bench/synthetic-tree.js";
import { DiagnosticList, formatDiagnostic } from "../../src/diagnostics/index.js";
import { GENERATE_TARGETS, generateManifests } from "../../src/generator/index.js";

// The benchmark's input, small: if the generator or kb generate drift apart, this fails
// instead of `npm run bench` timing an error path.

const scratch = mkdtempSync(join(tmpdir(), "kb-bench-tree-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function generate(tree: SyntheticTree) {
  const diagnostics = new DiagnosticList();
  const files = generateManifests(
    {
      paths: [tree.apiDir, tree.srcDir],
      targets: GENERATE_TARGETS,
      crdDir: "/kb-out/crd",
      rbacDir: "/kb-out/rbac",
      webhookDir: "/kb-out/webhook",
      roleName: "manager-role",
      kbVersion: "0.0.0-test",
    },
    diagnostics,
  );
  const problems = [...diagnostics.errors(), ...diagnostics.warnings()].map((d) => formatDiagnostic(d, tree.dir));
  return { files, problems };
}

describe("bench/synthetic-tree", () => {
  // 5 kinds over 2 groups × 2 versions: blocks of 2, 1, 1, 1.
  const tree = writeSyntheticTree({ dir: join(scratch, "tree"), kinds: 5, groups: 2, versions: 2 });

  it("spreads the kinds over the packages", () => {
    expect(tree.kinds.map((k) => `${k.group}/${k.version} ${k.name}`)).toEqual([
      "apps.bench.example.com/v1 AmberAgent",
      "apps.bench.example.com/v1 BriskAgent",
      "apps.bench.example.com/v1beta1 CobaltAgent",
      "batch.bench.example.com/v1 DuskyAgent",
      "batch.bench.example.com/v1beta1 EagerAgent",
    ]);
    expect(tree.packages).toBe(4);
  });

  it("gives kb generate 5 CRDs and a role, without errors or warnings", () => {
    const { files, problems } = generate(tree);
    expect(problems).toEqual([]);
    const crds = files.filter((f) => f.path.startsWith("/kb-out/crd/"));
    expect(crds.map((f) => relative("/kb-out/crd", f.path))).toEqual([
      "apps.bench.example.com_amberagents.yaml",
      "apps.bench.example.com_briskagents.yaml",
      "apps.bench.example.com_cobaltagents.yaml",
      "batch.bench.example.com_duskyagents.yaml",
      "batch.bench.example.com_eageragents.yaml",
    ]);
    const crd = crds[0]!.content;
    for (const expected of [
      "x-kubernetes-validations:",
      "rule: self.minReplicas <= self.maxReplicas",
      "x-kubernetes-list-type: map",
      "x-kubernetes-list-type: set",
      "additionalPrinterColumns:",
      "status: {}",
      "default: Safe",
      "maxProperties: 64",
      "x-kubernetes-int-or-string: true",
      "format: date-time",
    ]) {
      expect(crd).toContain(expected);
    }
    const role = files.find((f) => f.path === "/kb-out/rbac/role.yaml")?.content ?? "";
    for (const k of tree.kinds) expect(role).toContain(`- ${k.plural}/finalizers`);
  });

  it("is deterministic", () => {
    const again = writeSyntheticTree({ dir: join(scratch, "again"), kinds: 5, groups: 2, versions: 2 });
    const read = (t: SyntheticTree, path: string) => readFileSync(join(t.dir, path), "utf8");
    // Every file but node_modules (whose links lead out of the tree).
    const list = (t: SyntheticTree) => {
      const out: string[] = [];
      const walk = (dir: string) => {
        for (const e of readdirSync(join(t.dir, dir), { withFileTypes: true })) {
          const path = dir === "" ? e.name : `${dir}/${e.name}`;
          if (e.isDirectory() && e.name !== "node_modules") walk(path);
          else if (e.isFile()) out.push(path);
        }
      };
      walk("");
      return out.sort();
    };
    expect(list(again)).toEqual(list(tree));
    for (const p of list(tree)) expect(read(again, p), p).toBe(read(tree, p));
  });

  it("gives the same CRDs, bar credentialsRef, without client-node", () => {
    const plain = writeSyntheticTree({ dir: join(scratch, "plain"), kinds: 5, groups: 2, versions: 2, clientNode: false });
    const { files, problems } = generate(plain);
    expect(problems).toEqual([]);
    expect(files.filter((f) => f.path.startsWith("/kb-out/crd/"))).toHaveLength(5);
  });

  // tsc resolves "kubebuilder-ts" to the built dist/ through the tree's node_modules.
  it.skipIf(!existsSync(join(PROJECT_ROOT, "dist/index.d.ts")))("type-checks with the tree's tsconfig.json", () => {
    const configPath = join(tree.dir, "tsconfig.json");
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    });
    if (!parsed) throw new Error(`cannot read ${configPath}`);
    expect(parsed.fileNames).toHaveLength(tree.tsFiles);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  });
});
