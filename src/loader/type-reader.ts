import { Node, SyntaxKind, type SourceFile, type TypeNode } from "ts-morph";
import type { DiagnosticList, SourceLocation } from "../diagnostics/index.js";
import type { MarkerRegistry } from "../markers/index.js";
import { attachedBlocks, describe, groupComments, type CommentBlock } from "../markers/index.js";
import type { Field, KnownTypeName, NamedType, TypeRef } from "../model/index.js";
import { KNOWN_TYPE_NAMES } from "../model/index.js";
import { collectMarkers } from "./collect-markers.js";
import { CLIENT_NODE_MODULE, KB_MODULE, ModuleResolver, type TypeDeclaration } from "./module-resolver.js";

const KNOWN = new Set<string>(KNOWN_TYPE_NAMES);

/** A type as read at a use site: the reference, and whether `| undefined` made it optional. */
interface ReadType {
  readonly type: TypeRef;
  readonly optional: boolean;
}

/**
 * The 1-based line and column of `pos`, from the compiler's cached line map (ts-morph's
 * `getLineAndColumnAtPos` counts newlines from the file start on every call, which is
 * quadratic over a large file).
 */
export function lineAndColumn(sf: SourceFile, pos: number): { line: number; column: number } {
  const lc = sf.compilerNode.getLineAndCharacterOfPosition(pos);
  return { line: lc.line + 1, column: lc.character + 1 };
}

/** The location of a node's first character. */
export function locationOf(node: Node): SourceLocation {
  const sf = node.getSourceFile();
  const { line, column } = lineAndColumn(sf, node.getStart());
  return { file: sf.getFilePath(), line, column };
}

/** The comment blocks above a node, with their positions. */
export function commentBlocksOf(node: Node): CommentBlock[] {
  const sf = node.getSourceFile();
  const comments = node.getLeadingCommentRanges().map((r) => {
    const { line, column } = lineAndColumn(sf, r.getPos());
    return { text: r.getText(), line, column };
  });
  return groupComments(comments);
}

/**
 * Turns TypeScript declarations into the API model's types. It reads syntax only (no type
 * checker): names resolve through {@link ModuleResolver}, so a package of API types is read
 * without its dependencies installed. Unsupported types are located errors.
 */
export class TypeReader {
  readonly types = new Map<string, NamedType>();
  private readonly building = new Set<string>();

  constructor(
    readonly resolver: ModuleResolver,
    private readonly registry: MarkerRegistry,
    private readonly diagnostics: DiagnosticList,
    /** The package directory a file belongs to, if any. */
    private readonly packageOf: (file: string) => string | undefined,
  ) {}

  /** Reads a declaration (once) and returns a reference to it. */
  declarationRef(decl: TypeDeclaration): TypeRef {
    const id = declarationId(decl);
    if (!this.types.has(id) && !this.building.has(id)) {
      this.building.add(id);
      this.types.set(id, this.readDeclaration(decl, id));
      this.building.delete(id);
    }
    return { kind: "named", id };
  }

  /** Markers and description attached to a node. */
  attached(node: Node, target: "type" | "field"): { markers: NamedType["markers"]; description: string } {
    const line = lineAndColumn(node.getSourceFile(), node.getStart()).line;
    const { doc, blocks } = attachedBlocks(commentBlocksOf(node), line);
    const file = node.getSourceFile().getFilePath();
    return {
      markers: collectMarkers(blocks, target, file, this.registry, this.diagnostics),
      description: describe(doc),
    };
  }

  private readDeclaration(decl: TypeDeclaration, id: string): NamedType {
    const { markers, description } = this.attached(decl, "type");
    const file = decl.getSourceFile().getFilePath();
    const base = {
      id,
      name: decl.getName() ?? "(anonymous)",
      packageDir: this.packageOf(file),
      markers,
      description,
      location: locationOf(decl.getNameNode() ?? decl),
    };
    if (!Node.isEnumDeclaration(decl) && decl.getTypeParameters().length > 0) {
      this.error(decl, `generic type "${base.name}" is not supported in API types`, "use concrete types");
    }
    if (Node.isEnumDeclaration(decl)) {
      const values: (string | number)[] = [];
      for (const member of decl.getMembers()) {
        const v = enumMemberValue(member);
        if (v === undefined) this.error(member, `enum member ${member.getName()} must be a string or number literal`);
        else values.push(v);
      }
      if (values.some((v) => typeof v !== typeof values[0])) {
        this.error(decl, `enum ${base.name} mixes string and number values`, "use one kind of value");
      }
      return { ...base, declaration: "enum", type: { kind: "enum", values, location: base.location } };
    }
    if (Node.isTypeAliasDeclaration(decl)) {
      const node = decl.getTypeNode();
      const read = node ? this.read(node) : { type: { kind: "unknown" } as TypeRef, optional: false };
      const enumConsts = markers.some((m) => m.name === "k8s:enum") ? this.enumConsts(decl) : undefined;
      return { ...base, declaration: "alias", type: read.type, ...(enumConsts ? { enumConsts } : {}) };
    }
    return { ...base, declaration: "interface", type: this.readObjectDeclaration(decl) };
  }

  /** The exported consts of a `+k8s:enum` alias in its package, sorted. */
  private enumConsts(decl: import("ts-morph").TypeAliasDeclaration): (string | number)[] {
    const name = decl.getName();
    const dir = decl.getSourceFile().getDirectoryPath();
    const values = new Set<string | number>();
    const files = this.resolver
      .sourceFilesIn(dir)
      .filter((f) => f.getDirectoryPath() === dir);
    for (const sf of files) {
      for (const stmt of sf.getVariableStatements()) {
        if (!stmt.isExported()) continue;
        for (const v of stmt.getDeclarations()) {
          if (v.getTypeNode()?.getText() !== name) continue;
          const init = v.getInitializer();
          if (init && (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init))) {
            values.add(init.getLiteralValue());
          } else if (init && Node.isNumericLiteral(init)) {
            values.add(init.getLiteralValue());
          }
        }
      }
    }
    return [...values].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  }

  private readObjectDeclaration(
    decl: import("ts-morph").InterfaceDeclaration | import("ts-morph").ClassDeclaration,
  ): TypeRef {
    const sf = decl.getSourceFile();
    const embeds: TypeRef[] = [];
    const heritage = Node.isInterfaceDeclaration(decl) ? decl.getExtends() : [];
    if (Node.isClassDeclaration(decl)) {
      const ext = decl.getExtends();
      if (ext) heritage.push(ext);
    }
    for (const h of heritage) {
      const expr = h.getExpression().getText();
      if (h.getTypeArguments().length > 0) {
        this.error(h, `extending a generic type (${h.getText()}) is not supported`);
        continue;
      }
      embeds.push(this.resolveReference(sf, expr, [], h));
    }
    const fields: Field[] = [];
    const members = Node.isInterfaceDeclaration(decl) ? decl.getMembers() : decl.getMembers();
    let index: TypeRef | undefined;
    for (const member of members) {
      if (Node.isPropertySignature(member) || Node.isPropertyDeclaration(member)) {
        if (Node.isPropertyDeclaration(member) && member.isStatic()) continue;
        const field = this.readProperty(member);
        if (field) fields.push(field);
      } else if (Node.isIndexSignatureDeclaration(member)) {
        index = this.readIndexSignature(member);
      } else if (Node.isMethodSignature(member) || Node.isCallSignatureDeclaration(member)) {
        this.error(member, `functions are not allowed in API types (${member.getText().split("\n")[0]})`, "API types describe JSON data: declare only properties");
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

  private readIndexSignature(sig: import("ts-morph").IndexSignatureDeclaration): TypeRef {
    const keyType = sig.getKeyTypeNode().getText();
    if (keyType !== "string") this.error(sig, `map keys must be strings, found ${keyType}`);
    const valueNode = sig.getReturnTypeNode();
    return valueNode ? this.read(valueNode).type : { kind: "unknown" };
  }

  private readProperty(
    prop: import("ts-morph").PropertySignature | import("ts-morph").PropertyDeclaration,
  ): Field | undefined {
    const nameNode = prop.getNameNode();
    let name: string;
    if (Node.isStringLiteral(nameNode) || Node.isNoSubstitutionTemplateLiteral(nameNode)) {
      name = nameNode.getLiteralValue();
    } else if (Node.isIdentifier(nameNode) || Node.isPrivateIdentifier(nameNode)) {
      name = nameNode.getText();
      if (Node.isPrivateIdentifier(nameNode)) return undefined;
    } else {
      this.error(nameNode, `computed property names are not allowed in API types`);
      return undefined;
    }
    const typeNode = prop.getTypeNode();
    if (!typeNode) {
      this.error(prop, `property "${name}" has no type annotation`, "write its type: API types are read without a type checker");
      return undefined;
    }
    const read = this.read(typeNode);
    const { markers, description } = this.attached(prop, "field");
    return {
      name,
      optional: prop.hasQuestionToken() || read.optional,
      markers,
      description,
      location: locationOf(nameNode),
      type: read.type,
    };
  }

  /** Converts a type node at a use site. */
  read(node: TypeNode): ReadType {
    const plain = (type: TypeRef): ReadType => ({ type, optional: false });
    switch (node.getKind()) {
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
        return this.read((node as import("ts-morph").ParenthesizedTypeNode).getTypeNode());
      case SyntaxKind.ArrayType:
        return plain({ kind: "array", items: this.read((node as import("ts-morph").ArrayTypeNode).getElementTypeNode()).type });
      case SyntaxKind.TypeOperator: {
        const op = node as import("ts-morph").TypeOperatorTypeNode;
        if (op.getOperator() === SyntaxKind.ReadonlyKeyword) return this.read(op.getTypeNode());
        break;
      }
      case SyntaxKind.UnionType:
        return this.readUnion(node as import("ts-morph").UnionTypeNode);
      case SyntaxKind.LiteralType: {
        const lit = (node as import("ts-morph").LiteralTypeNode).getLiteral();
        if (Node.isStringLiteral(lit) || Node.isNumericLiteral(lit)) {
          return plain({ kind: "enum", values: [lit.getLiteralValue()], location: locationOf(node) });
        }
        if (lit.getKind() === SyntaxKind.TrueKeyword || lit.getKind() === SyntaxKind.FalseKeyword) {
          return plain({ kind: "boolean" });
        }
        break;
      }
      case SyntaxKind.TypeLiteral:
        return plain(this.readTypeLiteral(node as import("ts-morph").TypeLiteralNode));
      case SyntaxKind.IntersectionType: {
        const parts = (node as import("ts-morph").IntersectionTypeNode).getTypeNodes().map((t) => this.read(t).type);
        return plain({ kind: "object", fields: [], embeds: parts });
      }
      case SyntaxKind.TypeReference:
        return plain(this.readTypeReference(node as import("ts-morph").TypeReferenceNode));
      case SyntaxKind.ImportType:
        break;
      default:
        break;
    }
    this.error(node, unsupportedMessage(node), unsupportedHint(node));
    return plain({ kind: "unknown" });
  }

  private readUnion(node: import("ts-morph").UnionTypeNode): ReadType {
    let nullable = false;
    let optional = false;
    const rest: TypeNode[] = [];
    for (const t of node.getTypeNodes()) {
      const k = t.getKind();
      const lit = Node.isLiteralTypeNode(t) ? t.getLiteral().getKind() : undefined;
      if (lit === SyntaxKind.NullKeyword || k === SyntaxKind.NullKeyword) nullable = true;
      else if (k === SyntaxKind.UndefinedKeyword) optional = true;
      else rest.push(t);
    }
    let type: TypeRef;
    const literals = rest.map((t) => (Node.isLiteralTypeNode(t) ? t.getLiteral() : undefined));
    if (rest.length === 0) {
      this.error(node, `a type of only null/undefined cannot be expressed in a schema`);
      type = { kind: "unknown" };
    } else if (rest.length === 1) {
      type = this.read(rest[0]!).type;
    } else if (literals.every((l) => l && Node.isStringLiteral(l))) {
      type = { kind: "enum", values: literals.map((l) => (l as import("ts-morph").StringLiteral).getLiteralValue()), location: locationOf(node) };
    } else if (literals.every((l) => l && Node.isNumericLiteral(l))) {
      type = { kind: "enum", values: literals.map((l) => (l as import("ts-morph").NumericLiteral).getLiteralValue()), location: locationOf(node) };
    } else if (literals.every((l) => l && (l.getKind() === SyntaxKind.TrueKeyword || l.getKind() === SyntaxKind.FalseKeyword))) {
      type = { kind: "boolean" };
    } else {
      this.error(
        node,
        `unsupported union type ${node.getText()}: a structural schema cannot express a union of different types`,
        "use a string literal union, T | null, optional fields for one-of choices, or IntOrString",
      );
      type = { kind: "unknown" };
    }
    return { type: nullable ? { kind: "nullable", type } : type, optional };
  }

  private readTypeLiteral(node: import("ts-morph").TypeLiteralNode): TypeRef {
    const fields: Field[] = [];
    let index: TypeRef | undefined;
    for (const member of node.getMembers()) {
      if (Node.isPropertySignature(member)) {
        const f = this.readProperty(member);
        if (f) fields.push(f);
      } else if (Node.isIndexSignatureDeclaration(member)) {
        index = this.readIndexSignature(member);
      } else {
        this.error(member, `functions are not allowed in API types (${member.getText().split("\n")[0]})`, "API types describe JSON data: declare only properties");
      }
    }
    if (index) {
      if (fields.length > 0) this.error(node, `type mixes named properties with an index signature`, "use a separate map-valued field");
      return { kind: "map", values: index };
    }
    return { kind: "object", fields, embeds: [] };
  }

  private readTypeReference(node: import("ts-morph").TypeReferenceNode): TypeRef {
    const name = node.getTypeName().getText();
    const args = node.getTypeArguments();
    switch (name) {
      case "Array":
      case "ReadonlyArray":
        if (args.length === 1) return { kind: "array", items: this.read(args[0]!).type };
        break;
      case "Record":
        if (args.length === 2) {
          const key = args[0]!.getText();
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
          this.error(node, `unsupported generic type ${node.getText()}`, "API types may use Array<T>, ReadonlyArray<T> and Record<string, T>");
          return { kind: "unknown" };
        }
        return this.resolveReference(node.getSourceFile(), name, args, node);
    }
    this.error(node, `unsupported type ${node.getText()}`);
    return { kind: "unknown" };
  }

  private isDeclared(sf: SourceFile, name: string): boolean {
    return this.resolver.resolveName(sf, name.split(".")[0]!).kind !== "missing";
  }

  /** Resolves a (possibly qualified) type name used in `sf`. */
  resolveReference(sf: SourceFile, name: string, args: readonly TypeNode[], at: Node): TypeRef {
    if (args.length > 0) {
      this.error(at, `generic type arguments are not supported here (${at.getText()})`);
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
      } else if (ns.kind === "declaration" && Node.isEnumDeclaration(ns.declaration)) {
        const member = ns.declaration.getMember(parts[1]!);
        const v = member ? enumMemberValue(member) : undefined;
        if (v !== undefined) return { kind: "enum", values: [v], location: locationOf(at) };
        target = { kind: "missing", reason: `enum ${parts[0]} has no member ${parts[1]}` } as const;
      } else {
        target = { kind: "missing", reason: `cannot resolve "${name}"` } as const;
      }
    } else {
      target = { kind: "missing", reason: `cannot resolve "${name}"` } as const;
    }
    switch (target.kind) {
      case "declaration":
        return this.declarationRef(target.declaration);
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

  private externalRef(module: string, name: string, at: Node): TypeRef {
    if (module === KB_MODULE && KNOWN.has(name)) return { kind: "known", name: name as KnownTypeName };
    if (module === CLIENT_NODE_MODULE) return { kind: "builtin", name, location: locationOf(at) };
    if (module === KB_MODULE) {
      this.error(at, `"${name}" is not a type exported by ${KB_MODULE}`, `expected one of ${KNOWN_TYPE_NAMES.join(", ")}`);
    } else {
      this.error(at, `type "${name}" from "${module}" cannot be read`, `API types may import from relative modules, "${KB_MODULE}" and "${CLIENT_NODE_MODULE}"`);
    }
    return { kind: "unknown" };
  }

  private error(node: Node, message: string, hint?: string): void {
    this.diagnostics.error("type", message, locationOf(node), hint);
  }
}

/**
 * The value of an enum member, read from its syntax (the type checker's `getValue()` would
 * build a whole program): a string or number literal, or the previous number plus one.
 */
function enumMemberValue(member: import("ts-morph").EnumMember): string | number | undefined {
  const init = member.getInitializer();
  if (init === undefined) {
    const prev = member.getPreviousSibling();
    if (prev === undefined) return 0;
    if (!Node.isEnumMember(prev)) return undefined;
    const p = enumMemberValue(prev);
    return typeof p === "number" ? p + 1 : undefined;
  }
  if (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init)) return init.getLiteralValue();
  if (Node.isNumericLiteral(init)) return init.getLiteralValue();
  if (Node.isPrefixUnaryExpression(init) && init.getOperatorToken() === SyntaxKind.MinusToken) {
    const operand = init.getOperand();
    if (Node.isNumericLiteral(operand)) return -operand.getLiteralValue();
  }
  return undefined;
}

/** `<file>#<name>`: the id of a named type. */
export function declarationId(decl: TypeDeclaration): string {
  return `${decl.getSourceFile().getFilePath()}#${decl.getName() ?? "(anonymous)"}`;
}

function unsupportedMessage(node: TypeNode): string {
  const text = node.getText().split("\n")[0]!;
  switch (node.getKind()) {
    case SyntaxKind.FunctionType:
    case SyntaxKind.ConstructorType:
      return `functions are not allowed in API types (${text})`;
    case SyntaxKind.SymbolKeyword:
      return `symbol is not a JSON type`;
    case SyntaxKind.TupleType:
      return `tuple types are not supported (${text})`;
    case SyntaxKind.NeverKeyword:
    case SyntaxKind.VoidKeyword:
    case SyntaxKind.UndefinedKeyword:
    case SyntaxKind.NullKeyword:
      return `${text} cannot be the type of a field`;
    default:
      return `unsupported type ${text}`;
  }
}

function unsupportedHint(node: TypeNode): string {
  switch (node.getKind()) {
    case SyntaxKind.TupleType:
      return "use an array T[] with +kubebuilder:validation:MinItems/MaxItems";
    default:
      return "API types describe JSON: use string, number, boolean, arrays, records, interfaces and the types of kubebuilder-ts";
  }
}
