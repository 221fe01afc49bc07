import {
  BOOL,
  DYN,
  ERROR,
  INT,
  TYPE,
  childPath,
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
import { arithmetic, constantType, joinTypes } from "./operators.js";

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
}

type Call = Extract<CelExpr["exprKind"], { case: "callExpr" }>["value"];
type Comprehension = Extract<CelExpr["exprKind"], { case: "comprehensionExpr" }>["value"];

/**
 * Types a parsed CEL expression against the schema-derived types of `self` and `oldSelf`,
 * the way the API server's checker does, and reports unknown fields, selections on values
 * without fields, undeclared names, misused macros and functions, and cost-relevant uses
 * of unbounded lists, maps and strings. One walk over the AST; no other pass.
 */
export function checkExpression(parsed: ParsedRule, env: RuleEnv): ExpressionCheck {
  const walker = new Walker(parsed, env);
  const type = walker.check(parsed.expr);
  return { type, findings: walker.findings, usesOldSelf: walker.usesOldSelf, selfPaths: walker.selfPaths };
}

class Walker implements MacroHost {
  readonly findings: Finding[] = [];
  readonly selfPaths = new Set<string>();
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
        kind.value.elements.forEach((el, i) => {
          const t = this.check(el);
          elem = i === 0 ? unwrap(t) : joinTypes(elem, unwrap(t));
        });
        return listOf(elem);
      }
      case "structExpr": {
        let key: CelType = DYN;
        let value: CelType = DYN;
        kind.value.entries.forEach((entry, i) => {
          const k = entry.keyKind.case === "mapKey" ? this.check(entry.keyKind.value) : DYN;
          const v = unwrap(this.check(entry.value));
          key = i === 0 ? k : joinTypes(key, k);
          value = i === 0 ? v : joinTypes(value, v);
        });
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

  private index(on: CelType, optional: boolean, e: CelExpr): CelType {
    let t: CelType;
    switch (on.kind) {
      case "optional":
        return optionalOf(this.index(on.inner, false, e));
      case "list":
        t = on.elem;
        break;
      case "map":
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

  private call(c: Call, e: CelExpr): CelType {
    const fn = c.function;
    switch (fn) {
      case "_&&_":
      case "_||_":
      case "!_":
      case "@not_strictly_false":
      case "_==_":
      case "_!=_":
      case "_<_":
      case "_<=_":
      case "_>_":
      case "_>=_":
      case "@in":
        c.args.forEach((a) => this.check(a));
        return BOOL;
      case "_+_":
      case "_-_":
      case "_*_":
      case "_/_":
      case "_%_":
        return arithmetic(fn, this.check(c.args[0]), this.check(c.args[1]));
      case "-_":
        return computed(this.check(c.args[0]));
      case "_?_:_": {
        this.check(c.args[0]);
        return joinTypes(this.check(c.args[1]), this.check(c.args[2]));
      }
      case "_[_]":
      case "_[?_]": {
        const on = this.check(c.args[0]);
        this.check(c.args[1]);
        return this.index(on, fn === "_[?_]" || this.parsed.optionalIndexes.has(this.pos(e) ?? -1), e);
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
    return this.typed(typeGlobalCall(fn, args), fn, undefined, e);
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

/** An optional list element (`[?x]`) adds its value. */
function unwrap(t: CelType): CelType {
  return t.kind === "optional" ? t.inner : t;
}
