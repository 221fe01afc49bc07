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

/**
 * Prettier's standalone build with only the plugins a parser needs, loaded on first use:
 * the full `prettier` entry also loads config resolution and every other plugin's glue.
 * (Markdown gets YAML for front matter; its code blocks in kb's templates are shell only.)
 */
const PLUGINS: Readonly<Record<string, () => Promise<Plugin[]>>> = {
  "babel-ts": () => load("babel", "estree"),
  babel: () => load("babel", "estree"),
  json: () => load("babel", "estree"),
  "json-stringify": () => load("babel", "estree"),
  yaml: () => load("yaml"),
  markdown: () => load("markdown", "yaml"),
};

const loading = new Map<string, Promise<Plugin>>();

function load(...names: ("babel" | "estree" | "yaml" | "markdown")[]): Promise<Plugin[]> {
  return Promise.all(
    names.map((name) => {
      let plugin = loading.get(name);
      if (!plugin) {
        plugin = importPlugin(name);
        loading.set(name, plugin);
      }
      return plugin;
    }),
  );
}

function importPlugin(name: "babel" | "estree" | "yaml" | "markdown"): Promise<Plugin> {
  // Literal specifiers, so that tools that follow imports see each one.
  switch (name) {
    case "babel":
      return import("prettier/plugins/babel") as Promise<Plugin>;
    case "estree":
      return import("prettier/plugins/estree") as Promise<Plugin>;
    case "yaml":
      return import("prettier/plugins/yaml") as Promise<Plugin>;
    case "markdown":
      return import("prettier/plugins/markdown") as Promise<Plugin>;
  }
}

let prettier: Promise<typeof import("prettier/standalone")> | undefined;

/** Formats `text` as prettier would format `path` with `options`; other files come back unchanged. */
export async function formatFile(path: string, text: string, options: Options): Promise<string> {
  const parser = parserFor(path);
  if (!parser) return text;
  prettier ??= import("prettier/standalone");
  const [{ format }, plugins] = await Promise.all([prettier, PLUGINS[parser]!()]);
  try {
    return await format(text, { ...options, parser, plugins, filepath: path });
  } catch (e) {
    // A template that renders invalid code is a bug in kb, not in the user's input.
    throw new Error(`kb rendered ${path} as invalid ${parser}: ${(e as Error).message}`);
  }
}
