// Regenerates src/generator/crd/builtin/kubernetes-types.generated.ts, the table of facts kb
// uses to expand Kubernetes' built-in types (list/map semantics, defaults, required, types
// and formats) the way controller-gen does, for one pinned Kubernetes version:
//
//   npm run embedded-types -- --kubernetes 1.36.3          # write the table
//   npm run embedded-types -- --kubernetes 1.36.3 --check  # exit 1 when it is stale
//
// Reads, through the go command's module cache (`go mod download -json`):
// - k8s.io/kubernetes@v<version>/api/openapi-spec/v3/*.json, the API server's OpenAPI v3
//   documents, for the definitions;
// - the Go types of k8s.io/api, k8s.io/apimachinery's meta/v1 and
//   k8s.io/apiextensions-apiserver at v0.<minor>.<patch>, only to tell which defaults of the
//   documents come from a `+default=` (or `+kubebuilder:default=`) marker, which
//   controller-gen writes too, and which are openapi-gen's zero values or `+default=ref(...)`
//   values, which controller-gen does not write.
// Nothing of Kubernetes is copied but these facts: no descriptions, no source.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parseArgs } from "node:util";
import { serializeTable, tableFromOpenApi, type DefaultFilter } from "../src/generator/crd/builtin/openapi-facts.js";

const ROOT = join(import.meta.dirname, "..");
export const TABLE_FILE = join(ROOT, "src/generator/crd/builtin/kubernetes-types.generated.ts");

/** The Go modules whose types carry the markers, and the folders of them to read. */
const GO_SOURCES: readonly { module: string; dirs: readonly string[] }[] = [
  { module: "k8s.io/api", dirs: ["."] },
  { module: "k8s.io/apimachinery", dirs: ["pkg/apis/meta/v1"] },
  { module: "k8s.io/apiextensions-apiserver", dirs: ["pkg/apis/apiextensions/v1"] },
];

/** The directories of modules in the go command's module cache, downloading them when missing. */
function moduleDirs(modules: readonly string[]): Map<string, string> {
  const out = execFileSync("go", ["mod", "download", "-json", ...modules], {
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "", GOWORK: "off" },
    cwd: ROOT,
    maxBuffer: 16 << 20,
  });
  const dirs = new Map<string, string>();
  // The go command prints one JSON object per module, one after the other.
  for (const text of out.split(/\n(?=\{)/)) {
    const info = JSON.parse(text) as { Path: string; Version: string; Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download ${info.Path}@${info.Version}: ${info.Error ?? "no directory"}`);
    dirs.set(`${info.Path}@${info.Version}`, info.Dir);
  }
  return dirs;
}

function goFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...goFiles(path));
    else if (entry.name.endsWith(".go") && !entry.name.endsWith("_test.go") && !entry.name.startsWith("zz_generated") && !entry.name.startsWith("generated."))
      out.push(path);
  }
  return out;
}

const STRUCT_START = /^type (\w+) struct \{/;
const FIELD = /^\t\*?\w+\s+[^`]*`json:"([^",]*)/;
const INLINE = /^\t\*?(\w+)\s+`json:",inline/;
const DEFAULT_MARKER = /^\t\/\/\s*\+(?:default|kubebuilder:default)=(.*)$/;

/** What the Go types say that the OpenAPI documents do not. */
interface GoFacts {
  /** Fields with a literal default marker, as `<definition>.<jsonName>`. */
  readonly marked: Set<string>;
  /** The structs each struct embeds inline (same package), by definition name. */
  readonly inline: Map<string, string[]>;
}

/** The OpenAPI definition prefix of a Go package: `k8s.io/api` + `core/v1` → `io.k8s.api.core.v1`. */
function definitionPrefix(modulePath: string, pkg: readonly string[]): string {
  const [host = "", ...rest] = modulePath.split("/");
  return [...host.split(".").reverse(), ...rest, ...pkg].join(".");
}

/**
 * The default markers and inline embeds of the Go types in `dirs` of a module, where the
 * definition is the OpenAPI name of the Go type (`io.k8s.api.core.v1.ContainerPort`).
 * The Go files are read line by line: the types of these packages are gofmt-ed, one field a
 * line, with the field's comment (and markers) right above it.
 */
function readGoFacts(moduleDir: string, modulePath: string, dirs: readonly string[], into: GoFacts): void {
  for (const sub of dirs) {
    for (const file of goFiles(join(moduleDir, sub))) {
      const pkg = relative(moduleDir, join(file, "..")).split(sep).filter((p) => p !== "." && p !== "");
      const prefix = definitionPrefix(modulePath, pkg);
      let type: string | undefined;
      let marked = false;
      for (const line of readFileSync(file, "utf8").split("\n")) {
        const start = STRUCT_START.exec(line);
        if (start) {
          type = start[1];
          marked = false;
          continue;
        }
        if (type === undefined) continue;
        if (line.startsWith("}")) {
          type = undefined;
          continue;
        }
        const marker = DEFAULT_MARKER.exec(line);
        if (marker) {
          if (!marker[1]!.startsWith("ref(")) marked = true;
          continue;
        }
        if (line.trimStart().startsWith("//")) continue;
        const inline = INLINE.exec(line);
        if (inline) {
          const key = `${prefix}.${type}`;
          into.inline.set(key, [...(into.inline.get(key) ?? []), `${prefix}.${inline[1]}`]);
        }
        const field = FIELD.exec(line);
        if (field && marked && field[1]) into.marked.add(`${prefix}.${type}.${field[1]}`);
        marked = false;
      }
    }
  }
}

/** The inline embeds of a definition, transitively. */
function embedsOf(facts: GoFacts, definition: string, seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const e of facts.inline.get(definition) ?? []) {
    if (seen.has(e)) continue;
    seen.add(e);
    out.push(e, ...embedsOf(facts, e, seen));
  }
  return out;
}

/** The source of the generated module for `version` (`1.36.3`). */
export function tableSource(version: string): string {
  if (!/^1\.\d+\.\d+$/.test(version)) throw new Error(`expected a Kubernetes version such as 1.36.3, got ${JSON.stringify(version)}`);
  const goVersion = `v0.${version.slice(2)}`;
  const wanted = [`k8s.io/kubernetes@v${version}`, ...GO_SOURCES.map((s) => `${s.module}@${goVersion}`)];
  const dirs = moduleDirs(wanted);
  const specDir = join(dirs.get(wanted[0]!)!, "api/openapi-spec/v3");
  const documents = readdirSync(specDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(specDir, f), "utf8")) as unknown);
  const facts: GoFacts = { marked: new Set(), inline: new Map() };
  const scanned: string[] = [];
  for (const s of GO_SOURCES) {
    readGoFacts(dirs.get(`${s.module}@${goVersion}`)!, s.module, s.dirs, facts);
    scanned.push(`${definitionPrefix(s.module, [])}.`);
  }
  // A field of an inline-embedded struct is the embedder's field, with its markers.
  const isMarked = (definition: string, property: string) =>
    [definition, ...embedsOf(facts, definition)].some((d) => facts.marked.has(`${d}.${property}`));
  // A definition of a package whose Go types were read keeps only its marked defaults;
  // another (none in Kubernetes' documents today) keeps those that are not zero values.
  const keepDefault: DefaultFilter = (definition, property, value) => {
    if (scanned.some((p) => definition.startsWith(p))) return isMarked(definition, property);
    return !(typeof value === "object" && value !== null && Object.keys(value).length === 0);
  };
  const table = tableFromOpenApi(documents, { kubernetes: version, keepDefault });
  // controller-gen flattens an inline-embedded struct into the embedder, its
  // `+structType=atomic` included (a SecretEnvSource is atomic as its LocalObjectReference is);
  // openapi-gen does not.
  const definitions = table.definitions as Record<string, Record<string, unknown>>;
  for (const [name, def] of Object.entries(definitions)) {
    if (def["x-kubernetes-map-type"] !== undefined) continue;
    const mapType = embedsOf(facts, name)
      .map((e) => definitions[e]?.["x-kubernetes-map-type"])
      .find((t) => t !== undefined);
    if (mapType !== undefined) def["x-kubernetes-map-type"] = mapType;
  }
  const json = serializeTable(table);
  if (json.includes("`") || json.includes("${")) throw new Error("the table's JSON cannot be written in a template literal");
  return [
    `// Generated by \`npm run embedded-types -- --kubernetes ${version}\` from Kubernetes' OpenAPI v3`,
    "// documents: the structural facts of its types, without descriptions. Do not edit.",
    'import type { EmbeddedTypesTable } from "./openapi-facts.js";',
    "",
    `export const KUBERNETES_TYPES: EmbeddedTypesTable = JSON.parse(String.raw\`${json}\`) as EmbeddedTypesTable;`,
    "",
  ].join("\n");
}

function main(): void {
  const { values } = parseArgs({ options: { kubernetes: { type: "string" }, check: { type: "boolean" } } });
  if (!values.kubernetes) throw new Error("usage: npm run embedded-types -- --kubernetes 1.36.3 [--check]");
  const source = tableSource(values.kubernetes);
  if (values.check) {
    const current = readFileSync(TABLE_FILE, "utf8");
    if (current !== source) {
      console.error(`${relative(ROOT, TABLE_FILE)} is not the table of Kubernetes ${values.kubernetes}: run npm run embedded-types -- --kubernetes ${values.kubernetes}`);
      process.exit(1);
    }
    console.log(`${relative(ROOT, TABLE_FILE)} is up to date`);
    return;
  }
  writeFileSync(TABLE_FILE, source);
  console.log(`wrote ${relative(ROOT, TABLE_FILE)} (${source.length} bytes)`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main();
