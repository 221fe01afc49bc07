import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { ts } from "ts-morph";
import type { DiagnosticList } from "../diagnostics/index.js";
import { MAX_SOURCE_NESTING, tooDeepAt } from "./nesting.js";
import { describeFsError, readSourceText, wholeFile } from "./source-text.js";
import {
  declarationName,
  lineAndColumn,
  hasModifier,
  moduleSpecifierOf,
  parseSource,
  specifierAlias,
  specifierName,
  textOf,
  type TypeDeclaration,
} from "./syntax.js";
import { compiler, SyntaxKind } from "./typescript.js";

/** Modules whose exports are recognised by name, without reading them. */
export const KB_MODULE = "kubebuilder-ts";
export const CLIENT_NODE_MODULE = "@kubernetes/client-node";

/** What a name in a file refers to. */
export type NameTarget =
  | { readonly kind: "declaration"; readonly declaration: TypeDeclaration }
  | { readonly kind: "external"; readonly module: string; readonly name: string }
  | { readonly kind: "namespace"; readonly module: string; readonly file?: ts.SourceFile }
  | { readonly kind: "missing"; readonly reason: string };

/** A name an import declaration brings into a file. */
type ImportedName =
  | { readonly kind: "namespace"; readonly module: string }
  | { readonly kind: "named"; readonly module: string; readonly name: string };

/** The names a file declares and imports, indexed on first use. */
interface FileScope {
  readonly declarations: Map<string, TypeDeclaration>;
  readonly imports: Map<string, ImportedName>;
}

/** When a file declares a name twice (declaration merging), which declaration counts. */
const DECLARATION_RANK: Partial<Record<ts.SyntaxKind, number>> = {
  [SyntaxKind.InterfaceDeclaration]: 0,
  [SyntaxKind.TypeAliasDeclaration]: 1,
  [SyntaxKind.EnumDeclaration]: 2,
  [SyntaxKind.ClassDeclaration]: 3,
};

/**
 * Reads and parses source files (each once) and resolves type names syntactically, as the
 * TypeScript compiler would, without a type checker: local declarations, named and
 * namespace imports, relative modules (with or without `.js`, `index.ts`) and re-exports.
 * `kubebuilder-ts` and `@kubernetes/client-node` are not read: their names are recognised
 * as they are.
 */
export class ModuleResolver {
  private readonly files = new Map<string, ts.SourceFile>();
  private readonly scopes = new Map<ts.SourceFile, FileScope>();
  private readonly dirs = new Map<string, ts.SourceFile[]>();
  private readonly texts = new Map<string, string>();

  /**
   * `diagnostics` receives what makes a file unreadable (it then reads as empty): a read
   * failure, an encoding other than UTF-8, a syntax error, brackets nested too deep.
   */
  constructor(private readonly diagnostics?: DiagnosticList) {}

  /** Reads and parses (or returns) the source file at `path`, less any byte order mark. */
  sourceFile(path: string): ts.SourceFile {
    let sf = this.files.get(path);
    if (!sf) {
      sf = this.parse(path, this.text(path));
      this.files.set(path, sf);
    }
    return sf;
  }

  /** The text of `path`, less any byte order mark, read once; "" when it cannot be read (reported). */
  text(path: string): string {
    let text = this.texts.get(path);
    if (text === undefined) {
      const read = readSourceText(path);
      if (read.ok) text = read.text;
      else {
        this.diagnostics?.error("source", read.message, read.location);
        text = "";
      }
      this.texts.set(path, text);
    }
    return text;
  }

  /**
   * Parses a file's text. A file nested deeper than the parser can follow is reported and
   * read as empty; syntax errors are reported (the parser recovers, and would otherwise
   * drop the declarations it could not read without a word).
   */
  private parse(path: string, text: string): ts.SourceFile {
    const deep = tooDeepAt(text);
    if (deep !== undefined) {
      const empty = parseSource(path, "");
      const lineStart = text.lastIndexOf("\n", deep - 1) + 1;
      const line = text.slice(0, lineStart).split("\n").length;
      const column = deep - lineStart + 1;
      this.diagnostics?.error(
        "source",
        `brackets nest deeper than ${MAX_SOURCE_NESTING} levels here; kb reads at most ${MAX_SOURCE_NESTING}`,
        { file: path, line, column },
        "flatten the type into named types",
      );
      return empty;
    }
    const sf = parseSource(path, text);
    const errors = (sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
    for (const d of errors.slice(0, MAX_SYNTAX_ERRORS)) {
      const { line, column } = lineAndColumn(sf, d.start);
      this.diagnostics?.error("syntax", `syntax error: ${compiler.flattenDiagnosticMessageText(d.messageText, " ")}`, { file: path, line, column });
    }
    if (errors.length > MAX_SYNTAX_ERRORS) {
      this.diagnostics?.error("syntax", `${errors.length - MAX_SYNTAX_ERRORS} more syntax errors in this file`, wholeFile(path));
    }
    return sf;
  }

  /** Every TypeScript source file directly in `dir`, sorted by path. */
  sourceFilesIn(dir: string): ts.SourceFile[] {
    let files = this.dirs.get(dir);
    if (!files) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch (e) {
        this.diagnostics?.error("source", `cannot read directory: ${describeFsError(dir, e)}`, wholeFile(dir));
        names = [];
      }
      files = names
        .filter((n) => n.endsWith(".ts") && !n.endsWith(".d.ts"))
        .sort()
        .map((n) => this.sourceFile(join(dir, n)));
      this.dirs.set(dir, files);
    }
    return files;
  }

  /** What `name` means in `file`. */
  resolveName(file: ts.SourceFile, name: string): NameTarget {
    const scope = this.scopeOf(file);
    const local = scope.declarations.get(name);
    if (local) return { kind: "declaration", declaration: local };
    const imported = scope.imports.get(name);
    if (!imported) return { kind: "missing", reason: `cannot find type "${name}": declare it in this file or import it` };
    if (imported.kind === "named") return this.resolveExport(file, imported.module, imported.name);
    return this.namespace(file, imported.module);
  }

  /** The namespace `import * as ns` or `export * as ns` makes of `module`, imported from `from`. */
  private namespace(from: ts.SourceFile, module: string): NameTarget {
    if (!isRelative(module)) return { kind: "namespace", module };
    const target = this.resolveModule(from, module);
    return target ? { kind: "namespace", module, file: target } : missingModule(module);
  }

  /** What `name` exported from `module` (as imported from `from`) is. */
  private resolveExport(from: ts.SourceFile, module: string, name: string, seen = new Set<string>()): NameTarget {
    if (!isRelative(module)) return { kind: "external", module, name };
    const target = this.resolveModule(from, module);
    if (!target) return missingModule(module);
    return this.exportOf(target, name, seen);
  }

  /**
   * Resolves `name` exported by `file`: a declaration with `export`, or one named by
   * `export { }`, `export { } from`, `export * from` or `export * as name from`.
   */
  exportOf(file: ts.SourceFile, name: string, seen = new Set<string>()): NameTarget {
    const key = `${file.fileName}#${name}`;
    if (seen.has(key)) return { kind: "missing", reason: `circular re-export of "${name}"` };
    seen.add(key);
    const local = this.scopeOf(file).declarations.get(name);
    if (local && hasModifier(local, SyntaxKind.ExportKeyword)) return { kind: "declaration", declaration: local };
    for (const stmt of file.statements) {
      if (stmt.kind !== SyntaxKind.ExportDeclaration) continue;
      const exp = stmt as ts.ExportDeclaration;
      const module = moduleSpecifierOf(exp);
      const clause = exp.exportClause;
      if (clause?.kind === SyntaxKind.NamespaceExport) {
        if (module !== undefined && textOf(clause.name) === name) return this.namespace(file, module);
      } else if (clause) {
        const spec = clause.elements.find((s) => specifierAlias(s) === name);
        if (!spec) continue;
        if (module !== undefined) return this.resolveExport(file, module, specifierName(spec), seen);
        return this.resolveName(file, specifierName(spec));
      } else if (module !== undefined) {
        const r = this.resolveExport(file, module, name, seen);
        if (r.kind !== "missing") return r;
      }
    }
    const where = basename(file.fileName);
    return { kind: "missing", reason: local ? `"${name}" is declared in ${where} but not exported` : `"${name}" is not exported by ${where}` };
  }

  /** The file a relative module specifier names, or undefined. */
  private resolveModule(from: ts.SourceFile, module: string): ts.SourceFile | undefined {
    const base = resolve(dirname(from.fileName), module);
    const stem = base.replace(/\.(m?js|ts)$/, "");
    const candidates = [`${stem}.ts`, `${stem}.mts`, `${base}/index.ts`, `${stem}/index.ts`];
    for (const c of candidates) if (this.files.has(c) || existsSync(c)) return this.sourceFile(c);
    return undefined;
  }

  private scopeOf(file: ts.SourceFile): FileScope {
    let scope = this.scopes.get(file);
    if (!scope) {
      scope = indexScope(file);
      this.scopes.set(file, scope);
    }
    return scope;
  }
}

/**
 * Indexes a file's top-level type declarations and imports. Where a name is declared
 * twice, an interface wins over a type alias, an enum and a class, in that order, and the
 * first of a kind over later ones; of imports, the first wins.
 */
function indexScope(file: ts.SourceFile): FileScope {
  const declarations = new Map<string, TypeDeclaration>();
  const imports = new Map<string, ImportedName>();
  for (const stmt of file.statements) {
    const rank = DECLARATION_RANK[stmt.kind];
    if (rank !== undefined) {
      const decl = stmt as TypeDeclaration;
      const name = declarationName(decl);
      if (name === undefined) continue;
      const existing = declarations.get(name);
      if (!existing || DECLARATION_RANK[existing.kind]! > rank) declarations.set(name, decl);
    } else if (stmt.kind === SyntaxKind.ImportDeclaration) {
      const imp = stmt as ts.ImportDeclaration;
      const module = moduleSpecifierOf(imp);
      const bindings = imp.importClause?.namedBindings;
      if (module === undefined || !bindings) continue;
      const add = (local: string, target: ImportedName) => {
        if (!imports.has(local)) imports.set(local, target);
      };
      if (bindings.kind === SyntaxKind.NamespaceImport) {
        add(textOf(bindings.name), { kind: "namespace", module });
      } else {
        for (const spec of bindings.elements) add(specifierAlias(spec), { kind: "named", module, name: specifierName(spec) });
      }
    }
  }
  return { declarations, imports };
}

/** Syntax errors reported per file: after the first few, the parser's recovery mostly echoes them. */
const MAX_SYNTAX_ERRORS = 5;

function isRelative(module: string): boolean {
  return module.startsWith("./") || module.startsWith("../") || module === "." || module === "..";
}

function missingModule(module: string): NameTarget {
  return { kind: "missing", reason: `cannot find module "${module}"` };
}
