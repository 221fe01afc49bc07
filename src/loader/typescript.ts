import { ts } from "ts-morph";

/** The TypeScript compiler API the loader parses with. */
export const compiler: typeof ts = ts;

/** The compiler's node kinds. */
export const SyntaxKind: typeof ts.SyntaxKind = ts.SyntaxKind;
