import { createRequire } from "node:module";
import type { ts } from "ts-morph";

/**
 * The TypeScript compiler API the loader parses with: the copy ts-morph bundles, whose
 * `ts` export is that of its dependency @ts-morph/common. Required from there, rather than
 * imported from ts-morph, it skips ts-morph's wrapper layer and Node's ES-module checks of a
 * 1 MB CommonJS file, which cost about a third of a second on every `kb generate`.
 */
export const compiler: typeof ts = (
  createRequire(createRequire(import.meta.url).resolve("ts-morph"))("@ts-morph/common") as { ts: typeof ts }
).ts;

/** The compiler's node kinds. */
export const SyntaxKind: typeof ts.SyntaxKind = compiler.SyntaxKind;
