import { basename, extname } from "node:path";
import type { Options, Plugin } from "prettier";

/**
 * The prettier parser for each kind of file kb writes. TypeScript goes through `babel-ts`,
 * prettier's other TypeScript parser: the same printer, so the same output for the code kb
 * writes (the golden projects are checked against `prettier --check`'s default parser), but
 * from the Babel plugin that JSON needs anyway, instead of the 900 kB TypeScript plugin,
 * which took a third of `kb init`'s time to load.
 */
const PARSERS: Readonly<Record<string, string>> = {
  ".ts": "babel-ts",
  ".mts": "babel-ts",
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

/** The prettier plugins kb formats with, each imported on first use (literal specifiers, so tools that follow imports see them). */
const PLUGIN_IMPORTS = {
  babel: () => import("prettier/plugins/babel"),
  estree: () => import("prettier/plugins/estree"),
  yaml: () => import("prettier/plugins/yaml"),
  markdown: () => import("prettier/plugins/markdown"),
} as const;
type PluginName = keyof typeof PLUGIN_IMPORTS;

/**
 * The plugins each parser needs, for prettier's standalone build: the full `prettier` entry
 * also loads config resolution and every other plugin's glue. (Markdown gets YAML for front
 * matter; the code blocks in kb's templates are shell only.)
 */
const PARSER_PLUGINS: Readonly<Record<string, readonly PluginName[]>> = {
  "babel-ts": ["babel", "estree"],
  babel: ["babel", "estree"],
  json: ["babel", "estree"],
  "json-stringify": ["babel", "estree"],
  yaml: ["yaml"],
  markdown: ["markdown", "yaml"],
};

const imported = new Map<PluginName, Promise<Plugin>>();

function plugin(name: PluginName): Promise<Plugin> {
  let loading = imported.get(name);
  if (!loading) imported.set(name, (loading = PLUGIN_IMPORTS[name]() as Promise<Plugin>));
  return loading;
}

let prettier: Promise<typeof import("prettier/standalone")> | undefined;

/** Formats `text` as prettier would format `path` with `options`; other files come back unchanged. */
export async function formatFile(path: string, text: string, options: Options): Promise<string> {
  const parser = parserFor(path);
  if (!parser) return text;
  prettier ??= import("prettier/standalone");
  const [{ format }, plugins] = await Promise.all([prettier, Promise.all(PARSER_PLUGINS[parser]!.map(plugin))]);
  try {
    return await format(text, { ...options, parser, plugins, filepath: path });
  } catch (e) {
    // A template that renders invalid code is a bug in kb, not in the user's input.
    throw new Error(`kb rendered ${path} as invalid ${parser}: ${(e as Error).message}`);
  }
}
