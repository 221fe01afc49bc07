import type { ts } from "ts-morph";
import { textOf } from "./syntax.js";
import { SyntaxKind } from "./typescript.js";

/** The error for a type node the loader cannot turn into a schema. */
export function unsupportedMessage(node: ts.TypeNode): string {
  const text = textOf(node).split("\n")[0]!;
  switch (node.kind) {
    case SyntaxKind.FunctionType:
    case SyntaxKind.ConstructorType:
      return `functions are not allowed in API types (${text})`;
    case SyntaxKind.SymbolKeyword:
      return `symbol is not a JSON type`;
    case SyntaxKind.TupleType:
      return `tuple types are not supported (${text})`;
    case SyntaxKind.NeverKeyword:
    case SyntaxKind.VoidKeyword:
    case SyntaxKind.UndefinedKeyword:
    case SyntaxKind.NullKeyword:
      return `${text} cannot be the type of a field`;
    default:
      return `unsupported type ${text}`;
  }
}

/** What to write instead of an unsupported type node. */
export function unsupportedHint(node: ts.TypeNode): string {
  switch (node.kind) {
    case SyntaxKind.TupleType:
      return "use an array T[] with +kubebuilder:validation:MinItems/MaxItems";
    default:
      return "API types describe JSON: use string, number, boolean, arrays, records, interfaces and the types of kubebuilder-ts";
  }
}
