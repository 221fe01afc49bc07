import type { ts } from "ts-morph";
import type { SourceLocation } from "../diagnostics/index.js";
import { groupComments, type CommentBlock } from "../markers/index.js";
import { compiler, SyntaxKind } from "./typescript.js";

/** A declaration a type name can refer to. */
export type TypeDeclaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.EnumDeclaration | ts.ClassDeclaration;

/**
 * Parses `text` into a syntax tree with parent links (no program, no type checker). JSDoc
 * is not parsed into nodes: comments are read from the text.
 */
export function parseSource(path: string, text: string): ts.SourceFile {
  return compiler.createSourceFile(
    path,
    text,
    { languageVersion: compiler.ScriptTarget.Latest, jsDocParsingMode: compiler.JSDocParsingMode.ParseNone },
    true,
  );
}

/** The 1-based line and column of `pos`, from the file's cached line map. */
export function lineAndColumn(sf: ts.SourceFile, pos: number): { line: number; column: number } {
  const lc = sf.getLineAndCharacterOfPosition(pos);
  return { line: lc.line + 1, column: lc.character + 1 };
}

/** The location of a node's first character (after comments and whitespace). */
export function locationOf(node: ts.Node): SourceLocation {
  const sf = node.getSourceFile();
  const { line, column } = lineAndColumn(sf, node.getStart(sf));
  return { file: sf.fileName, line, column };
}

/** The source text of a node, without the comments and whitespace before it. */
export function textOf(node: ts.Node): string {
  return node.getText();
}

/**
 * The comments before `pos` in `sf` (up to the previous token), grouped into blocks. A
 * comment with code before it on its line (`a?: string; // +optional`, `{ // +x`) trails
 * that code: as in Go, it is no one's doc comment, and its markers attach to nothing.
 */
export function commentBlocksAt(sf: ts.SourceFile, pos: number): CommentBlock[] {
  const text = sf.text;
  const ranges = (compiler.getLeadingCommentRanges(text, pos) ?? []).filter((r) => {
    const lineStart = text.lastIndexOf("\n", r.pos - 1) + 1;
    return text.slice(lineStart, r.pos).trim() === "";
  });
  return groupComments(
    ranges.map((r) => {
      const { line, column } = lineAndColumn(sf, r.pos);
      return { text: text.slice(r.pos, r.end), line, column };
    }),
  );
}

/** The comment blocks above a node, with their positions. */
export function commentBlocksOf(node: ts.Node): CommentBlock[] {
  return commentBlocksAt(node.getSourceFile(), node.pos);
}

/** Whether a node carries a modifier such as `export` or `static`. */
export function hasModifier(node: ts.Node, kind: ts.ModifierSyntaxKind): boolean {
  const modifiers = (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
  return modifiers?.some((m) => m.kind === kind) ?? false;
}

/** The name of a declaration as written, or undefined for `export default class {}`. */
export function declarationName(decl: TypeDeclaration): string | undefined {
  return decl.name ? textOf(decl.name) : undefined;
}

/**
 * Whether a top-level declaration is exported: with the `export` keyword, or named by an
 * `export { }`, `export default` or `export =` of its own file.
 */
export function isExported(decl: TypeDeclaration): boolean {
  if (hasModifier(decl, SyntaxKind.ExportKeyword)) return true;
  const name = declarationName(decl);
  if (name === undefined) return false;
  for (const stmt of decl.getSourceFile().statements) {
    if (stmt.kind === SyntaxKind.ExportAssignment) {
      const expr = (stmt as ts.ExportAssignment).expression;
      if (expr.kind === SyntaxKind.Identifier && textOf(expr) === name) return true;
    } else if (stmt.kind === SyntaxKind.ExportDeclaration) {
      const exp = stmt as ts.ExportDeclaration;
      if (exp.moduleSpecifier || !exp.exportClause || exp.exportClause.kind !== SyntaxKind.NamedExports) continue;
      if (exp.exportClause.elements.some((s) => specifierName(s) === name)) return true;
    }
  }
  return false;
}

/**
 * The name an import or export specifier takes from its module: `A` in `{ A as B }`,
 * unquoted when written as a string.
 */
export function specifierName(spec: ts.ImportSpecifier | ts.ExportSpecifier): string {
  const node = spec.propertyName ?? spec.name;
  return node.kind === SyntaxKind.StringLiteral ? node.text : textOf(node);
}

/** The name an import or export specifier gives: `B` in `{ A as B }`, `A` in `{ A }`. */
export function specifierAlias(spec: ts.ImportSpecifier | ts.ExportSpecifier): string {
  return spec.propertyName ? textOf(spec.name) : specifierName(spec);
}

/** The module an import or export declaration names, or undefined for a local `export { }`. */
export function moduleSpecifierOf(decl: ts.ImportDeclaration | ts.ExportDeclaration): string | undefined {
  const spec = decl.moduleSpecifier;
  return spec && spec.kind === SyntaxKind.StringLiteral ? (spec as ts.StringLiteral).text : undefined;
}

/**
 * The value of a string or number literal (a template without substitutions counts as a
 * string), or undefined for any other node.
 */
export function literalValue(node: ts.Node): string | number | undefined {
  switch (node.kind) {
    case SyntaxKind.StringLiteral:
    case SyntaxKind.NoSubstitutionTemplateLiteral:
      return (node as ts.StringLiteral).text;
    case SyntaxKind.NumericLiteral:
      return numericValue(node as ts.NumericLiteral);
    default:
      return undefined;
  }
}

/** A numeric literal's value, from the compiler's normalised text. */
export function numericValue(node: ts.NumericLiteral): number {
  return node.text.includes(".") ? parseFloat(node.text) : parseInt(node.text, 10);
}
