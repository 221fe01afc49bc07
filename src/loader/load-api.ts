import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Project, ts } from "ts-morph";
import type { DiagnosticList } from "../diagnostics/index.js";
import { groupComments, type Marker, type MarkerRegistry } from "../markers/index.js";
import type { ApiModel, ApiPackage, KindDecl, NamedType } from "../model/index.js";
import { OBJECT_ROOT } from "../markers/definitions/crd.js";
import { collectMarkers } from "./collect-markers.js";
import { discoverSources, GROUP_VERSION_INFO } from "./discover.js";
import { scanFileMarkers } from "./file-markers.js";
import { ModuleResolver } from "./module-resolver.js";
import { commentBlocksOf, lineAndColumn, TypeReader } from "./type-reader.js";

/** Reads the API packages and file-level markers under `paths` into the API model. */
export function loadApi(paths: readonly string[], registry: MarkerRegistry, diagnostics: DiagnosticList): ApiModel {
  const tree = discoverSources(paths, (p) => diagnostics.error("paths", `--paths ${p}: no such file or directory`));
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, noLib: true },
  });
  const resolver = new ModuleResolver(project);
  const packageDirs = new Set(tree.packageDirs);
  const reader = new TypeReader(resolver, registry, diagnostics, (file) => {
    const dir = file.slice(0, file.lastIndexOf("/"));
    return packageDirs.has(dir) ? dir : undefined;
  });

  const packages = tree.packageDirs.map((dir) => readPackage(dir, resolver, reader, registry, diagnostics));

  const fileMarkers: Marker[] = [];
  for (const file of tree.files) {
    const text = project.getSourceFile(file)?.getFullText() ?? readFileSync(file, "utf8");
    fileMarkers.push(...scanFileMarkers(file, text, registry, diagnostics));
  }
  const types = new Map([...reader.types.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { packages, types, fileMarkers };
}

function readPackage(
  dir: string,
  resolver: ModuleResolver,
  reader: TypeReader,
  registry: MarkerRegistry,
  diagnostics: DiagnosticList,
): ApiPackage {
  const infoFile = resolver.sourceFile(join(dir, GROUP_VERSION_INFO));
  const markers = packageMarkers(infoFile, registry, diagnostics);
  const group = markers.find((m) => m.name === "groupName")?.value as string | undefined;
  const version = (markers.find((m) => m.name === "versionName")?.value as string | undefined) ?? basename(dir);
  const kinds: KindDecl[] = [];
  for (const sf of resolver.sourceFilesIn(dir)) {
    const decls = [...sf.getInterfaces(), ...sf.getClasses(), ...sf.getTypeAliases()];
    decls.sort((a, b) => a.getStart() - b.getStart());
    for (const decl of decls) {
      const ref = reader.declarationRef(decl);
      if (ref.kind !== "named") continue;
      const type = reader.types.get(ref.id);
      if (!type || !isRoot(type)) continue;
      if (!decl.isExported()) {
        diagnostics.error("kind", `kind ${type.name} must be exported`, type.location);
        continue;
      }
      if (isListType(type)) continue;
      kinds.push({ name: type.name, typeId: type.id, location: type.location });
    }
  }
  return {
    dir,
    group,
    version,
    markers,
    kinds,
    location: { file: infoFile.getFilePath(), line: 1, column: 1 },
  };
}

/** Markers in the comments before the first statement of groupversion-info.ts. */
function packageMarkers(file: import("ts-morph").SourceFile, registry: MarkerRegistry, diagnostics: DiagnosticList): Marker[] {
  const first = file.getStatements()[0];
  let blocks;
  if (first) {
    blocks = commentBlocksOf(first);
  } else {
    const text = file.getFullText();
    const ranges = ts.getLeadingCommentRanges(text, 0) ?? [];
    blocks = groupComments(
      ranges.map((r) => {
        const { line, column } = lineAndColumn(file, r.pos);
        return { text: text.slice(r.pos, r.end), line, column };
      }),
    );
  }
  return collectMarkers(blocks, "package", file.getFilePath(), registry, diagnostics);
}

function isRoot(type: NamedType): boolean {
  return type.markers.some((m) => m.name === OBJECT_ROOT && m.value === true);
}

/** `FooList` with an `items` field: the list type kubebuilder declares beside a kind. */
function isListType(type: NamedType): boolean {
  if (!type.name.endsWith("List") || type.type.kind !== "object") return false;
  return type.type.fields.some((f) => f.name === "items");
}
