import { compiler, SyntaxKind } from "./typescript.js";

/**
 * How deep brackets may nest in a source file. The TypeScript parser, the type reader and
 * everything after them recurse once per level: thousands of `{`, `[`, `(` or `<` overflow
 * the stack. Real API types nest a few levels; 200 leaves room for any hand-written code.
 */
export const MAX_SOURCE_NESTING = 200;

const OPEN = new Set<number>([SyntaxKind.OpenBraceToken, SyntaxKind.OpenBracketToken, SyntaxKind.OpenParenToken, SyntaxKind.LessThanToken, SyntaxKind.TemplateHead]);
const CLOSE = new Set<number>([SyntaxKind.CloseBraceToken, SyntaxKind.CloseBracketToken, SyntaxKind.CloseParenToken, SyntaxKind.GreaterThanToken]);

/**
 * The offset of the first bracket that nests deeper than {@link MAX_SOURCE_NESTING}, or
 * undefined. Tokens come from the compiler's scanner (a loop, no recursion), so strings and
 * comments do not count. (`<` as less-than counts as an opening bracket: only a file with
 * hundreds of unmatched comparisons could be refused.)
 */
export function tooDeepAt(text: string, limit = MAX_SOURCE_NESTING): number | undefined {
  const scanner = compiler.createScanner(compiler.ScriptTarget.Latest, true, compiler.LanguageVariant.Standard, text);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (OPEN.has(token)) {
      if (++depth > limit) return scanner.getTokenStart();
    } else if (CLOSE.has(token) && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
