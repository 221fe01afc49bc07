import { basename, extname } from "node:path";
import type { Options } from "prettier";

const PARSERS: Readonly<Record<string, string>> = {
  ".ts": "typescript",
  ".mts": "typescript",
  ".js": "babel",
  ".mjs": "babel",
  ".json": "json",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".md": "markdown",
};

/** The prettier parser for a path, or undefined for files prettier leaves alone (Dockerfile, PROJECT). */
export function parserFor(path: string): string | undefined {
  if (basename(path) === "package.json") return "json-stringify";
  return PARSERS[extname(path)];
}

let prettier: typeof import("prettier") | undefined;

/** Formats `text` as prettier would format `path` with `options`; other files come back unchanged. */
export async function formatFile(path: string, text: string, options: Options): Promise<string> {
  const parser = parserFor(path);
  if (!parser) return text;
  prettier ??= await import("prettier");
  try {
    return await prettier.format(text, { ...options, parser, filepath: path });
  } catch (e) {
    // A template that renders invalid code is a bug in kb, not in the user's input.
    throw new Error(`kb rendered ${path} as invalid ${parser}: ${(e as Error).message}`);
  }
}
