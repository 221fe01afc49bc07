import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModuleResolver, type NameTarget } from "../../src/loader/module-resolver.js";
import { declarationName } from "../../src/loader/syntax.js";
import { writeSourceTree } from "../helpers/source-tree.js";

/** What `name` means in `file`, in short: `decl <file>#<name>`, `external`, `namespace` or the reason. */
function resolveIn(dir: string, file: string, name: string): string {
  const resolver = new ModuleResolver();
  return show(dir, resolver.resolveName(resolver.sourceFile(join(dir, file)), name));
}

function show(dir: string, t: NameTarget): string {
  switch (t.kind) {
    case "declaration":
      return `decl ${t.declaration.getSourceFile().fileName.slice(dir.length + 1)}#${declarationName(t.declaration)}`;
    case "external":
      return `external ${t.module} ${t.name}`;
    case "namespace":
      return `namespace ${t.module}${t.file ? ` ${t.file.fileName.slice(dir.length + 1)}` : ""}`;
    case "missing":
      return t.reason;
  }
}

describe("ModuleResolver", () => {
  it("resolves local declarations, an interface before a class of the same name", () => {
    const dir = writeSourceTree({
      "a.ts": "export class Both {}\nexport interface Both { a?: string }\ntype Alias = string;\nenum E { A = 'a' }\n",
    });
    expect(resolveIn(dir, "a.ts", "Both")).toBe("decl a.ts#Both");
    expect(resolveIn(dir, "a.ts", "Alias")).toBe("decl a.ts#Alias");
    expect(resolveIn(dir, "a.ts", "E")).toBe("decl a.ts#E");
    expect(resolveIn(dir, "a.ts", "Nope")).toBe('cannot find type "Nope": declare it in this file or import it');
  });

  it("follows named imports, aliases and re-exports", () => {
    const dir = writeSourceTree({
      "a.ts": [
        'import type { Endpoint as EP, Address, Local, Gone } from "./index.js";',
        'import { V1Pod } from "@kubernetes/client-node";',
        'import * as shared from "./shared.js";',
        'import * as kb from "kubebuilder-ts";',
        'import type { Sub } from "./sub";',
        'import type { FromMts } from "./other.mjs";',
        'import type { X } from "./nowhere.js";',
        "",
      ].join("\n"),
      "index.ts": [
        'export * from "./shared.js";',
        'export { Endpoint as Address } from "./shared.js";',
        "export { Local };",
        'export * from "./cycle.js";',
        "interface Local { l?: string }",
        "",
      ].join("\n"),
      "shared.ts": "export interface Endpoint { host: string }\ninterface Hidden { h?: string }\nexport { Hidden as Visible };\n",
      "cycle.ts": 'export * from "./cycle.js";\n',
      "sub/index.ts": "export interface Sub { s?: string }\n",
      "other.mts": "export interface FromMts { m?: boolean }\n",
    });
    expect(resolveIn(dir, "a.ts", "EP")).toBe("decl shared.ts#Endpoint");
    expect(resolveIn(dir, "a.ts", "Address")).toBe("decl shared.ts#Endpoint");
    expect(resolveIn(dir, "a.ts", "Local")).toBe("decl index.ts#Local");
    expect(resolveIn(dir, "a.ts", "Gone")).toBe('"Gone" is not exported by index.ts');
    expect(resolveIn(dir, "a.ts", "V1Pod")).toBe("external @kubernetes/client-node V1Pod");
    expect(resolveIn(dir, "a.ts", "shared")).toBe("namespace ./shared.js shared.ts");
    expect(resolveIn(dir, "a.ts", "kb")).toBe("namespace kubebuilder-ts");
    expect(resolveIn(dir, "a.ts", "Sub")).toBe("decl sub/index.ts#Sub");
    expect(resolveIn(dir, "a.ts", "FromMts")).toBe("decl other.mts#FromMts");
    expect(resolveIn(dir, "a.ts", "X")).toBe('cannot find module "./nowhere.js"');
  });

  it("reports names declared but not exported under that name, and circular re-exports", () => {
    const dir = writeSourceTree({
      "a.ts": [
        'import type { Hidden, Visible, Default, Later } from "./b.js";',
        'import type { Loop } from "./loop.js";',
        "",
      ].join("\n"),
      "b.ts": [
        "interface Hidden { h?: string }",
        "interface Later { l?: string }",
        "interface Default { d?: string }",
        "export { Hidden as Visible, Later };",
        "export default Default;",
        "",
      ].join("\n"),
      "loop.ts": 'export { Loop } from "./loop.js";\n',
    });
    expect(resolveIn(dir, "a.ts", "Hidden")).toBe('"Hidden" is declared in b.ts but not exported');
    expect(resolveIn(dir, "a.ts", "Visible")).toBe("decl b.ts#Hidden");
    expect(resolveIn(dir, "a.ts", "Later")).toBe("decl b.ts#Later");
    expect(resolveIn(dir, "a.ts", "Default")).toBe('"Default" is declared in b.ts but not exported');
    expect(resolveIn(dir, "a.ts", "Loop")).toBe('circular re-export of "Loop"');
  });

  it("treats export * as ns as a namespace, not as a re-export of every name", () => {
    const dir = writeSourceTree({
      "a.ts": 'import type { shared, Endpoint } from "./index.js";\n',
      "index.ts": 'export * as shared from "./shared.js";\n',
      "shared.ts": "export interface Endpoint { host: string }\n",
    });
    expect(resolveIn(dir, "a.ts", "shared")).toBe("namespace ./shared.js shared.ts");
    expect(resolveIn(dir, "a.ts", "Endpoint")).toBe('"Endpoint" is not exported by index.ts');
  });

  it("parses each file once", () => {
    const dir = writeSourceTree({ "a.ts": "export interface A {}\n", "b.ts": "export interface B {}\n" });
    const resolver = new ModuleResolver();
    const [a, b] = resolver.sourceFilesIn(dir);
    expect(resolver.sourceFile(join(dir, "a.ts"))).toBe(a);
    expect(resolver.sourceFilesIn(dir)[1]).toBe(b);
    expect(resolver.text(join(dir, "b.ts"))).toBe("export interface B {}\n");
  });
});
