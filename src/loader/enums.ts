import { dirname } from "node:path";
import type { ts } from "ts-morph";
import type { ModuleResolver } from "./module-resolver.js";
import { declarationName, hasModifier, literalValue, numericValue, textOf } from "./syntax.js";
import { SyntaxKind } from "./typescript.js";

/**
 * The values of an enum's members, read from their syntax (a type checker would need a
 * whole program): a string or number literal, or, without one, the previous number plus
 * one (0 for the first member); undefined where neither applies.
 */
export function enumMemberValues(decl: ts.EnumDeclaration): (string | number | undefined)[] {
  const values: (string | number | undefined)[] = [];
  for (const member of decl.members) {
    const prev = values.length === 0 ? -1 : values[values.length - 1];
    values.push(member.initializer ? initializerValue(member.initializer) : typeof prev === "number" ? prev + 1 : undefined);
  }
  return values;
}

function initializerValue(init: ts.Expression): string | number | undefined {
  const literal = literalValue(init);
  if (literal !== undefined) return literal;
  if (init.kind === SyntaxKind.PrefixUnaryExpression) {
    const { operator, operand } = init as ts.PrefixUnaryExpression;
    if (operator === SyntaxKind.MinusToken && operand.kind === SyntaxKind.NumericLiteral) {
      return -numericValue(operand as ts.NumericLiteral);
    }
  }
  return undefined;
}

/** The index of the member `name` of an enum, or -1. */
export function enumMemberIndex(decl: ts.EnumDeclaration, name: string): number {
  return decl.members.findIndex((m) => textOf(m.name) === name);
}

/**
 * The values of the exported consts typed as the alias `decl` in the files of its
 * directory (how a `+k8s:enum` alias lists its values), sorted.
 */
export function enumConsts(decl: ts.TypeAliasDeclaration, resolver: ModuleResolver): (string | number)[] {
  const name = declarationName(decl);
  const values = new Set<string | number>();
  for (const sf of resolver.sourceFilesIn(dirname(decl.getSourceFile().fileName))) {
    for (const stmt of sf.statements) {
      if (stmt.kind !== SyntaxKind.VariableStatement || !hasModifier(stmt, SyntaxKind.ExportKeyword)) continue;
      for (const v of (stmt as ts.VariableStatement).declarationList.declarations) {
        if (!v.type || textOf(v.type) !== name || !v.initializer) continue;
        const value = literalValue(v.initializer);
        if (value !== undefined) values.add(value);
      }
    }
  }
  return [...values].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}
