import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Project, SourceFile } from "ts-morph";

/** Modules whose exports are recognised by name, without reading them. */
export const KB_MODULE = "kubebuilder-ts";
export const CLIENT_NODE_MODULE = "@kubernetes/client-node";

/** A declaration a type name can refer to. */
export type TypeDeclaration =
  | import("ts-morph").InterfaceDeclaration
  | import("ts-morph").TypeAliasDeclaration
  | import("ts-morph").EnumDeclaration
  | import("ts-morph").ClassDeclaration;

/** What a name in a file refers to. */
export type NameTarget =
  | { readonly kind: "declaration"; readonly declaration: TypeDeclaration }
  | { readonly kind: "external"; readonly module: string; readonly name: string }
  | { readonly kind: "namespace"; readonly module: string; readonly file?: SourceFile }
  | { readonly kind: "missing"; readonly reason: string };

/**
 * Resolves type names syntactically, as the TypeScript compiler would, without a type
 * checker: local declarations, named and namespace imports, relative modules (with or
 * without `.js`, `index.ts`) and re-exports. `kubebuilder-ts` and `@kubernetes/client-node`
 * are not read: their names are recognised as they are.
 */
export class ModuleResolver {
  constructor(private readonly project: Project) {}

  /** Adds (or returns) the source file at `path`. */
  sourceFile(path: string): SourceFile {
    return this.project.getSourceFile(path) ?? this.project.addSourceFileAtPath(path);
  }

  /** Every TypeScript source file directly in `dir`, added to the project, sorted by path. */
  sourceFilesIn(dir: string): SourceFile[] {
    return readdirSync(dir)
      .filter((n) => n.endsWith(".ts") && !n.endsWith(".d.ts"))
      .sort()
      .map((n) => this.sourceFile(join(dir, n)));
  }

  /** What `name` means in `file`. */
  resolveName(file: SourceFile, name: string): NameTarget {
    const local = localDeclaration(file, name);
    if (local) return { kind: "declaration", declaration: local };
    for (const imp of file.getImportDeclarations()) {
      const module = imp.getModuleSpecifierValue();
      const ns = imp.getNamespaceImport();
      if (ns?.getText() === name) {
        if (isRelative(module)) {
          const target = this.resolveModule(file, module);
          return target ? { kind: "namespace", module, file: target } : missingModule(module);
        }
        return { kind: "namespace", module };
      }
      for (const spec of imp.getNamedImports()) {
        const localName = spec.getAliasNode()?.getText() ?? spec.getName();
        if (localName !== name) continue;
        return this.resolveExport(file, module, spec.getName());
      }
    }
    return { kind: "missing", reason: `cannot find type "${name}": declare it in this file or import it` };
  }

  /** What `name` exported from `module` (as imported from `from`) is. */
  resolveExport(from: SourceFile, module: string, name: string, seen = new Set<string>()): NameTarget {
    if (!isRelative(module)) return { kind: "external", module, name };
    const target = this.resolveModule(from, module);
    if (!target) return missingModule(module);
    return this.exportOf(target, name, seen);
  }

  /** Resolves `name` exported by `file`, following `export { } from` and `export *`. */
  exportOf(file: SourceFile, name: string, seen = new Set<string>()): NameTarget {
    const key = `${file.getFilePath()}#${name}`;
    if (seen.has(key)) return { kind: "missing", reason: `circular re-export of "${name}"` };
    seen.add(key);
    const local = localDeclaration(file, name);
    if (local) {
      return local.isExported()
        ? { kind: "declaration", declaration: local }
        : { kind: "missing", reason: `"${name}" is declared in ${file.getBaseName()} but not exported` };
    }
    for (const exp of file.getExportDeclarations()) {
      const module = exp.getModuleSpecifierValue();
      const named = exp.getNamedExports();
      if (named.length === 0 && module !== undefined) {
        const r = this.resolveExport(file, module, name, seen);
        if (r.kind !== "missing") return r;
        continue;
      }
      for (const spec of named) {
        const exported = spec.getAliasNode()?.getText() ?? spec.getName();
        if (exported !== name) continue;
        if (module !== undefined) return this.resolveExport(file, module, spec.getName(), seen);
        return this.resolveName(file, spec.getName());
      }
    }
    return { kind: "missing", reason: `"${name}" is not exported by ${file.getBaseName()}` };
  }

  /** The file a relative module specifier names, or undefined. */
  resolveModule(from: SourceFile, module: string): SourceFile | undefined {
    const base = resolve(dirname(from.getFilePath()), module);
    const stem = base.replace(/\.(m?js|ts)$/, "");
    const candidates = [`${stem}.ts`, `${stem}.mts`, `${base}/index.ts`, `${stem}/index.ts`];
    for (const c of candidates) if (existsSync(c)) return this.sourceFile(c);
    return undefined;
  }
}

function localDeclaration(file: SourceFile, name: string): TypeDeclaration | undefined {
  return file.getInterface(name) ?? file.getTypeAlias(name) ?? file.getEnum(name) ?? file.getClass(name);
}

function isRelative(module: string): boolean {
  return module.startsWith("./") || module.startsWith("../") || module === "." || module === "..";
}

function missingModule(module: string): NameTarget {
  return { kind: "missing", reason: `cannot find module "${module}"` };
}

