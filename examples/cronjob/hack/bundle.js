/*
 * Copyright 2026.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

// npm run bundle: the manager and everything it imports in one file, dist/manager.mjs, with its
// source map, dist/manager.mjs.map. The image runs this file alone, without node_modules (the
// Dockerfile says why). Things a bundle changes, for code you add to the manager:
// - pino transports (the `transport` option) run in worker threads that load files from
//   node_modules: log to a destination stream instead, as createLoggerFromFlags does;
// - a file read relative to a module (import.meta.url) is looked for beside the bundle;
// - import() or require() of a name computed at run time is not followed: use literal names;
// - a package with a native addon (a .node file) cannot be bundled: list it in `external` below
//   and copy its folder from node_modules into the Dockerfile's runtime stage (whose builder
//   must then run on the image's platform: see the Dockerfile).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { decode, encode } from "@jridgewell/sourcemap-codec";
import { build } from "esbuild";

const { outputFiles } = await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/manager.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  sourcesContent: false,
  // The CommonJS libraries in an ES module bundle require Node's built-in modules: give them a
  // require (under a name no import of the project's can clash with).
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
  // Packages left out of the bundle, loaded from node_modules at run time.
  external: [],
  write: false,
  logLevel: "warning",
});
for (const file of outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.path.endsWith(".map") ? ownCodeOnly(file.text) : file.contents);
}

/**
 * The source map with the mappings of the project's code and of kubebuilder-ts only: a stack
 * frame in a library's code names manager.mjs instead. The manager runs with
 * --enable-source-maps, and Node parses the map as it starts (pino looks up where each logger is
 * created); the libraries' mappings, nine tenths of the whole, would slow every start.
 */
function ownCodeOnly(text) {
  const map = JSON.parse(text);
  const isLibrary = (source) => /(^|\/)node_modules\/(?!kubebuilder-ts\/)/.test(source);
  // The sources and names still used, each with its new index.
  const sources = new Map();
  const names = new Map();
  const indexIn = (kept, value) => {
    if (!kept.has(value)) kept.set(value, kept.size);
    return kept.get(value);
  };
  // A decoded segment is [generated column, source, line, column, name?], or [generated column] alone.
  const mappings = decode(map.mappings).map((line) => {
    const kept = [];
    let mapped = false;
    for (const [column, source, sourceLine, sourceColumn, name] of line) {
      const own = source !== undefined && !isLibrary(map.sources[source]);
      // A library's code: one unmapped segment where it starts, then nothing until own code.
      if (!own && !mapped) continue;
      if (own) {
        const segment = [column, indexIn(sources, map.sources[source]), sourceLine, sourceColumn];
        if (name !== undefined) segment.push(indexIn(names, map.names[name]));
        kept.push(segment);
      } else {
        kept.push([column]);
      }
      mapped = own;
    }
    return kept;
  });
  return JSON.stringify({
    ...map,
    sources: [...sources.keys()],
    names: [...names.keys()],
    mappings: encode(mappings),
  });
}
