import type { ts } from "ts-morph";
import type { DiagnosticList } from "../diagnostics/index.js";
import type { MarkerRegistry } from "../markers/index.js";
import { attachedBlocks, describe, markerLines, parseMarker, type CommentBlock } from "../markers/index.js";
import type { Field, KnownTypeName, NamedType, TypeRef } from "../model/index.js";
import { KNOWN_TYPE_NAMES } from "../model/index.js";
import { collectMarkers, markerName } from "./collect-markers.js";
import { enumConsts, enumMemberIndex, enumMemberValues } from "./enums.js";
import { CLIENT_NODE_MODULE, KB_MODULE, type ModuleResolver } from "./module-resolver.js";
import {
  commentBlocksOf,
  declarationName,
  hasModifier,
  lineAndColumn,
  locationOf,
  numericValue,
  textOf,
  type TypeDeclaration,
} from "./syntax.js";
import { SyntaxKind } from "./typescript.js";
import { unsupportedHint, unsupportedMessage } from "./unsupported.js";

const KNOWN = new Set<string>(KNOWN_TYPE_NAMES);

/**
 * How deep a type may nest, counting named types it refers to (`string[][]` is 3 levels,
 * an interface extending one that extends another, 3). Every stage after the reader (schemas,
 * CEL cost, YAML) recurses once per level: deeper types are a located error, not a stack
 * overflow. Real API types nest a dozen levels.
 */
export const MAX_TYPE_DEPTH = 100;

/** A type as read at a use site: the reference, and whether `| undefined` made it optional. */
interface ReadType {
  readonly type: TypeRef;
  readonly optional: boolean;
}

const plain = (type: TypeRef): ReadType => ({ type, optional: false });

const SCHEMALESS_MARKER = "kubebuilder:validation:Schemaless";

/** A Schemaless field's type, unread: any JSON, optional when its type admits `undefined`. */
function schemalessType(node: ts.TypeNode): ReadType {
  const members = node.kind === SyntaxKind.UnionType ? (node as ts.UnionTypeNode).types : [node];
  return { type: { kind: "unknown" }, optional: members.some((t) => t.kind === SyntaxKind.UndefinedKeyword) };
}

/**
 * Turns TypeScript declarations into the API model's types. It reads syntax only (no type
 * checker): names resolve through {@link ModuleResolver}, so a package of API types is read
 * without its dependencies installed. Unsupported types are located errors.
 */
export class TypeReader {
  readonly types = new Map<string, NamedType>();
  private readonly building = new Set<string>();
  /** The depth of each named type read (see {@link MAX_TYPE_DEPTH}). */
  private readonly heights = new Map<string, number>();
  /** How many levels enclose the type being read. */
  private depth = 0;
  /** Whether the current top-level read has reported nesting too deep (once is enough). */
  private deepReported = false;
  /** `file:line` of every marker line read above a declaration, attached or not. */
  readonly markerLinesSeen = new Set<string>();

  constructor(
    private readonly resolver: ModuleResolver,
    private readonly registry: MarkerRegistry,
    private readonly diagnostics: DiagnosticList,
    /** The package directory a file belongs to, if any. */
    private readonly packageOf: (file: string) => string | undefined,
  ) {}

  /** Reads a declaration (once) and returns a reference to it. */
  declarationRef(decl: TypeDeclaration): TypeRef {
    const id = declarationId(decl);
    if (this.depth === 0) this.deepReported = false;
    if (!this.types.has(id) && !this.building.has(id)) {
      this.building.add(id);
      this.depth++;
      try {
        const type = this.readDeclaration(decl, id);
        this.types.set(id, type);
        this.heights.set(id, 1 + this.heightOf(type.type));
      } finally {
        this.depth--;
        this.building.delete(id);
      }
    }
    return { kind: "named", id };
  }

  /** How many levels `ref` nests, named types included (bounded: reads stop at the limit). */
  private heightOf(ref: TypeRef): number {
    switch (ref.kind) {
      case "named":
        return this.heights.get(ref.id) ?? 0;
      case "array":
        return 1 + this.heightOf(ref.items);
      case "map":
        return 1 + this.heightOf(ref.values);
      case "nullable":
        return this.heightOf(ref.type);
      case "object": {
        let h = 0;
        for (const f of ref.fields) h = Math.max(h, this.heightOf(f.type));
        for (const e of ref.embeds) h = Math.max(h, this.heightOf(e));
        return 1 + h;
      }
      default:
        return 0;
    }
  }

  /** Reports nesting past {@link MAX_TYPE_DEPTH} at `node` (once per top-level read). */
  private tooDeep(node: ts.Node): TypeRef {
    if (!this.deepReported) {
      this.deepReported = true;
      this.error(node, `type nests deeper than ${MAX_TYPE_DEPTH} levels (counting the named types it uses)`, "flatten it: a schema this deep is not usable");
    }
    return { kind: "unknown" };
  }

  /** Markers and description attached to a node. */
  private attached(node: ts.Node, target: "type" | "field"): { markers: NamedType["markers"]; description: string } {
    const sf = node.getSourceFile();
    const line = lineAndColumn(sf, node.getStart(sf)).line;
    const { doc, blocks, detached } = attachedBlocks(commentBlocksOf(node), line);
    for (const m of markerLines(blocks)) this.markerLinesSeen.add(`${sf.fileName}:${m.line}`);
    this.warnDetached(detached, sf.fileName, target === "type" ? `the type below` : `the field below`);
    return {
      markers: collectMarkers(blocks, target, sf.fileName, this.registry, this.diagnostics),
      description: describe(doc),
    };
  }

  /**
   * Warns of the markers in comment groups above a declaration that do not attach to it
   * (see {@link attachedBlocks}): left alone they would do nothing, without a word.
   */
  warnDetached(detached: readonly CommentBlock[], file: string, what: string): void {
    for (const m of markerLines(detached)) {
      const key = `${file}:${m.line}`;
      if (this.markerLinesSeen.has(key)) continue;
      this.markerLinesSeen.add(key);
      const location = { file, line: m.line, column: m.column };
      if (parseMarker(m.text, location, "type", this.registry).kind === "ignored") continue;
      this.diagnostics.warn(
        "marker-detached",
        `marker +${markerName(m.text)} is not attached to ${what}, and has no effect: a blank line separates it from the comment group that is`,
        location,
        "a declaration takes the markers of the comment right above it and of the one comment group above that; remove the blank line or move the marker",
      );
    }
  }

  private readDeclaration(decl: TypeDeclaration, id: string): NamedType {
    const { markers, description } = this.attached(decl, "type");
    const base = {
      id,
      name: declarationName(decl) ?? "(anonymous)",
      packageDir: this.packageOf(decl.getSourceFile().fileName),
      markers,
      description,
      location: locationOf(decl.name ?? decl),
    };
    if (decl.kind === SyntaxKind.EnumDeclaration) {
      const values: (string | number)[] = [];
      const memberValues = enumMemberValues(decl);
      decl.members.forEach((member, i) => {
        const v = memberValues[i];
        if (v === undefined) this.error(member, `enum member ${textOf(member.name)} must be a string or number literal`);
        else values.push(v);
      });
      if (values.some((v) => typeof v !== typeof values[0])) {
        this.error(decl, `enum ${base.name} mixes string and number values`, "use one kind of value");
      }
      return { ...base, declaration: "enum", type: { kind: "enum", values, location: base.location } };
    }
    if ((decl.typeParameters?.length ?? 0) > 0) {
      this.error(decl, `generic type "${base.name}" is not supported in API types`, "use concrete types");
    }
    if (decl.kind === SyntaxKind.TypeAliasDeclaration) {
      const read = this.read(decl.type);
      const consts = markers.some((m) => m.name === "k8s:enum") ? enumConsts(decl, this.resolver) : undefined;
      return { ...base, declaration: "alias", type: read.type, ...(consts ? { enumConsts: consts } : {}) };
    }
    return { ...base, declaration: "interface", type: this.readObjectDeclaration(decl) };
  }

  private readObjectDeclaration(decl: ts.InterfaceDeclaration | ts.ClassDeclaration): TypeRef {
    const isInterface = decl.kind === SyntaxKind.InterfaceDeclaration;
    const extendsClause = decl.heritageClauses?.find((c) => c.token === SyntaxKind.ExtendsKeyword);
    // A class extends one base; an interface any number.
    const heritage = (isInterface ? extendsClause?.types : extendsClause?.types.slice(0, 1)) ?? [];
    const embeds: TypeRef[] = [];
    for (const h of heritage) {
      if ((h.typeArguments?.length ?? 0) > 0) {
        this.error(h, `extending a generic type (${textOf(h)}) is not supported`);
        continue;
      }
      embeds.push(this.resolveReference(decl.getSourceFile(), textOf(h.expression), [], h));
    }
    const fields: Field[] = [];
    let index: TypeRef | undefined;
    for (const member of decl.members) {
      switch (member.kind) {
        case SyntaxKind.PropertyDeclaration:
        case SyntaxKind.PropertySignature: {
          if (member.kind === SyntaxKind.PropertyDeclaration && hasModifier(member, SyntaxKind.StaticKeyword)) break;
          const field = this.readProperty(member as ts.PropertySignature | ts.PropertyDeclaration);
          if (field) fields.push(field);
          break;
        }
        case SyntaxKind.IndexSignature:
          // A class's index signature says nothing about its JSON.
          if (isInterface) index = this.readIndexSignature(member as ts.IndexSignatureDeclaration);
          break;
        case SyntaxKind.MethodSignature:
        case SyntaxKind.CallSignature:
          this.functionMember(member);
          break;
      }
    }
    if (index) {
      if (fields.length > 0 || embeds.length > 0) {
        this.error(decl, `type mixes named properties with an index signature`, "use a separate map-valued field");
      }
      return { kind: "map", values: index };
    }
    return { kind: "object", fields, embeds };
  }

  private readIndexSignature(sig: ts.IndexSignatureDeclaration): TypeRef {
    const keyNode = sig.parameters[0]?.type;
    const keyType = keyNode ? textOf(keyNode) : "";
    if (keyType !== "string") this.error(sig, `map keys must be strings, found ${keyType}`);
    return sig.type ? this.read(sig.type).type : { kind: "unknown" };
  }

  private readProperty(prop: ts.PropertySignature | ts.PropertyDeclaration): Field | undefined {
    const nameNode = prop.name;
    let name: string;
    switch (nameNode.kind) {
      case SyntaxKind.StringLiteral:
      case SyntaxKind.NoSubstitutionTemplateLiteral:
        name = nameNode.text;
        break;
      case SyntaxKind.Identifier:
        name = textOf(nameNode);
        break;
      case SyntaxKind.PrivateIdentifier:
        return undefined;
      default:
        this.error(nameNode, `computed property names are not allowed in API types`);
        return undefined;
    }
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f-\x9f]/.test(name)) {
      this.error(nameNode, `field name ${JSON.stringify(name)} holds a control character`);
      return undefined;
    }
    if (!prop.type) {
      this.error(prop, `property "${name}" has no type annotation`, "write its type: API types are read without a type checker");
      return undefined;
    }
    const { markers, description } = this.attached(prop, "field");
    // A Schemaless field's type is not introspected, as in controller-gen: it may be what no
    // schema expresses (a union of objects, a Map), and its markers alone give its schema.
    const read = markers.some((m) => m.name === SCHEMALESS_MARKER) ? schemalessType(prop.type) : this.read(prop.type);
    return {
      name,
      optional: prop.questionToken !== undefined || read.optional,
      markers,
      description,
      location: locationOf(nameNode),
      type: read.type,
    };
  }

  private functionMember(member: ts.Node): void {
    this.error(member, `functions are not allowed in API types (${textOf(member).split("\n")[0]})`, "API types describe JSON data: declare only properties");
  }

  /** Converts a type node at a use site, one level deeper (see {@link MAX_TYPE_DEPTH}). */
  private read(node: ts.TypeNode): ReadType {
    if (this.depth >= MAX_TYPE_DEPTH) return plain(this.tooDeep(node));
    this.depth++;
    try {
      return this.readNode(node);
    } finally {
      this.depth--;
    }
  }

  private readNode(node: ts.TypeNode): ReadType {
    switch (node.kind) {
      case SyntaxKind.StringKeyword:
        return plain({ kind: "string" });
      case SyntaxKind.NumberKeyword:
        return plain({ kind: "number" });
      case SyntaxKind.BooleanKeyword:
        return plain({ kind: "boolean" });
      case SyntaxKind.UnknownKeyword:
      case SyntaxKind.AnyKeyword:
        return plain({ kind: "unknown" });
      case SyntaxKind.ObjectKeyword:
        return plain({ kind: "map", values: { kind: "unknown" } });
      case SyntaxKind.BigIntKeyword:
        return plain({ kind: "known", name: "int64" });
      case SyntaxKind.ParenthesizedType:
        return this.read((node as ts.ParenthesizedTypeNode).type);
      case SyntaxKind.ArrayType:
        return plain({ kind: "array", items: this.read((node as ts.ArrayTypeNode).elementType).type });
      case SyntaxKind.TypeOperator: {
        const op = node as ts.TypeOperatorNode;
        if (op.operator === SyntaxKind.ReadonlyKeyword) return this.read(op.type);
        break;
      }
      case SyntaxKind.UnionType:
        return this.readUnion(node as ts.UnionTypeNode);
      case SyntaxKind.LiteralType: {
        const lit = (node as ts.LiteralTypeNode).literal;
        if (lit.kind === SyntaxKind.StringLiteral) return plain({ kind: "enum", values: [lit.text], location: locationOf(node) });
        if (lit.kind === SyntaxKind.NumericLiteral) return plain({ kind: "enum", values: [numericValue(lit as ts.NumericLiteral)], location: locationOf(node) });
        if (lit.kind === SyntaxKind.TrueKeyword || lit.kind === SyntaxKind.FalseKeyword) return plain({ kind: "boolean" });
        break;
      }
      case SyntaxKind.TypeLiteral:
        return plain(this.readTypeLiteral(node as ts.TypeLiteralNode));
      case SyntaxKind.IntersectionType: {
        const parts = (node as ts.IntersectionTypeNode).types.map((t) => this.read(t).type);
        return plain({ kind: "object", fields: [], embeds: parts });
      }
      case SyntaxKind.TypeReference:
        return plain(this.readTypeReference(node as ts.TypeReferenceNode));
    }
    this.error(node, unsupportedMessage(node), unsupportedHint(node));
    return plain({ kind: "unknown" });
  }

  private readUnion(node: ts.UnionTypeNode): ReadType {
    let nullable = false;
    let optional = false;
    const rest: ts.TypeNode[] = [];
    for (const t of node.types) {
      if (t.kind === SyntaxKind.NullKeyword || literalOf(t)?.kind === SyntaxKind.NullKeyword) nullable = true;
      else if (t.kind === SyntaxKind.UndefinedKeyword) optional = true;
      else rest.push(t);
    }
    let type: TypeRef;
    const literals = rest.map(literalOf);
    const all = (kinds: ts.SyntaxKind[]) => literals.every((l) => l && kinds.includes(l.kind));
    if (rest.length === 0) {
      this.error(node, `a type of only null/undefined cannot be expressed in a schema`);
      type = { kind: "unknown" };
    } else if (rest.length === 1) {
      type = this.read(rest[0]!).type;
    } else if (all([SyntaxKind.StringLiteral])) {
      type = { kind: "enum", values: literals.map((l) => (l as ts.StringLiteral).text), location: locationOf(node) };
    } else if (all([SyntaxKind.NumericLiteral])) {
      type = { kind: "enum", values: literals.map((l) => numericValue(l as ts.NumericLiteral)), location: locationOf(node) };
    } else if (all([SyntaxKind.TrueKeyword, SyntaxKind.FalseKeyword])) {
      type = { kind: "boolean" };
    } else {
      this.error(
        node,
        `unsupported union type ${textOf(node)}: a structural schema cannot express a union of different types`,
        "use a string literal union, T | null, optional fields for one-of choices, or IntOrString",
      );
      type = { kind: "unknown" };
    }
    return { type: nullable ? { kind: "nullable", type } : type, optional };
  }

  private readTypeLiteral(node: ts.TypeLiteralNode): TypeRef {
    const fields: Field[] = [];
    let index: TypeRef | undefined;
    for (const member of node.members) {
      if (member.kind === SyntaxKind.PropertySignature) {
        const f = this.readProperty(member as ts.PropertySignature);
        if (f) fields.push(f);
      } else if (member.kind === SyntaxKind.IndexSignature) {
        index = this.readIndexSignature(member as ts.IndexSignatureDeclaration);
      } else {
        this.functionMember(member);
      }
    }
    if (index) {
      if (fields.length > 0) this.error(node, `type mixes named properties with an index signature`, "use a separate map-valued field");
      return { kind: "map", values: index };
    }
    return { kind: "object", fields, embeds: [] };
  }

  private readTypeReference(node: ts.TypeReferenceNode): TypeRef {
    const name = textOf(node.typeName);
    const args = node.typeArguments ?? [];
    switch (name) {
      case "Array":
      case "ReadonlyArray":
        if (args.length === 1) return { kind: "array", items: this.read(args[0]!).type };
        break;
      case "Record":
        if (args.length === 2) {
          const key = textOf(args[0]!);
          if (key !== "string") this.error(args[0]!, `map keys must be strings, found ${key}`);
          return { kind: "map", values: this.read(args[1]!).type };
        }
        break;
      case "Uint8Array":
        return { kind: "bytes" };
      case "Date":
        this.error(node, `Date is not a JSON type`, `use Time from "${KB_MODULE}" (a date-time string)`);
        return { kind: "unknown" };
      default:
        if (args.length > 0 && !this.isDeclared(node.getSourceFile(), name)) {
          this.error(node, `unsupported generic type ${textOf(node)}`, "API types may use Array<T>, ReadonlyArray<T> and Record<string, T>");
          return { kind: "unknown" };
        }
        return this.resolveReference(node.getSourceFile(), name, args, node);
    }
    this.error(node, `unsupported type ${textOf(node)}`);
    return { kind: "unknown" };
  }

  private isDeclared(sf: ts.SourceFile, name: string): boolean {
    return this.resolver.resolveName(sf, name.split(".")[0]!).kind !== "missing";
  }

  /** Resolves a (possibly qualified) type name used in `sf`. */
  private resolveReference(sf: ts.SourceFile, name: string, args: readonly ts.TypeNode[], at: ts.Node): TypeRef {
    if (args.length > 0) {
      this.error(at, `generic type arguments are not supported here (${textOf(at)})`);
    }
    const parts = name.split(".");
    let target;
    if (parts.length === 1) {
      target = this.resolver.resolveName(sf, name);
    } else if (parts.length === 2) {
      const ns = this.resolver.resolveName(sf, parts[0]!);
      if (ns.kind === "namespace") {
        target = ns.file
          ? this.resolver.exportOf(ns.file, parts[1]!)
          : ({ kind: "external", module: ns.module, name: parts[1]! } as const);
      } else if (ns.kind === "declaration" && ns.declaration.kind === SyntaxKind.EnumDeclaration) {
        const i = enumMemberIndex(ns.declaration, parts[1]!);
        const v = i < 0 ? undefined : enumMemberValues(ns.declaration)[i];
        if (v !== undefined) return { kind: "enum", values: [v], location: locationOf(at) };
        target = { kind: "missing", reason: `enum ${parts[0]} has no member ${parts[1]}` } as const;
      } else {
        target = { kind: "missing", reason: `cannot resolve "${name}"` } as const;
      }
    } else {
      target = { kind: "missing", reason: `cannot resolve "${name}"` } as const;
    }
    switch (target.kind) {
      case "declaration": {
        if (this.depth >= MAX_TYPE_DEPTH) return this.tooDeep(at);
        const ref = this.declarationRef(target.declaration);
        const height = ref.kind === "named" ? (this.heights.get(ref.id) ?? 0) : 0;
        return this.depth + height > MAX_TYPE_DEPTH ? this.tooDeep(at) : ref;
      }
      case "external":
        return this.externalRef(target.module, target.name, at);
      case "namespace":
        this.error(at, `"${name}" is a namespace, not a type`);
        return { kind: "unknown" };
      case "missing":
        this.error(at, target.reason);
        return { kind: "unknown" };
    }
  }

  private externalRef(module: string, name: string, at: ts.Node): TypeRef {
    if (module === KB_MODULE && KNOWN.has(name)) return { kind: "known", name: name as KnownTypeName };
    if (module === CLIENT_NODE_MODULE) return { kind: "builtin", name, location: locationOf(at) };
    if (module === KB_MODULE) {
      this.error(at, `"${name}" is not a type exported by ${KB_MODULE}`, `expected one of ${KNOWN_TYPE_NAMES.join(", ")}`);
    } else {
      this.error(at, `type "${name}" from "${module}" cannot be read`, `API types may import from relative modules, "${KB_MODULE}" and "${CLIENT_NODE_MODULE}"`);
    }
    return { kind: "unknown" };
  }

  private error(node: ts.Node, message: string, hint?: string): void {
    this.diagnostics.error("type", message, locationOf(node), hint);
  }
}

/** `<file>#<name>`: the id of a named type. */
function declarationId(decl: TypeDeclaration): string {
  return `${decl.getSourceFile().fileName}#${declarationName(decl) ?? "(anonymous)"}`;
}

/** The literal of a literal type node (`"a"`, `1`, `true`, `null`), if it is one. */
function literalOf(node: ts.TypeNode): ts.LiteralTypeNode["literal"] | undefined {
  return node.kind === SyntaxKind.LiteralType ? (node as ts.LiteralTypeNode).literal : undefined;
}
