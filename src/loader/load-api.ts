import { basename, join } from "node:path";
import type { ts } from "ts-morph";
import type { DiagnosticList } from "../diagnostics/index.js";
import type { Marker, MarkerRegistry } from "../markers/index.js";
import type { ApiModel, ApiPackage, KindDecl, NamedType } from "../model/index.js";
import { OBJECT_ROOT } from "../markers/definitions/crd.js";
import { collectMarkers } from "./collect-markers.js";
import { discoverSources, GROUP_VERSION_INFO } from "./discover.js";
import { scanFileMarkers } from "./file-markers.js";
import { ModuleResolver } from "./module-resolver.js";
import { attachedBlocks, groupComments, markerLines, parseMarker } from "../markers/index.js";
import { isFileMarker, markerName } from "./collect-markers.js";
import { commentBlocksAt, commentBlocksOf, isExported, lineAndColumn, locationOf, type TypeDeclaration } from "./syntax.js";
import { TypeReader } from "./type-reader.js";
import { compiler, SyntaxKind } from "./typescript.js";

/** Reads the API packages and file-level markers under `paths` into the API model. */
export function loadApi(paths: readonly string[], registry: MarkerRegistry, diagnostics: DiagnosticList): ApiModel {
  const tree = discoverSources(paths, diagnostics);
  const resolver = new ModuleResolver(diagnostics);
  const packageDirs = new Set(tree.packageDirs);
  const reader = new TypeReader(resolver, registry, diagnostics, (file) => {
    const dir = file.slice(0, file.lastIndexOf("/"));
    return packageDirs.has(dir) ? dir : undefined;
  });

  const packages = tree.packageDirs.map((dir) => readPackage(dir, resolver, reader, registry, diagnostics));
  for (const dir of tree.packageDirs) {
    for (const sf of resolver.sourceFilesIn(dir)) warnUnattachedMarkers(sf, reader, registry, diagnostics);
  }

  const fileMarkers: Marker[] = [];
  for (const file of tree.files) {
    fileMarkers.push(...scanFileMarkers(file, resolver.text(file), registry, diagnostics));
  }
  const types = new Map([...reader.types.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { packages, types, fileMarkers };
}

/** Statement kinds a kind can be declared with. */
const KIND_DECLARATIONS = new Set<ts.SyntaxKind>([
  SyntaxKind.InterfaceDeclaration,
  SyntaxKind.ClassDeclaration,
  SyntaxKind.TypeAliasDeclaration,
]);

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
    for (const stmt of sf.statements) {
      if (!KIND_DECLARATIONS.has(stmt.kind)) continue;
      const decl = stmt as TypeDeclaration;
      const ref = reader.declarationRef(decl);
      if (ref.kind !== "named") continue;
      const type = reader.types.get(ref.id);
      if (!type || !isRoot(type)) continue;
      if (!isExported(decl)) {
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
    location: { file: infoFile.fileName, line: 1, column: 1 },
  };
}

/**
 * Markers in the comments at the top of groupversion-info.ts, before its first statement
 * (whose leading comments start at 0).
 */
function packageMarkers(file: ts.SourceFile, registry: MarkerRegistry, diagnostics: DiagnosticList): Marker[] {
  return collectMarkers(commentBlocksAt(file, 0), "package", file.fileName, registry, diagnostics);
}

function isRoot(type: NamedType): boolean {
  return type.markers.some((m) => m.name === OBJECT_ROOT && m.value === true);
}

/** `FooList` with an `items` field: the list type kubebuilder declares beside a kind. */
function isListType(type: NamedType): boolean {
  if (!type.name.endsWith("List") || type.type.kind !== "object") return false;
  return type.type.fields.some((f) => f.name === "items");
}

/**
 * Warns of every marker in a package file that attaches to nothing: not to a type or field
 * (by the rule of {@link attachedBlocks}), not in the package comment of
 * groupversion-info.ts, not a marker that counts anywhere in a file (RBAC, webhooks). A
 * marker at the end of a file or of an interface, above a `const`, or two comment groups
 * above a type would otherwise do nothing without a word.
 */
function warnUnattachedMarkers(sf: ts.SourceFile, reader: TypeReader, registry: MarkerRegistry, diagnostics: DiagnosticList): void {
  const file = sf.fileName;
  if (!sf.text.includes("+")) return;
  const seen = reader.markerLinesSeen;
  if (basename(file) === GROUP_VERSION_INFO) {
    for (const m of markerLines(commentBlocksAt(sf, 0))) seen.add(`${file}:${m.line}`);
  }
  for (const stmt of sf.statements) {
    if (stmt.kind !== SyntaxKind.EnumDeclaration) continue;
    const { blocks, detached } = attachedBlocks(commentBlocksOf(stmt), locationOf(stmt).line);
    for (const m of markerLines(blocks)) seen.add(`${file}:${m.line}`);
    reader.warnDetached(detached, file, "the enum below");
  }
  // Every comment of the file, from the compiler's scanner (strings are not comments).
  const scanner = compiler.createScanner(compiler.ScriptTarget.Latest, false, compiler.LanguageVariant.Standard, sf.text);
  const comments = [];
  for (let token = scanner.scan(); token !== SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token !== SyntaxKind.SingleLineCommentTrivia && token !== SyntaxKind.MultiLineCommentTrivia) continue;
    const start = scanner.getTokenStart();
    const { line, column } = lineAndColumn(sf, start);
    comments.push({ text: sf.text.slice(start, scanner.getTokenEnd()), line, column });
  }
  for (const m of markerLines(groupComments(comments))) {
    if (seen.has(`${file}:${m.line}`) || isFileMarker(markerName(m.text), registry)) continue;
    const location = { file, line: m.line, column: m.column };
    if (parseMarker(m.text, location, "type", registry).kind === "ignored") continue;
    diagnostics.warn(
      "marker-detached",
      `marker +${markerName(m.text)} is not attached to a type, a field or the package comment, and has no effect`,
      location,
      "a declaration takes the markers of the comment right above it and of the one comment group above that",
    );
  }
}
