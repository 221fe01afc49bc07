import { DYN, isOpen, listOf, scalar, type CelType, type ScalarName } from "./cel-types.js";

/** The type of a literal, by the parser's constant kind. */
export function constantType(kind: string | undefined): CelType {
  switch (kind) {
    case "nullValue":
      return scalar("null");
    case "boolValue":
      return scalar("bool");
    case "int64Value":
      return scalar("int");
    case "uint64Value":
      return scalar("uint");
    case "doubleValue":
      return scalar("double");
    case "stringValue":
      return scalar("string");
    case "bytesValue":
      return scalar("bytes");
    case "durationValue":
      return scalar("duration");
    case "timestampValue":
      return scalar("timestamp");
    default:
      return DYN;
  }
}

/**
 * The common type of two values (ternary branches, literal elements): the more specific one
 * when one is dyn, element-wise for lists, else the first. Schema and path are dropped.
 */
export function joinTypes(a: CelType, b: CelType): CelType {
  if (isOpen(a)) return isOpen(b) ? a : computed(b);
  if (isOpen(b)) return computed(a);
  if (a.kind === "list" && b.kind === "list") return listOf(joinTypes(a.elem, b.elem));
  return computed(a);
}

/** A value computed from `t`: same type, no schema or path of its own. */
function computed(t: CelType): CelType {
  switch (t.kind) {
    case "scalar":
      return scalar(t.name);
    case "list":
      return listOf(t.elem);
    case "map":
      return { kind: "map", key: t.key, value: t.value };
    default:
      return t;
  }
}

const TIME_ARITHMETIC: Readonly<Record<string, ScalarName>> = {
  "timestamp _-_ timestamp": "duration",
  "timestamp _+_ duration": "timestamp",
  "duration _+_ timestamp": "timestamp",
  "timestamp _-_ duration": "timestamp",
  "duration _+_ duration": "duration",
  "duration _-_ duration": "duration",
};

/** The type of `a op b` for `+ - * / %`. */
export function arithmetic(op: string, a: CelType, b: CelType): CelType {
  if (a.kind === "list" && b.kind === "list" && op === "_+_") return listOf(joinTypes(a.elem, b.elem));
  if (a.kind === "scalar" && b.kind === "scalar") {
    const time = TIME_ARITHMETIC[`${a.name} ${op} ${b.name}`];
    if (time) return scalar(time);
    return a.name === b.name ? scalar(a.name) : DYN;
  }
  if (isOpen(a)) return isOpen(b) ? DYN : computed(b);
  if (isOpen(b)) return computed(a);
  return DYN;
}

/** What an operand is, for overload matching: a scalar name, `list`, `map`, `object`, an opaque name, or `*` (anything). */
export function kindOf(t: CelType): string {
  switch (t.kind) {
    case "dyn":
    case "error":
      return "*";
    case "scalar":
      return t.name;
    case "opaque":
      return t.name;
    default:
      return t.kind;
  }
}

const NUMBERS = ["int", "uint", "double"];
const ORDERED = ["bool", "int", "uint", "double", "string", "bytes", "timestamp", "duration"];

/** The operand kinds each operator of the CEL standard library accepts (Kubernetes enables cross-type numeric comparisons). */
const OPERATOR_OVERLOADS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  "_+_": [
    ...NUMBERS.map((n) => [n, n]),
    ["string", "string"],
    ["bytes", "bytes"],
    ["list", "list"],
    ["timestamp", "duration"],
    ["duration", "timestamp"],
    ["duration", "duration"],
  ],
  "_-_": [...NUMBERS.map((n) => [n, n]), ["timestamp", "timestamp"], ["timestamp", "duration"], ["duration", "duration"]],
  "_*_": NUMBERS.map((n) => [n, n]),
  "_/_": NUMBERS.map((n) => [n, n]),
  "_%_": [
    ["int", "int"],
    ["uint", "uint"],
  ],
  "-_": [["int"], ["double"]],
  "!_": [["bool"]],
  "_&&_": [["bool", "bool"]],
  "_||_": [["bool", "bool"]],
  ...Object.fromEntries(
    ["_<_", "_<=_", "_>_", "_>=_"].map((op) => [
      op,
      [...ORDERED.map((k) => [k, k]), ...NUMBERS.flatMap((a) => NUMBERS.filter((b) => b !== a).map((b) => [a, b]))],
    ]),
  ),
};

/** The operator as written: `+`, `&&`, `in`, `? :`. */
export function operatorSymbol(fn: string): string {
  if (fn === "@in") return "in";
  if (fn === "_?_:_") return "? :";
  if (fn === "_[_]") return "[]";
  return fn.replace(/_/g, "");
}

/** Library types that are objects in CEL (null is one of their values); IP and CIDR are opaque. */
const OBJECT_LIBRARY_TYPES = new Set(["URL", "Quantity", "Semver", "Format"]);

const isNull = (t: CelType): boolean => t.kind === "scalar" && t.name === "null";

/** Whether null is a value of `t` (objects and optionals; not strings, numbers, lists or maps). */
function nullable(t: CelType): boolean {
  return isNull(t) || t.kind === "object" || t.kind === "optional" || (t.kind === "opaque" && OBJECT_LIBRARY_TYPES.has(t.name));
}

/**
 * Whether two values may meet where CEL wants one type (==, ?:, list elements): dyn fits
 * anything, null fits objects and optionals, and objects of different schema nodes are
 * different types (as the API server names each node's type by its path).
 */
export function sameType(a: CelType, b: CelType): boolean {
  if (isOpen(a) || isOpen(b)) return true;
  if (isNull(a)) return nullable(b);
  if (isNull(b)) return nullable(a);
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "scalar":
      return a.name === (b as typeof a).name;
    case "opaque":
      return a.name === (b as typeof a).name;
    case "list":
      return sameType(a.elem, (b as typeof a).elem);
    case "map":
      return sameType(a.key, (b as typeof a).key) && sameType(a.value, (b as typeof a).value);
    case "optional":
      return sameType(a.inner, (b as typeof a).inner);
    case "object":
      return a.node === (b as typeof a).node;
    default:
      return true;
  }
}

/**
 * Whether the standard library has an overload of operator `fn` for these operand types (the
 * API server rejects the rule when not), or undefined when `fn` is not an operator checked here.
 */
export function operatorAccepts(fn: string, args: readonly CelType[]): boolean | undefined {
  switch (fn) {
    case "_==_":
    case "_!=_":
      return args.length === 2 && sameType(args[0]!, args[1]!);
    case "_?_:_":
      return args.length === 3 && fits(kindOf(args[0]!), "bool") && sameType(args[1]!, args[2]!);
    case "@in": {
      const [needle, hay] = args;
      if (!needle || !hay) return false;
      if (hay.kind === "list") return sameType(needle, hay.elem);
      if (hay.kind === "map") return sameType(needle, hay.key);
      return isOpen(hay);
    }
  }
  const overloads = OPERATOR_OVERLOADS[fn];
  if (!overloads) return undefined;
  const kinds = args.map(kindOf);
  const ok = overloads.some((o) => o.length === kinds.length && o.every((p, i) => fits(kinds[i]!, p)));
  if (!ok) return false;
  if (fn === "_+_" && args[0]?.kind === "list" && args[1]?.kind === "list") return sameType(args[0].elem, args[1].elem);
  return true;
}

function fits(kind: string, param: string): boolean {
  return kind === "*" || kind === param;
}
