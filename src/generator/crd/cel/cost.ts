import type { CelType } from "./cel-types.js";
import { FUNCTION_NAMESPACES } from "./functions.js";
import { kindOf } from "./operators.js";
import type { CelExpr, ParsedRule } from "./parse-rule.js";
import type { SizeNode } from "./size-model.js";

/**
 * The API server's static cost estimate of a CEL rule, computed the way it computes it when a
 * CRD is applied (cel-go's checker cost model with Kubernetes' function costs and schema
 * sizes): every node costs a unit or so, a comprehension costs its body times the most
 * elements its range can hold, and string functions cost in proportion to the longest string
 * they may see. Sizes come from the schema: maxItems, maxProperties, maxLength, enum values,
 * formats, and otherwise what fits in the API server's 3 MiB request limit.
 *
 * Numbers saturate at 2^64 - 1, as Go's uint64 arithmetic in the estimator does.
 */

/** A min..max range of sizes (characters, items, entries) or of cost units. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** uint64's largest value, as a double (the estimator saturates there). */
export const MAX_UINT64 = 18446744073709551615;
const TWO_TO_64 = 2 ** 64;
const UNKNOWN: Range = { min: 0, max: MAX_UINT64 };
const STRING_TRAVERSAL = 0.1;
const REGEX_LENGTH = 0.25;
const LIST_CREATE = 10;
const MAP_CREATE = 30;
const STRUCT_CREATE = 40;
const ACCUMULATORS = new Set(["@result", "__result__"]);

const fixed = (n: number): Range => ({ min: n, max: n });
const add = (x: number, y: number): number => Math.min(MAX_UINT64, x + y);
const mul = (x: number, y: number): number => (y !== 0 && x > MAX_UINT64 / y ? MAX_UINT64 : Math.min(MAX_UINT64, x * y));
function byFactor(x: number, f: number): number {
  if (x > 0 && f > 0 && x > MAX_UINT64 / f) return MAX_UINT64;
  const c = Math.ceil(x * f);
  return c >= TWO_TO_64 ? MAX_UINT64 : c;
}
const plus = (a: Range, b: Range): Range => ({ min: add(a.min, b.min), max: add(a.max, b.max) });
const times = (a: Range, b: Range): Range => ({ min: mul(a.min, b.min), max: mul(a.max, b.max) });
const factor = (a: Range, f: number): Range => ({ min: byFactor(a.min, f), max: byFactor(a.max, f) });
const union = (a: Range, b: Range): Range => ({ min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) });

/** The sizes of a list's items or a map's keys and values, when CEL knows them from a literal. */
interface EntrySize {
  readonly container: "list" | "map";
  readonly key: Range;
  readonly val: Range;
}

function unionEntries(a: EntrySize | undefined, b: EntrySize | undefined): EntrySize | undefined {
  if (!a || !b) return undefined;
  return { container: a.container, key: union(a.key, b.key), val: union(a.val, b.val) };
}

interface LocalVar {
  readonly path: readonly string[] | undefined;
  readonly size: Range | undefined;
  readonly entry: EntrySize | undefined;
}

/** What a function's cost is reckoned from: an expression's path, type and computed size. */
interface Node {
  readonly path: readonly string[] | undefined;
  readonly type: CelType | undefined;
  readonly expr: CelExpr | undefined;
  readonly size: Range | undefined;
}

interface CallEstimate {
  readonly cost: Range;
  readonly resultSize?: Range | undefined;
}

type Call = Extract<CelExpr["exprKind"], { case: "callExpr" }>["value"];
type Comprehension = Extract<CelExpr["exprKind"], { case: "comprehensionExpr" }>["value"];

/**
 * The estimated cost range of a rule (or messageExpression) already type-checked: `types` are
 * the checker's types by node id, `root` the size model of the schema node the rule is on.
 */
export function estimateCost(parsed: ParsedRule, types: ReadonlyMap<string, CelType>, root: SizeNode | undefined): Range {
  return new Coster(parsed, types, root).cost(parsed.expr);
}

class Coster {
  private readonly paths = new Map<string, readonly string[]>();
  private readonly sizes = new Map<string, Range>();
  private readonly entries = new Map<string, EntrySize>();
  private readonly locals = new Map<string, LocalVar[]>();

  constructor(
    private readonly parsed: ParsedRule,
    private readonly types: ReadonlyMap<string, CelType>,
    private readonly root: SizeNode | undefined,
  ) {}

  cost(e: CelExpr | undefined): Range {
    if (!e) return fixed(0);
    const k = e.exprKind;
    switch (k.case) {
      case "constExpr":
        return fixed(0);
      case "identExpr": {
        const v = this.peek(k.value.name);
        this.paths.set(id(e), v ? (v.path ?? []) : [k.value.name]);
        return fixed(1);
      }
      case "selectExpr":
        return this.select(e, k.value);
      case "callExpr":
        return this.call(e, k.value);
      case "listExpr": {
        let sum = fixed(0);
        let item: Range = { min: k.value.elements.length === 0 ? 0 : MAX_UINT64, max: 0 };
        for (const el of k.value.elements) {
          sum = plus(sum, this.cost(el));
          item = union(item, this.sizeOrUnknown(el));
        }
        this.entries.set(id(e), { container: "list", key: fixed(1), val: item });
        return plus(sum, fixed(LIST_CREATE));
      }
      case "structExpr": {
        let sum = fixed(0);
        const empty = k.value.entries.length === 0 ? 0 : MAX_UINT64;
        let key: Range = { min: empty, max: 0 };
        let val: Range = { min: empty, max: 0 };
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === "mapKey") {
            sum = plus(sum, this.cost(entry.keyKind.value));
            key = union(key, this.sizeOrUnknown(entry.keyKind.value));
          }
          sum = plus(sum, this.cost(entry.value));
          val = union(val, entry.value ? this.sizeOrUnknown(entry.value) : UNKNOWN);
        }
        if (k.value.messageName) return plus(sum, fixed(STRUCT_CREATE));
        this.entries.set(id(e), { container: "map", key, val });
        return plus(sum, fixed(MAP_CREATE));
      }
      case "comprehensionExpr":
        return this.comprehension(e, k.value);
      default:
        return fixed(0);
    }
  }

  // --- variables, paths and sizes -----------------------------------------------------------

  private peek(name: string): LocalVar | undefined {
    const stack = this.locals.get(name);
    return stack?.[stack.length - 1];
  }

  private push(name: string, v: LocalVar): void {
    const stack = this.locals.get(name) ?? [];
    stack.push(v);
    this.locals.set(name, stack);
  }

  private pop(name: string): void {
    this.locals.get(name)?.pop();
  }

  private typeOf(e: CelExpr): CelType | undefined {
    return this.types.get(id(e));
  }

  private pathOf(e: CelExpr): readonly string[] | undefined {
    if (e.exprKind.case === "identExpr") {
      const v = this.peek(e.exprKind.value.name);
      if (v) return v.path;
    }
    return this.paths.get(id(e));
  }

  /** The API server's size estimator: the bound of the schema node a path leads to. */
  private estimateSize(path: readonly string[] | undefined): Range | undefined {
    if (!path || path.length === 0 || !this.root) return undefined;
    let node: SizeNode | undefined = this.root;
    for (const name of path.slice(1)) {
      if (name === "@items" || name === "@values") node = node.elem;
      else if (name === "@keys") node = node.key;
      else node = node.fields?.get(name);
      if (!node) return undefined;
    }
    return { min: 0, max: node.maxElements };
  }

  private computeSize(e: CelExpr): Range | undefined {
    const known = this.sizes.get(id(e));
    if (known) return known;
    const literal = literalSize(e);
    if (literal) return literal;
    const estimated = this.estimateSize(this.pathOf(e));
    if (estimated) {
      this.sizes.set(id(e), estimated);
      return estimated;
    }
    if (isScalar(this.typeOf(e))) return fixed(1);
    if (e.exprKind.case === "identExpr") return this.peek(e.exprKind.value.name)?.size;
    return undefined;
  }

  private computeEntry(e: CelExpr): EntrySize | undefined {
    const known = this.entries.get(id(e));
    if (known) return known;
    if (e.exprKind.case === "identExpr") return this.peek(e.exprKind.value.name)?.entry;
    return undefined;
  }

  private sizeOrUnknown(e: CelExpr): Range {
    return this.computeSize(e) ?? UNKNOWN;
  }

  private setSize(e: CelExpr, size: Range | undefined): void {
    if (size) this.sizes.set(id(e), size);
  }

  private node(e: CelExpr): Node {
    let path = this.pathOf(e);
    if (path && path.length > 0 && ACCUMULATORS.has(path[0]!)) path = undefined; // only paths from variables
    return { path, type: this.typeOf(e), expr: e, size: this.computeSize(e) };
  }

  /** The size of a function argument as Kubernetes' and ext's estimators see it. */
  nodeSize(n: Node): Range {
    return n.size ?? this.estimateSize(n.path) ?? UNKNOWN;
  }

  /** A list's element as a node (for functions whose cost depends on the items' length). */
  private elementNode(list: Node): Node | undefined {
    const t = list.type;
    const param = t?.kind === "list" ? t.elem : t?.kind === "map" ? t.key : t?.kind === "optional" ? t.inner : undefined;
    if (!param) return undefined;
    return { path: list.path ? [...list.path, "@items"] : undefined, type: param, expr: undefined, size: undefined };
  }

  // --- expressions ---------------------------------------------------------------------------

  private select(e: CelExpr, sel: Extract<CelExpr["exprKind"], { case: "selectExpr" }>["value"]): Range {
    if (sel.testOnly) return this.cost(sel.operand); // has(): free in Kubernetes
    const operand = sel.operand!;
    if (this.parsed.optionalSelects.has(this.parsed.positions[id(e)] ?? -1)) {
      // a.?b is the call _?._(a, "b"): one unit, and its result has no path
      const c = plus(this.cost(operand), fixed(1));
      this.setSize(e, this.computeSize(e));
      return c;
    }
    let sum = this.cost(operand);
    const k = this.typeOf(operand)?.kind;
    if (k === "map" || k === "object") sum = plus(sum, fixed(1));
    this.paths.set(id(e), [...(this.pathOf(operand) ?? []), sel.field]);
    return sum;
  }

  private call(e: CelExpr, c: Call): Range {
    const fn = c.function;
    if (fn === "dyn" && !c.target && c.args.length === 1) {
      const arg = c.args[0]!;
      const cost = plus(fixed(1), this.cost(arg));
      this.setSize(e, this.computeSize(arg));
      const entry = this.computeEntry(arg);
      if (entry) this.entries.set(id(e), entry);
      return cost;
    }
    let name = fn;
    let target = c.target;
    if (target?.exprKind.case === "identExpr") {
      const ns = target.exprKind.value.name;
      if (!this.peek(ns) && FUNCTION_NAMESPACES.has(ns) && !this.types.has(id(target))) {
        name = `${ns}.${fn}`;
        target = undefined;
      }
    }
    if (target) {
      const macro = this.macro(e, fn, target, c.args);
      if (macro) return macro;
    }
    const argCosts = c.args.map((a) => this.cost(a));
    const args = c.args.map((a) => this.node(a));
    let sum = fixed(0);
    let targetNode: Node | undefined;
    if (target) {
      sum = plus(sum, this.cost(target));
      targetNode = this.node(target);
    }
    let fnCost: Range = { min: MAX_UINT64, max: 0 };
    let resultSize: Range | undefined;
    for (const overload of overloadsOf(name, targetNode?.type, args.map((a) => a.type), this.parsed, e)) {
      const est = this.functionCost(e, name, overload, targetNode, args, argCosts);
      fnCost = union(fnCost, est.cost);
      if (est.resultSize) resultSize = resultSize ? union(resultSize, est.resultSize) : est.resultSize;
      if ((overload === "index_list" || overload === "index_map") && c.args[0]) {
        resultSize = this.computeEntry(c.args[0])?.val;
        this.paths.set(id(e), [...(this.pathOf(c.args[0]) ?? []), overload === "index_list" ? "@items" : "@values"]);
      }
      resultSize ??= this.computeSize(e);
    }
    this.setSize(e, resultSize);
    return plus(sum, fnCost);
  }

  private functionCost(e: CelExpr, fn: string, overload: string, target: Node | undefined, args: Node[], argCosts: Range[]): CallEstimate {
    const argSum = (): Range => argCosts.reduce(plus, fixed(0));
    const withArgs = (est: CallEstimate | undefined): CallEstimate | undefined =>
      est && { cost: plus(est.cost, argSum()), resultSize: est.resultSize };
    const special = withArgs(listEstimate(this, overload, target, args)) ?? withArgs(this.kubernetesEstimate(fn, overload, target, args));
    if (special) return special;
    const size = (i: number): Range => this.nodeSizeOrUnknown(args[i]);
    switch (overload) {
      case "string_format":
        if (target) return { cost: plus(factor(this.nodeSizeOrUnknown(target), STRING_TRAVERSAL), argSum()) };
        break;
      case "string_to_bytes": {
        const sz = size(0);
        return { cost: plus(factor(sz, STRING_TRAVERSAL), argSum()), resultSize: { min: sz.min, max: mul(sz.max, 4) } };
      }
      case "bytes_to_string": {
        const sz = size(0);
        return { cost: plus(factor(sz, STRING_TRAVERSAL), argSum()), resultSize: { min: Math.floor(sz.min / 4), max: sz.max } };
      }
      case "strings_quote": {
        const sz = size(0);
        return { cost: plus(factor(sz, STRING_TRAVERSAL), argSum()), resultSize: { min: add(sz.min, 2), max: add(mul(sz.max, 2), 2) } };
      }
      case "starts_with_string":
      case "ends_with_string":
        return { cost: plus(factor(size(0), STRING_TRAVERSAL), argSum()) };
      case "in_list":
        return { cost: plus(factor(size(1), 1), argSum()) };
      case "matches_string":
        if (target) {
          const str = factor(plus(this.nodeSizeOrUnknown(target), fixed(1)), STRING_TRAVERSAL);
          return { cost: plus(times(str, factor(size(0), REGEX_LENGTH)), argSum()) };
        }
        break;
      case "contains_string":
        if (target) {
          const str = factor(this.nodeSizeOrUnknown(target), STRING_TRAVERSAL);
          return { cost: plus(times(str, factor(size(0), STRING_TRAVERSAL)), argSum()) };
        }
        break;
      case "logical_and":
      case "logical_or": {
        const [lhs, rhs] = argCosts as [Range, Range];
        return { cost: { min: lhs.min, max: add(lhs.max, rhs.max) } };
      }
      case "conditional": {
        const [cond, yes, no] = argCosts as [Range, Range, Range];
        const entry = unionEntries(this.computeEntry(args[1]!.expr!), this.computeEntry(args[2]!.expr!));
        if (entry) this.entries.set(id(e), entry);
        return { cost: plus(cond, union(yes, no)), resultSize: union(size(1), size(2)) };
      }
      case "add_string":
      case "add_bytes":
      case "add_list": {
        const result = plus(size(0), size(1));
        const entry = unionEntries(this.computeEntry(args[0]!.expr!), this.computeEntry(args[1]!.expr!));
        if (entry) this.entries.set(id(e), entry);
        if (overload === "add_list") return { cost: plus(fixed(1), argSum()), resultSize: result };
        return { cost: plus(factor(result, STRING_TRAVERSAL), argSum()), resultSize: result };
      }
      case "compare_string":
      case "compare_bytes":
      case "equals":
      case "not_equals": {
        const smallest = Math.min(size(0).max, size(1).max);
        return { cost: plus(factor({ min: smallest > 0 ? 1 : 0, max: smallest }, STRING_TRAVERSAL), argSum()) };
      }
    }
    return { cost: plus(fixed(1), argSum()) };
  }

  /** cel-go's size of a function argument: what it computed, else unknown. */
  private nodeSizeOrUnknown(n: Node | undefined): Range {
    return n?.size ?? UNKNOWN;
  }

  /** Kubernetes' own function costs (library.CostEstimator), by function name. */
  private kubernetesEstimate(fn: string, overload: string, target: Node | undefined, args: Node[]): CallEstimate | undefined {
    const size = (n: Node): Range => this.nodeSize(n);
    const arg = args[0];
    switch (fn) {
      case "isSorted":
      case "sum":
      case "max":
      case "min":
      case "indexOf":
      case "lastIndexOf": {
        if (!target) return undefined;
        const el = this.elementNode(target);
        if (!el) return { cost: factor(size(target), STRING_TRAVERSAL) };
        let elCost = fixed(1);
        const k = el.type ? kindOf(el.type) : "*";
        if (k === "string" || k === "bytes") elCost = plus(elCost, factor(size(el), STRING_TRAVERSAL));
        return { cost: times(size(target), elCost) };
      }
      case "url":
      case "jsonpatch.escapeKey":
        if (args.length !== 1 || !arg) return undefined;
        return { cost: factor(size(arg), STRING_TRAVERSAL), resultSize: size(arg) };
      case "lowerAscii":
      case "upperAscii":
      case "substring":
      case "trim": {
        if (!target) return undefined;
        const sz = size(target);
        return { cost: factor(sz, STRING_TRAVERSAL), resultSize: sz };
      }
      case "replace":
        if (!target || args.length < 2) return undefined;
        return replaceEstimate(size(target), size(args[0]!), size(args[1]!));
      case "split": {
        if (!target) return undefined;
        const sz = size(target);
        const limit = args.length > 1 ? intLiteral(args[1]!.expr) : undefined;
        return { cost: factor(sz, 2 * STRING_TRAVERSAL), resultSize: { min: 0, max: limit ?? sz.max } };
      }
      case "join": {
        if (!target) return undefined;
        let sz: Range = fixed(0);
        const list = size(target);
        const el = this.elementNode(target);
        if (el) sz = times(list, size(el));
        if (arg) {
          const separators = { min: list.min > 0 ? list.min - 1 : 0, max: list.max > 0 ? list.max - 1 : 0 };
          sz = plus(sz, times(size(arg), separators));
        }
        return { cost: factor(sz, STRING_TRAVERSAL), resultSize: sz };
      }
      case "find":
      case "findAll": {
        if (!target || !arg) return undefined;
        const sz = size(target);
        const str = factor(plus(sz, fixed(1)), STRING_TRAVERSAL);
        return { cost: times(str, factor(size(arg), REGEX_LENGTH)), resultSize: { min: 0, max: sz.max } };
      }
      case "cidr":
      case "isIP":
      case "isCIDR":
        return arg ? { cost: factor(size(arg), STRING_TRAVERSAL) } : undefined;
      case "ip":
        if (overload === "cidr_ip") return { cost: fixed(1) };
        return arg ? { cost: factor(size(arg), STRING_TRAVERSAL) } : undefined;
      case "ip.isCanonical":
        return arg ? { cost: factor(size(arg), 2 * STRING_TRAVERSAL) } : undefined;
      case "masked":
      case "prefixLength":
      case "family":
      case "isUnspecified":
      case "isLoopback":
      case "isLinkLocalMulticast":
      case "isLinkLocalUnicast":
      case "isGlobalUnicast":
        return { cost: fixed(1) };
      case "containsIP":
      case "containsCIDR": {
        if (!arg) return undefined;
        const ipBytes: Range = { min: 4, max: 16 };
        let cost = factor(plus(ipBytes, ipBytes), STRING_TRAVERSAL);
        if (fn === "containsCIDR") cost = plus(plus(cost, factor(ipBytes, STRING_TRAVERSAL)), fixed(1));
        if (overload.endsWith("_string")) cost = plus(cost, factor(size(arg), STRING_TRAVERSAL));
        return { cost };
      }
      case "quantity":
      case "isQuantity":
      case "semver":
      case "isSemver":
        return arg ? { cost: factor(size(arg), STRING_TRAVERSAL) } : undefined;
      case "validate":
        return arg ? { cost: factor(factor(size(arg), STRING_TRAVERSAL), 128 * REGEX_LENGTH) } : undefined;
      case "format.named":
      case "sign":
      case "asInteger":
      case "isInteger":
      case "asApproximateFloat":
      case "isGreaterThan":
      case "isLessThan":
      case "compareTo":
      case "add":
      case "sub":
      case "major":
      case "minor":
      case "patch":
      case "getScheme":
      case "getHostname":
      case "getHost":
      case "getPort":
      case "getEscapedPath":
      case "getQuery":
        return { cost: fixed(1) };
      case "_==_": {
        const [l, r] = args;
        if (!l?.type || !r?.type || l.type.kind !== "opaque" || r.type.kind !== "opaque" || l.type.name !== r.type.name) return undefined;
        return { cost: l.type.name === "Format" ? factor({ min: 1, max: 64 }, STRING_TRAVERSAL) : fixed(1) };
      }
    }
    return undefined;
  }

  // --- comprehensions ------------------------------------------------------------------------

  private comprehension(e: CelExpr, c: Comprehension): Range {
    const range = c.iterRange!;
    let sum = plus(this.cost(range), this.cost(c.accuInit));
    const init = c.accuInit!;
    this.push(c.accuVar, { path: this.pathOf(init), size: this.computeSize(init), entry: this.computeEntry(init) });
    const vars = this.pushIteration(range, c.iterVar, c.iterVar2 || undefined);
    const loop = this.cost(c.loopCondition);
    const step = this.cost(c.loopStep);
    for (const v of vars) this.pop(v);
    sum = plus(sum, this.cost(c.result));
    this.pop(c.accuVar);
    const count = this.sizeOrUnknown(range);
    sum = plus(sum, times(count, plus(step, loop)));
    const initKind = init.exprKind.case;
    if (initKind === "constExpr") this.setSize(e, this.computeSize(init));
    else if (initKind === "listExpr" || initKind === "structExpr") {
      this.setSize(e, count);
      const entry = c.loopStep ? this.computeEntry(c.loopStep) : undefined;
      if (entry) this.entries.set(id(e), entry);
    }
    return sum;
  }

  /** Binds a comprehension's variables (element; or index/key and value) as cel-go does; returns their names. */
  private pushIteration(range: CelExpr, first: string, second: string | undefined): string[] {
    const entry = this.computeEntry(range);
    const container = entry?.container ?? (this.typeOf(range)?.kind === "list" ? "list" : this.typeOf(range)?.kind === "map" ? "map" : undefined);
    const path = this.pathOf(range) ?? [];
    if (second === undefined) {
      const list = container === "list";
      this.push(first, { path: [...path, list ? "@items" : "@keys"], size: list ? entry?.val : entry?.key, entry: undefined });
      return [first];
    }
    const list = container === "list";
    this.push(first, { path: [...path, list ? "@indices" : "@keys"], size: entry?.key, entry: undefined });
    this.push(second, { path: [...path, list ? "@items" : "@values"], size: entry?.val, entry: undefined });
    return [first, second];
  }

  /**
   * The macros `@bufbuild/cel` leaves as calls, costed as the comprehensions cel-go expands them
   * into: two-variable all/exists/existsOne, transformList/transformMap/transformMapEntry,
   * sortBy, optMap and optFlatMap.
   */
  private macro(e: CelExpr, fn: string, target: CelExpr, args: readonly CelExpr[]): Range | undefined {
    const binder = (i: number): string | undefined => {
      const a = args[i];
      return a?.exprKind.case === "identExpr" ? a.exprKind.value.name : undefined;
    };
    const [a, b] = [binder(0), binder(1)];
    const n = args.length;
    if (a !== undefined && b !== undefined && n === 3 && (fn === "all" || fn === "exists" || fn === "existsOne" || fn === "exists_one")) {
      // all: loop @not_strictly_false(@result) = 2, step @result && p = 1 + p;
      // exists: loop @not_strictly_false(!@result) = 3, step @result || p = 1 + p;
      // existsOne: step p ? @result + 1 : @result = p + 2, result @result == 1 = 2
      const loop = fn === "all" ? 2 : fn === "exists" ? 3 : 0;
      return this.twoVar(e, target, a, b, { init: fixed(0), initKind: "const", loop, step: (p) => p + (fn === "all" || fn === "exists" ? 1 : 2), result: fn === "all" || fn === "exists" ? 1 : 2, body: args[2]! });
    }
    if (a !== undefined && b !== undefined && (n === 3 || n === 4) && (fn === "transformList" || fn === "transformMap" || fn === "transformMapEntry")) {
      // step: @result + [x] = 12 + x (list); cel.@mapInsert(@result, k, x) = 3 + x; cel.@mapInsert(@result, x) = 2 + x
      const base = fn === "transformList" ? 12 : fn === "transformMap" ? 3 : 2;
      const filter = n === 4 ? args[2] : undefined;
      return this.twoVar(e, target, a, b, {
        init: fixed(fn === "transformList" ? LIST_CREATE : MAP_CREATE),
        initKind: fn === "transformList" ? "list" : "map",
        loop: 0,
        step: (x, f) => (f === undefined ? base + x : f + Math.max(base + x, 1)),
        result: 1,
        body: args[n - 1]!,
        filter,
      });
    }
    if (a !== undefined && n === 2 && fn === "sortBy") return this.sortBy(e, target, a, args[1]!);
    if (a !== undefined && n === 2 && (fn === "optMap" || fn === "optFlatMap")) {
      const t = this.cost(target).max;
      this.push(a, { path: undefined, size: undefined, entry: undefined });
      const body = this.cost(args[1]).max;
      this.pop(a);
      // t.hasValue() ? optional.of(cel.bind(a, t.value(), body)) : optional.none()
      return { min: 0, max: add(add(1, t), Math.max(add(add(fn === "optMap" ? 12 : 11, t), body), 1)) };
    }
    return undefined;
  }

  private twoVar(
    e: CelExpr,
    range: CelExpr,
    first: string,
    second: string,
    shape: {
      init: Range;
      initKind: "const" | "list" | "map";
      loop: number;
      step: (body: number, filter: number | undefined) => number;
      result: number;
      body: CelExpr;
      filter?: CelExpr | undefined;
    },
  ): Range {
    let sum = plus(this.cost(range), shape.init);
    const vars = this.pushIteration(range, first, second);
    const filter = shape.filter ? this.cost(shape.filter).max : undefined;
    const body = this.cost(shape.body).max;
    for (const v of vars) this.pop(v);
    const perElement = add(shape.step(body, filter), shape.loop);
    const count = this.sizeOrUnknown(range);
    sum = plus(sum, fixed(shape.result));
    sum = plus(sum, times(count, fixed(perElement)));
    if (shape.initKind === "const") this.setSize(e, fixed(1));
    else this.setSize(e, count);
    return sum;
  }

  /** `l.sortBy(x, key)`: cel.bind(in, l, in.@sortByAssociatedKeys(in.map(x, key))). */
  private sortBy(e: CelExpr, target: CelExpr, binder: string, key: CelExpr): Range {
    const bound = this.cost(target);
    const count = this.sizeOrUnknown(target);
    this.push(binder, { path: [...(this.pathOf(target) ?? []), "@items"], size: undefined, entry: undefined });
    const keyCost = this.cost(key).max;
    this.pop(binder);
    // the map: ident (1) + [] (10) + result (1) + n × (@result + [key] = 12 + key)
    const mapped = plus(fixed(12), times(count, fixed(add(12, keyCost))));
    const keyKind = this.typeOf(key) ? kindOf(this.typeOf(key)!) : "*";
    const sortFactor = 2 + (keyKind === "string" || keyKind === "bytes" ? STRING_TRAVERSAL : 0);
    const sort = plus(plus(factor(times(count, count), sortFactor), fixed(1)), fixed(LIST_CREATE));
    this.setSize(e, count);
    // bind: [] (10) + the bound list + the call on the bound variable (1) + sort + map
    return plus(plus(plus(fixed(LIST_CREATE), bound), fixed(1)), plus(sort, mapped));
  }
}

/** ext.Lists' and ext.Sets' own estimates (cel-go's overload estimators), by overload. */
function listEstimate(c: Coster, overload: string, target: Node | undefined, args: Node[]): CallEstimate | undefined {
  const size = (n: Node): Range => c.nodeSize(n);
  const allocating = (f: number, listSize: Range): CallEstimate => ({
    cost: plus(plus(factor(listSize, f), fixed(1)), fixed(LIST_CREATE)),
    resultSize: listSize,
  });
  switch (overload) {
    case "list_slice": {
      if (!target || args.length !== 2) return undefined;
      const sz = size(target);
      const start = intLiteral(args[0]!.expr) ?? 0;
      const end = intLiteral(args[1]!.expr) ?? sz.max;
      return allocating(1, fixed(Math.max(0, end - start)));
    }
    case "list_flatten":
    case "list_flatten_int": {
      if (!target) return undefined;
      const depth = args.length === 1 ? (intLiteral(args[0]!.expr) ?? MAX_UINT64) : 1;
      return allocating(depth, size(target));
    }
    case "lists_range":
      return args.length === 1 ? allocating(1, fixed(intLiteral(args[0]!.expr) ?? MAX_UINT64)) : undefined;
    case "list_reverse":
      return target ? allocating(1, size(target)) : undefined;
    case "list_distinct": {
      if (!target) return undefined;
      const sz = size(target);
      return allocating(2, times(sz, sz));
    }
    case "list_sort_string":
    case "list_sort_other": {
      if (!target) return undefined;
      const sz = size(target);
      return allocating(2 + (overload === "list_sort_string" ? STRING_TRAVERSAL : 0), times(sz, sz));
    }
    case "sets_contains":
    case "sets_intersects":
    case "sets_equivalent": {
      if (args.length !== 2) return undefined;
      return { cost: plus(factor(times(size(args[0]!), size(args[1]!)), overload === "sets_equivalent" ? 2 : 1), fixed(1)) };
    }
  }
  return undefined;
}

/**
 * cel-go's overload ids for the calls whose cost depends on the overload, given the operand
 * types (dyn operands match every overload, and the estimate covers them all); "other" for
 * the rest, which cost one unit plus their arguments.
 */
function overloadsOf(fn: string, target: CelType | undefined, args: readonly (CelType | undefined)[], parsed: ParsedRule, e: CelExpr): string[] {
  const k = (t: CelType | undefined): string => (t ? kindOf(t) : "*");
  const is = (t: CelType | undefined, kind: string): boolean => k(t) === "*" || k(t) === kind;
  const out = new Set<string>();
  switch (fn) {
    case "_==_":
      return ["equals"];
    case "_!=_":
      return ["not_equals"];
    case "_&&_":
      return ["logical_and"];
    case "_||_":
      return ["logical_or"];
    case "_?_:_":
      return ["conditional"];
    case "_<_":
    case "_<=_":
    case "_>_":
    case "_>=_":
      if (is(args[0], "string") && is(args[1], "string")) out.add("compare_string");
      if (is(args[0], "bytes") && is(args[1], "bytes")) out.add("compare_bytes");
      if (!(k(args[0]) === "string" || k(args[0]) === "bytes")) out.add("other");
      break;
    case "_+_":
      if (is(args[0], "string") && is(args[1], "string")) out.add("add_string");
      if (is(args[0], "bytes") && is(args[1], "bytes")) out.add("add_bytes");
      if (is(args[0], "list") && is(args[1], "list")) out.add("add_list");
      if (!["string", "bytes", "list"].includes(k(args[0])) || k(args[1]) === "*") out.add("other");
      break;
    case "@in":
      if (is(args[1], "list")) out.add("in_list");
      if (is(args[1], "map")) out.add("other");
      break;
    case "_[_]":
      if (parsed.optionalIndexes.has(parsed.positions[id(e)] ?? -1)) return ["other"];
      if (is(args[0], "list")) out.add("index_list");
      if (is(args[0], "map")) out.add("index_map");
      if (k(args[0]) === "optional") out.add("other");
      break;
    case "matches":
      return [target ? "matches_string" : "other"];
    case "contains":
      return target ? ["contains_string"] : ["other"];
    case "startsWith":
      return ["starts_with_string"];
    case "endsWith":
      return ["ends_with_string"];
    case "bytes":
      if (is(args[0], "string")) out.add("string_to_bytes");
      if (k(args[0]) !== "string") out.add("other");
      break;
    case "string":
      if (is(args[0], "bytes")) out.add("bytes_to_string");
      if (k(args[0]) !== "bytes") out.add("other");
      break;
    case "format":
      return target ? ["string_format"] : ["other"];
    case "strings.quote":
      return ["strings_quote"];
    case "sets.contains":
      return ["sets_contains"];
    case "sets.intersects":
      return ["sets_intersects"];
    case "sets.equivalent":
      return ["sets_equivalent"];
    case "slice":
      return target && is(target, "list") ? ["list_slice"] : ["other"];
    case "flatten":
      return [args.length === 1 ? "list_flatten_int" : "list_flatten"];
    case "lists.range":
      return ["lists_range"];
    case "reverse":
      return target && is(target, "list") ? ["list_reverse"] : ["other"];
    case "distinct":
      return ["list_distinct"];
    case "sort": {
      const elem = target?.kind === "list" ? k(target.elem) : "*";
      return elem === "string" || elem === "bytes" ? ["list_sort_string"] : elem === "*" ? ["list_sort_string", "list_sort_other"] : ["list_sort_other"];
    }
    case "ip":
      return [target ? "cidr_ip" : "other"];
    case "containsIP":
    case "containsCIDR":
      if (is(args[0], "string")) out.add("cidr_contains_string");
      if (k(args[0]) !== "string") out.add("other");
      break;
    default:
      return ["other"];
  }
  return out.size > 0 ? [...out] : ["other"];
}

function id(e: CelExpr): string {
  return e.id.toString();
}

/** The size CEL knows from a literal: a string's characters, a list's items, a map's entries, 1 for a scalar. */
function literalSize(e: CelExpr): Range | undefined {
  const k = e.exprKind;
  switch (k.case) {
    case "constExpr": {
      const c = k.value.constantKind;
      switch (c.case) {
        case "stringValue":
          return fixed([...c.value].length);
        case "bytesValue":
          return fixed(c.value.length);
        case "boolValue":
        case "doubleValue":
        case "durationValue":
        case "int64Value":
        case "timestampValue":
        case "uint64Value":
        case "nullValue":
          return fixed(1);
      }
      return undefined;
    }
    case "listExpr":
      return fixed(k.value.elements.length);
    case "structExpr":
      return k.value.messageName ? undefined : fixed(k.value.entries.length);
    default:
      return undefined;
  }
}

/** The value of an int literal, or undefined. */
function intLiteral(e: CelExpr | undefined): number | undefined {
  const k = e?.exprKind;
  if (k?.case !== "constExpr") return undefined;
  const c = k.value.constantKind;
  return c.case === "int64Value" ? Number(c.value) : undefined;
}

/** Types whose values have a fixed size (numbers, booleans, times), which CEL knows without a schema. */
function isScalar(t: CelType | undefined): boolean {
  if (!t) return false;
  if (t.kind === "optional") return isScalar(t.inner);
  return t.kind === "scalar" && ["bool", "double", "duration", "int", "timestamp", "uint"].includes(t.name);
}

/** Kubernetes' estimate of `s.replace(old, new)`: the traversal and the longest possible result. */
function replaceEstimate(sz: Range, toReplace: Range, replaceWith: Range): CallEstimate {
  const count = { min: 0, max: 0 };
  const retained = { min: 0, max: 0 };
  if (toReplace.min === 0) {
    count.max = sz.max < MAX_UINT64 ? sz.max + 1 : sz.max;
    retained.max = sz.max;
  } else if (replaceWith.max <= toReplace.min) {
    retained.max = sz.max;
  } else {
    count.max = Math.ceil(sz.max / toReplace.min);
  }
  if (toReplace.max === 0) {
    count.min = sz.min < MAX_UINT64 ? sz.min + 1 : sz.min;
    retained.min = sz.min;
  } else if (toReplace.max <= replaceWith.min) {
    retained.min = sz.min;
  } else {
    count.min = Math.ceil(sz.min / toReplace.max);
  }
  return { cost: factor(sz, 2 * STRING_TRAVERSAL), resultSize: plus(times(count, replaceWith), retained) };
}
