import {
  BOOL,
  DYN,
  ERROR,
  INT,
  TYPE,
  childPath,
  describeType,
  isOpen,
  itemPath,
  listOf,
  objectFields,
  optionalOf,
  typeFromSchema,
  type CelType,
} from "./cel-types.js";
import { CEL_RESERVED_WORDS } from "./escape.js";
import {
  CelCode,
  callFinding,
  undeclaredFinding,
  iterationCostFinding,
  ownerName,
  stringCostFinding,
  unknownFieldFinding,
  withArticle,
  type Finding,
} from "./findings.js";
import {
  FUNCTION_NAMESPACES,
  ITERATING_MACROS,
  TYPE_IDENTIFIERS,
  LENGTH_BOUND_FUNCTIONS,
  typeGlobalCall,
  typeMemberCall,
  typeNamespacedCall,
  type CallTyping,
} from "./functions.js";
import type { CelExpr, ParsedRule } from "./parse-rule.js";
import { checkUnexpandedMacro, computed, type MacroHost } from "./macros.js";
import { arithmetic, constantType, joinTypes, operatorAccepts, operatorSymbol, sameType } from "./operators.js";
import { goRegexpProblem } from "../../../regexp/go-regexp.js";
import { durationProblem, timestampProblem } from "./literals.js";

/** The variables a rule sees. */
export interface RuleEnv {
  readonly self: CelType;
  readonly oldSelf: CelType;
}

/** What checking one expression found. */
export interface ExpressionCheck {
  readonly type: CelType;
  readonly findings: readonly Finding[];
  /** The expression refers to `oldSelf` (a transition rule). */
  readonly usesOldSelf: boolean;
  /** Schema paths under `self` the expression reads (`self.spec.items[*].name`). */
  readonly selfPaths: ReadonlySet<string>;
  /** The type of each sub-expression, by node id (for the cost estimate). */
  readonly types: ReadonlyMap<string, CelType>;
}

type Call = Extract<CelExpr["exprKind"], { case: "callExpr" }>["value"];
type Comprehension = Extract<CelExpr["exprKind"], { case: "comprehensionExpr" }>["value"];

/**
 * Types a parsed CEL expression against the schema-derived types of `self` and `oldSelf`,
 * the way the API server's checker does, and reports unknown fields, selections on values
 * without fields, undeclared names, operators and functions without an overload for their
 * operands, invalid literals, misused macros, and cost-relevant uses of unbounded lists, maps
 * and strings. It records each node's type for the cost estimate. One walk over the AST.
 */
export function checkExpression(parsed: ParsedRule, env: RuleEnv): ExpressionCheck {
  const walker = new Walker(parsed, env);
  const type = walker.check(parsed.expr);
  return { type, findings: walker.findings, usesOldSelf: walker.usesOldSelf, selfPaths: walker.selfPaths, types: walker.types };
}

class Walker implements MacroHost {
  readonly findings: Finding[] = [];
  readonly selfPaths = new Set<string>();
  readonly types = new Map<string, CelType>();
  usesOldSelf = false;
  private readonly scopes: Map<string, CelType>[];
  private readonly warned = new Set<string>();

  constructor(
    private readonly parsed: ParsedRule,
    env: RuleEnv,
  ) {
    this.scopes = [
      new Map([
        ["self", env.self],
        ["oldSelf", env.oldSelf],
      ]),
    ];
  }

  check(e: CelExpr | undefined): CelType {
    if (!e) return ERROR;
    const t = this.checkNode(e);
    this.types.set(e.id.toString(), t);
    return t;
  }

  private checkNode(e: CelExpr): CelType {
    const kind = e.exprKind;
    switch (kind.case) {
      case "constExpr":
        return constantType(kind.value.constantKind.case);
      case "identExpr":
        return this.ident(kind.value.name, e);
      case "selectExpr": {
        const { operand, field, testOnly } = kind.value;
        const on = this.check(operand);
        const t = this.select(on, field, this.pos(e));
        if (testOnly) return BOOL;
        return this.parsed.optionalSelects.has(this.pos(e) ?? -1) ? optionalOf(t) : t;
      }
      case "callExpr":
        return this.call(kind.value, e);
      case "listExpr": {
        let elem: CelType = DYN;
        let mixed = false;
        kind.value.elements.forEach((el, i) => {
          const t = unwrap(this.check(el));
          if (i > 0 && !sameType(elem, t)) mixed = true;
          elem = i === 0 ? t : joinTypes(elem, t);
        });
        if (mixed) {
          this.report(this.mixedLiteral("list", kind.value.elements.map((el) => this.typeOf(el))), e);
          return ERROR;
        }
        return listOf(elem);
      }
      case "structExpr": {
        let key: CelType = DYN;
        let value: CelType = DYN;
        let mixed = false;
        kind.value.entries.forEach((entry, i) => {
          const k = entry.keyKind.case === "mapKey" ? this.check(entry.keyKind.value) : DYN;
          const v = unwrap(this.check(entry.value));
          if (i > 0 && (!sameType(key, k) || !sameType(value, v))) mixed = true;
          key = i === 0 ? k : joinTypes(key, k);
          value = i === 0 ? v : joinTypes(value, v);
        });
        if (mixed && !kind.value.messageName) {
          this.report(this.mixedLiteral("map", []), e);
          return ERROR;
        }
        return kind.value.messageName ? DYN : { kind: "map", key, value };
      }
      case "comprehensionExpr":
        return this.comprehension(kind.value, e);
      default:
        return DYN;
    }
  }

  private pos(e: CelExpr): number | undefined {
    return this.parsed.positions[e.id.toString()];
  }

  report(f: Omit<Finding, "offset">, at: CelExpr | number | undefined): void {
    const offset = typeof at === "number" ? at : at === undefined ? undefined : this.pos(at);
    this.findings.push(offset === undefined ? f : { ...f, offset });
  }

  private warnOnce(f: Finding | undefined): void {
    if (!f) return;
    const key = f.hint ?? f.message;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.findings.push(f);
  }

  private lookup(name: string): { type: CelType } | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i]!.get(name);
      if (t) return { type: t };
    }
    return undefined;
  }

  private ident(name: string, e: CelExpr): CelType {
    const v = this.lookup(name);
    if (v) {
      // As the API server decides: any reference named oldSelf makes a transition rule.
      if (name === "oldSelf") this.usesOldSelf = true;
      return v.type;
    }
    if (TYPE_IDENTIFIERS.has(name)) return TYPE;
    const visible = this.scopes.flatMap((s) => [...s.keys()]).filter((k) => !k.startsWith("@"));
    this.report(undeclaredFinding(name, visible), e);
    return ERROR;
  }

  private record(t: CelType): CelType {
    const path = "path" in t ? t.path : undefined;
    if (path !== undefined && (path.startsWith("self.") || path.startsWith("self["))) this.selfPaths.add(path);
    return t;
  }

  private select(on: CelType, field: string, offset: number | undefined): CelType {
    switch (on.kind) {
      case "optional":
        return optionalOf(this.select(on.inner, field, offset));
      case "error":
        return ERROR;
      case "dyn":
        return this.record({ kind: "dyn", ...(on.path === undefined ? {} : { path: `${on.path}.${field}` }) });
      case "map":
        return this.record(on.value);
      case "object": {
        const fields = objectFields(on.node, on.root);
        const f =
          fields.byCelName.get(field) ??
          (CEL_RESERVED_WORDS.has(field) ? fields.byCelName.get(`__${field}__`) : undefined);
        if (!f) {
          const preserves = on.node["x-kubernetes-preserve-unknown-fields"] === true;
          const { message, hint } = unknownFieldFinding(ownerName(on), field, fields, preserves);
          this.report({ severity: "error", code: CelCode.unknownField, message, ...(hint ? { hint } : {}) }, offset);
          return ERROR;
        }
        const embedded = f.node["x-kubernetes-embedded-resource"] === true;
        return this.record(typeFromSchema(f.node, childPath(on.path, f.json), "field", embedded) ?? ERROR);
      }
      case "scalar":
        if (on.name === "type") return TYPE; // google.protobuf.Timestamp and the like
    }
    this.report(
      {
        severity: "error",
        code: CelCode.noFields,
        message: `cannot select "${field}": ${ownerName(on)} is ${withArticle(on)}, which has no fields`,
      },
      offset,
    );
    return ERROR;
  }

  private index(on: CelType, optional: boolean, e: CelExpr, key: CelType): CelType {
    let t: CelType;
    switch (on.kind) {
      case "optional":
        return optionalOf(this.index(on.inner, false, e, key));
      case "list":
        if (!sameType(key, INT)) return this.badIndex(on, key, e);
        t = on.elem;
        break;
      case "map":
        if (!sameType(key, on.key)) return this.badIndex(on, key, e);
        t = on.value;
        break;
      case "dyn":
        t = { kind: "dyn", ...(on.path === undefined ? {} : { path: itemPath(on.path)! }) };
        break;
      case "error":
        return ERROR;
      default:
        this.report(
          {
            severity: "error",
            code: CelCode.noOverload,
            message: `${ownerName(on)} is ${withArticle(on)} and cannot be indexed`,
          },
          e,
        );
        return ERROR;
    }
    this.record(t);
    return optional ? optionalOf(t) : t;
  }

  /** Whether an operator has an overload for these operands; reports when it has none. */
  private operator(fn: string, args: readonly CelType[], e: CelExpr): boolean {
    if (args.some((a) => a.kind === "error")) return true; // reported already
    if (operatorAccepts(fn, args) !== false) return true;
    const op = operatorSymbol(fn);
    const logical = fn === "_&&_" || fn === "_||_" || fn === "!_";
    this.report(
      {
        severity: "error",
        code: CelCode.noOverload,
        message: `no matching overload for "${op}" applied to (${args.map(describeOperand).join(", ")})`,
        hint: logical
          ? `"${op}" takes bools`
          : fn === "_?_:_"
            ? "the condition must be a bool, and both branches of the same type"
            : "CEL does not convert between types: compare and combine values of the same type (1 and 1.0 differ), or convert with int(), double(), string()",
      },
      e,
    );
    return false;
  }

  private badIndex(on: CelType, key: CelType, e: CelExpr): CelType {
    this.report(
      {
        severity: "error",
        code: CelCode.noOverload,
        message: `${ownerName(on)} is ${withArticle(on)} and cannot be indexed with ${withArticle(key)}`,
      },
      e,
    );
    return ERROR;
  }

  private mixedLiteral(what: "list" | "map", types: readonly CelType[]): Omit<Finding, "offset"> {
    const shown = types.length > 0 ? ` (${types.map(describeOperand).join(", ")})` : "";
    return {
      severity: "error",
      code: CelCode.noOverload,
      message: `the ${what === "list" ? "elements" : "keys or values"} of a ${what} literal must all have one type${shown}`,
      ...(types.some((t) => t.kind === "object")
        ? { hint: "objects of different fields are different types, even when their fields are the same" }
        : {}),
    };
  }

  private typeOf(e: CelExpr): CelType {
    return this.types.get(e.id.toString()) ?? DYN;
  }

  private call(c: Call, e: CelExpr): CelType {
    const fn = c.function;
    switch (fn) {
      case "@not_strictly_false":
        c.args.forEach((a) => this.check(a));
        return BOOL;
      case "_&&_":
      case "_||_":
      case "!_":
      case "_==_":
      case "_!=_":
      case "_<_":
      case "_<=_":
      case "_>_":
      case "_>=_":
      case "@in":
        return this.operator(fn, c.args.map((a) => this.check(a)), e) ? BOOL : ERROR;
      case "_+_":
      case "_-_":
      case "_*_":
      case "_/_":
      case "_%_": {
        const [a, b] = [this.check(c.args[0]), this.check(c.args[1])];
        return this.operator(fn, [a, b], e) ? arithmetic(fn, a, b) : ERROR;
      }
      case "-_": {
        const a = this.check(c.args[0]);
        return this.operator(fn, [a], e) ? computed(a) : ERROR;
      }
      case "_?_:_": {
        const args = [this.check(c.args[0]), this.check(c.args[1]), this.check(c.args[2])];
        return this.operator(fn, args, e) ? joinTypes(args[1]!, args[2]!) : ERROR;
      }
      case "_[_]":
      case "_[?_]": {
        const on = this.check(c.args[0]);
        const key = this.check(c.args[1]);
        return this.index(on, fn === "_[?_]" || this.parsed.optionalIndexes.has(this.pos(e) ?? -1), e, key);
      }
      case "has":
        c.args.forEach((a) => this.check(a));
        this.report(
          {
            severity: "error",
            code: CelCode.macro,
            message: "invalid argument to has(): it takes a field selection such as has(self.field)",
          },
          e,
        );
        return BOOL;
    }
    if (c.target) return this.memberCall(c, c.target, e);
    const args = c.args.map((a) => this.check(a));
    if (fn === "matches" && args[0]) this.warnOnce(stringCostFinding(args[0], fn, this.pos(e)));
    if (!this.literalsValid(fn, fn === "matches" ? c.args[1] : c.args[0], e)) return ERROR;
    return this.typed(typeGlobalCall(fn, args), fn, undefined, e);
  }

  /**
   * The API server's checks of literal arguments: the pattern of matches(), find() and
   * findAll() must be RE2, and duration() and timestamp() of a string literal must parse.
   */
  private literalsValid(fn: string, arg: CelExpr | undefined, e: CelExpr): boolean {
    const k = arg?.exprKind;
    if (k?.case !== "constExpr" || k.value.constantKind.case !== "stringValue") return true;
    const text = k.value.constantKind.value;
    let problem: string | undefined;
    let hint: string | undefined;
    if (fn === "matches" || fn === "find" || fn === "findAll") {
      problem = goRegexpProblem(text);
      if (problem !== undefined) problem = `invalid ${fn}() pattern: ${problem}`;
      hint = "CEL patterns are RE2 (Go's regexp): no lookaround or backreferences";
    } else if (fn === "duration") {
      problem = durationProblem(text);
    } else if (fn === "timestamp") {
      problem = timestampProblem(text);
    }
    if (problem === undefined) return true;
    this.report({ severity: "error", code: CelCode.literal, message: problem, ...(hint ? { hint } : {}) }, e);
    return false;
  }

  private memberCall(c: Call, target: CelExpr, e: CelExpr): CelType {
    const fn = c.function;
    if (target.exprKind.case === "identExpr") {
      const ns = target.exprKind.value.name;
      if (!this.lookup(ns) && FUNCTION_NAMESPACES.has(ns)) {
        const args = c.args.map((a) => this.check(a));
        return this.typed(typeNamespacedCall(ns, fn, args), `${ns}.${fn}`, undefined, e);
      }
    }
    const binders = c.args.map((a) => (a.exprKind.case === "identExpr" ? a.exprKind.value.name : undefined));
    const bound = checkUnexpandedMacro(this, fn, target, c.args, binders, e);
    if (bound) return bound;
    if (ITERATING_MACROS.has(fn) && (c.args.length === 2 || c.args.length === 3) && binders[0] === undefined) {
      this.check(target);
      this.report(
        {
          severity: "error",
          code: CelCode.macro,
          message: `the first argument of ${fn}() must be a simple variable name`,
        },
        e,
      );
      return ERROR;
    }
    const receiver = this.check(target);
    const args = c.args.map((a) => this.check(a));
    if (LENGTH_BOUND_FUNCTIONS.has(fn)) this.warnOnce(stringCostFinding(receiver, fn, this.pos(e)));
    if (!this.literalsValid(fn, c.args[0], e)) return ERROR;
    return this.typed(typeMemberCall(fn, receiver, args), fn, receiver, e);
  }

  within<T>(vars: Record<string, CelType>, body: () => T): T {
    this.scopes.push(new Map(Object.entries(vars)));
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  /** The variables a comprehension over `range` binds (element, or key and value), with cost warnings. */
  iterate(range: CelType, what: string, e: CelExpr, twoVar: boolean): [CelType, CelType] {
    this.warnOnce(iterationCostFinding(range, `${what}()`, this.pos(e)));
    switch (range.kind) {
      case "list":
        return twoVar ? [INT, range.elem] : [range.elem, DYN];
      case "map":
        return [range.key, range.value];
      case "dyn": {
        const item: CelType = { kind: "dyn", ...(range.path === undefined ? {} : { path: itemPath(range.path)! }) };
        return twoVar ? [DYN, item] : [item, DYN];
      }
      case "error":
        return [ERROR, ERROR];
    }
    this.report(
      {
        severity: "error",
        code: CelCode.macro,
        message: `${what}() cannot iterate over ${ownerName(range)}: it is ${withArticle(range)}, not a list or map`,
      },
      e,
    );
    return [ERROR, ERROR];
  }

  private comprehension(c: Comprehension, e: CelExpr): CelType {
    const macro = this.parsed.macroCalls[e.id.toString()];
    const name = macro?.exprKind.case === "callExpr" ? macro.exprKind.value.function : "comprehension";
    const range = this.check(c.iterRange);
    const [elem] = this.iterate(range, name, e, false);
    const accuInit = this.check(c.accuInit);
    return this.within({ [c.iterVar]: elem, [c.accuVar]: accuInit }, () => {
      this.check(c.loopCondition);
      const step = this.check(c.loopStep);
      if (accuInit.kind === "list" && isOpen(accuInit.elem) && step.kind === "list") {
        this.scopes[this.scopes.length - 1]!.set(c.accuVar, step);
      }
      return this.check(c.result);
    });
  }

  private typed(t: CallTyping, name: string, receiver: CelType | undefined, e: CelExpr): CelType {
    if (t.kind === "ok") return t.type;
    this.report(callFinding(t, name, receiver), e);
    return t.kind === "unknown" ? DYN : ERROR;
  }
}

/** A type for an overload message: objects are told apart by their schema path. */
function describeOperand(t: CelType): string {
  return t.kind === "object" && t.path ? `object ${t.path}` : describeType(t);
}

/** An optional list element (`[?x]`) adds its value. */
function unwrap(t: CelType): CelType {
  return t.kind === "optional" ? t.inner : t;
}
