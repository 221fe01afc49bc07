import { BOOL, DYN, INT, STRING, TYPE, describeType, isOpen, listOf, optionalOf, scalar, type CelType } from "./cel-types.js";
import { kindOf, sameType } from "./operators.js";

/**
 * Result types of the functions of the Kubernetes CEL environment used in CRD validation
 * rules: the CEL standard library, the extended strings library, optional types, sets, and
 * Kubernetes' lists, regex, URL, IP, CIDR, quantity, semver and format libraries.
 */

/** A receiver kind a member function accepts: a scalar name, a collection, or a library type. */
type Receiver =
  | "string"
  | "bytes"
  | "list"
  | "map"
  | "timestamp"
  | "duration"
  | "optional"
  | "URL"
  | "IP"
  | "CIDR"
  | "Quantity"
  | "Semver"
  | "Format";

interface MemberSpec {
  readonly receivers: readonly Receiver[];
  readonly result: (receiver: CelType, args: readonly CelType[]) => CelType;
}

const opaque = (name: string): CelType => ({ kind: "opaque", name });
const always = (t: CelType) => () => t;
const elemOf = (r: CelType): CelType => (r.kind === "list" ? stripList(r.elem) : DYN);
const sameList = (r: CelType): CelType => (r.kind === "list" ? listOf(r.elem) : listOf(DYN));
const innerOf = (r: CelType): CelType => (r.kind === "optional" ? r.inner : DYN);

function stripList(t: CelType): CelType {
  return t.kind === "scalar" ? scalar(t.name) : t;
}

const MEMBERS: ReadonlyMap<string, MemberSpec> = new Map<string, MemberSpec>([
  ["size", { receivers: ["string", "bytes", "list", "map"], result: always(INT) }],
  ["contains", { receivers: ["string"], result: always(BOOL) }],
  ["startsWith", { receivers: ["string"], result: always(BOOL) }],
  ["endsWith", { receivers: ["string"], result: always(BOOL) }],
  ["matches", { receivers: ["string"], result: always(BOOL) }],
  ["charAt", { receivers: ["string"], result: always(STRING) }],
  ["lowerAscii", { receivers: ["string"], result: always(STRING) }],
  ["upperAscii", { receivers: ["string"], result: always(STRING) }],
  ["replace", { receivers: ["string"], result: always(STRING) }],
  ["substring", { receivers: ["string"], result: always(STRING) }],
  ["trim", { receivers: ["string"], result: always(STRING) }],
  ["format", { receivers: ["string"], result: always(STRING) }],
  ["find", { receivers: ["string"], result: always(STRING) }],
  ["split", { receivers: ["string"], result: always(listOf(STRING)) }],
  ["findAll", { receivers: ["string"], result: always(listOf(STRING)) }],
  ["indexOf", { receivers: ["string", "list"], result: always(INT) }],
  ["lastIndexOf", { receivers: ["string", "list"], result: always(INT) }],
  ["join", { receivers: ["list"], result: always(STRING) }],
  ["isSorted", { receivers: ["list"], result: always(BOOL) }],
  ["sum", { receivers: ["list"], result: elemOf }],
  ["min", { receivers: ["list"], result: elemOf }],
  ["max", { receivers: ["list"], result: elemOf }],
  ["distinct", { receivers: ["list"], result: sameList }],
  ["reverse", { receivers: ["list"], result: sameList }],
  ["slice", { receivers: ["list"], result: sameList }],
  ["sort", { receivers: ["list"], result: sameList }],
  [
    "flatten",
    {
      receivers: ["list"],
      result: (r) => (r.kind === "list" && r.elem.kind === "list" ? listOf(r.elem.elem) : listOf(DYN)),
    },
  ],
  ["first", { receivers: ["list"], result: (r) => optionalOf(elemOf(r)) }],
  ["last", { receivers: ["list"], result: (r) => optionalOf(elemOf(r)) }],
  ["hasValue", { receivers: ["optional"], result: always(BOOL) }],
  ["value", { receivers: ["optional"], result: innerOf }],
  ["orValue", { receivers: ["optional"], result: innerOf }],
  ["or", { receivers: ["optional"], result: (r) => (r.kind === "optional" ? r : optionalOf(DYN)) }],
  ["getScheme", { receivers: ["URL"], result: always(STRING) }],
  ["getHost", { receivers: ["URL"], result: always(STRING) }],
  ["getHostname", { receivers: ["URL"], result: always(STRING) }],
  ["getPort", { receivers: ["URL"], result: always(STRING) }],
  ["getEscapedPath", { receivers: ["URL"], result: always(STRING) }],
  ["getQuery", { receivers: ["URL"], result: always({ kind: "map", key: STRING, value: listOf(STRING) }) }],
  ["isCanonical", { receivers: ["IP"], result: always(BOOL) }],
  ["isUnspecified", { receivers: ["IP"], result: always(BOOL) }],
  ["isLoopback", { receivers: ["IP"], result: always(BOOL) }],
  ["isLinkLocalMulticast", { receivers: ["IP"], result: always(BOOL) }],
  ["isLinkLocalUnicast", { receivers: ["IP"], result: always(BOOL) }],
  ["isGlobalUnicast", { receivers: ["IP"], result: always(BOOL) }],
  ["family", { receivers: ["IP"], result: always(INT) }],
  ["containsIP", { receivers: ["CIDR"], result: always(BOOL) }],
  ["containsCIDR", { receivers: ["CIDR"], result: always(BOOL) }],
  ["ip", { receivers: ["CIDR"], result: always(opaque("IP")) }],
  ["masked", { receivers: ["CIDR"], result: always(opaque("CIDR")) }],
  ["prefixLength", { receivers: ["CIDR"], result: always(INT) }],
  ["isInteger", { receivers: ["Quantity"], result: always(BOOL) }],
  ["asInteger", { receivers: ["Quantity"], result: always(INT) }],
  ["asApproximateFloat", { receivers: ["Quantity"], result: always(scalar("double")) }],
  ["sign", { receivers: ["Quantity"], result: always(INT) }],
  ["add", { receivers: ["Quantity"], result: always(opaque("Quantity")) }],
  ["sub", { receivers: ["Quantity"], result: always(opaque("Quantity")) }],
  ["isLessThan", { receivers: ["Quantity", "Semver"], result: always(BOOL) }],
  ["isGreaterThan", { receivers: ["Quantity", "Semver"], result: always(BOOL) }],
  ["compareTo", { receivers: ["Quantity", "Semver"], result: always(INT) }],
  ["major", { receivers: ["Semver"], result: always(INT) }],
  ["minor", { receivers: ["Semver"], result: always(INT) }],
  ["patch", { receivers: ["Semver"], result: always(INT) }],
  ["validate", { receivers: ["Format"], result: always(optionalOf(listOf(STRING))) }],
  ...["getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getFullYear", "getMonth"].map(
    (n): [string, MemberSpec] => [n, { receivers: ["timestamp"], result: always(INT) }],
  ),
  ...["getHours", "getMinutes", "getSeconds", "getMilliseconds"].map((n): [string, MemberSpec] => [
    n,
    { receivers: ["timestamp", "duration"], result: always(INT) },
  ]),
]);

const GLOBALS: ReadonlyMap<string, (args: readonly CelType[]) => CelType> = new Map<
  string,
  (args: readonly CelType[]) => CelType
>([
  ["size", always(INT)],
  ["int", always(INT)],
  ["uint", always(scalar("uint"))],
  ["double", always(scalar("double"))],
  ["string", always(STRING)],
  ["bytes", always(scalar("bytes"))],
  ["bool", always(BOOL)],
  ["timestamp", always(scalar("timestamp"))],
  ["duration", always(scalar("duration"))],
  ["dyn", always(DYN)],
  ["type", always(TYPE)],
  ["matches", always(BOOL)],
  ["isURL", always(BOOL)],
  ["url", always(opaque("URL"))],
  ["isIP", always(BOOL)],
  ["ip", always(opaque("IP"))],
  ["isCIDR", always(BOOL)],
  ["cidr", always(opaque("CIDR"))],
  ["isQuantity", always(BOOL)],
  ["quantity", always(opaque("Quantity"))],
  ["isSemver", always(BOOL)],
  ["semver", always(opaque("Semver"))],
]);

const FORMAT_NAMES = [
  "dns1123Label",
  "dns1123Subdomain",
  "dns1035Label",
  "qualifiedName",
  "dns1123LabelPrefix",
  "dns1123SubdomainPrefix",
  "dns1035LabelPrefix",
  "labelValue",
  "uri",
  "uuid",
  "byte",
  "date",
  "datetime",
];

const NAMESPACED: ReadonlyMap<string, (args: readonly CelType[]) => CelType> = new Map<
  string,
  (args: readonly CelType[]) => CelType
>([
  ["sets.contains", always(BOOL)],
  ["sets.equivalent", always(BOOL)],
  ["sets.intersects", always(BOOL)],
  ["optional.of", (a) => optionalOf(a[0] ?? DYN)],
  ["optional.ofNonZeroValue", (a) => optionalOf(a[0] ?? DYN)],
  ["optional.none", always(optionalOf(DYN))],
  ["strings.quote", always(STRING)],
  ["lists.range", always(listOf(INT))],
  ["ip.isCanonical", always(BOOL)],
  ["format.named", always(optionalOf(opaque("Format")))],
  ...FORMAT_NAMES.map((n): [string, (args: readonly CelType[]) => CelType] => [
    `format.${n}`,
    always(opaque("Format")),
  ]),
]);

/** Identifiers that name types (`type(x) == string`) or the protobuf type namespace. */
export const TYPE_IDENTIFIERS: ReadonlySet<string> = new Set([
  "bool",
  "int",
  "uint",
  "double",
  "string",
  "bytes",
  "list",
  "map",
  "null_type",
  "type",
  "dyn",
  "google",
]);

/** Macros that bind a variable to each element of their receiver. */
export const ITERATING_MACROS: ReadonlySet<string> = new Set([
  "all",
  "exists",
  "exists_one",
  "existsOne",
  "map",
  "filter",
]);

/** Namespaces whose functions are called as `ns.fn(...)`. */
export const FUNCTION_NAMESPACES: ReadonlySet<string> = new Set(
  [...NAMESPACED.keys()].map((k) => k.slice(0, k.indexOf("."))),
);

/** Every function name the environment knows (for "did you mean"). */
export const KNOWN_FUNCTIONS: readonly string[] = [
  ...new Set([...MEMBERS.keys(), ...GLOBALS.keys(), ...NAMESPACED.keys()]),
];

/** String functions whose cost the API server estimates from the receiver's maxLength. */
export const LENGTH_BOUND_FUNCTIONS: ReadonlySet<string> = new Set([
  "matches",
  "contains",
  "find",
  "findAll",
  "indexOf",
  "lastIndexOf",
  "replace",
  "split",
  "substring",
  "lowerAscii",
  "upperAscii",
  "trim",
  "charAt",
]);

/** The outcome of typing a call. */
export type CallTyping =
  | { readonly kind: "ok"; readonly type: CelType }
  | { readonly kind: "unknown" }
  | { readonly kind: "bad-receiver"; readonly expected: readonly string[] }
  | { readonly kind: "bad-args"; readonly given: string; readonly expected: readonly string[] };

/**
 * The argument kinds of the member functions of strings, one list per overload (the API
 * server rejects a call that matches none).
 */
const STRING_MEMBER_ARGS: ReadonlyMap<string, readonly (readonly string[])[]> = new Map([
  ["size", [[]]],
  ["contains", [["string"]]],
  ["startsWith", [["string"]]],
  ["endsWith", [["string"]]],
  ["matches", [["string"]]],
  ["charAt", [["int"]]],
  ["indexOf", [["string"], ["string", "int"]]],
  ["lastIndexOf", [["string"], ["string", "int"]]],
  ["lowerAscii", [[]]],
  ["upperAscii", [[]]],
  ["trim", [[]]],
  ["replace", [["string", "string"], ["string", "string", "int"]]],
  ["split", [["string"], ["string", "int"]]],
  ["substring", [["int"], ["int", "int"]]],
  ["format", [["list"]]],
  ["find", [["string"]]],
  ["findAll", [["string"], ["string", "int"]]],
]);

/** The argument kinds of global functions whose overloads are few. */
const GLOBAL_ARGS: ReadonlyMap<string, readonly (readonly string[])[]> = new Map([
  ["size", [["string"], ["bytes"], ["list"], ["map"]]],
  ["matches", [["string", "string"]]],
]);

function argsProblem(
  signatures: readonly (readonly string[])[] | undefined,
  args: readonly CelType[],
  receiver?: CelType,
): CallTyping | undefined {
  if (!signatures) return undefined;
  const kinds = args.map(kindOf);
  const fits = signatures.some((sig) => sig.length === kinds.length && sig.every((k, i) => kinds[i] === "*" || kinds[i] === k));
  if (fits) return undefined;
  const on = receiver ? `${describeType(receiver)}.` : "";
  return {
    kind: "bad-args",
    given: `${on}(${args.map(describeType).join(", ")})`,
    expected: signatures.map((sig) => `${on}(${sig.join(", ")})`),
  };
}

function receiverOf(t: CelType): Receiver | undefined {
  switch (t.kind) {
    case "scalar":
      return t.name === "string" || t.name === "bytes" || t.name === "timestamp" || t.name === "duration"
        ? t.name
        : undefined;
    case "list":
    case "map":
    case "optional":
      return t.kind;
    case "opaque":
      return t.name as Receiver;
    default:
      return undefined;
  }
}

/** Types `receiver.name(args)`. */
export function typeMemberCall(name: string, receiver: CelType, args: readonly CelType[]): CallTyping {
  const spec = MEMBERS.get(name);
  if (!spec) return { kind: "unknown" };
  if (isOpen(receiver)) return { kind: "ok", type: spec.result(receiver, args) };
  const r = receiverOf(receiver);
  if (r === undefined || !spec.receivers.includes(r)) return { kind: "bad-receiver", expected: spec.receivers };
  if (r === "string") {
    const problem = argsProblem(STRING_MEMBER_ARGS.get(name), args, receiver);
    if (problem) return problem;
  }
  if (receiver.kind === "list") {
    const problem = listMemberProblem(name, receiver, args);
    if (problem) return problem;
  }
  return { kind: "ok", type: spec.result(receiver, args) };
}

const SUMMABLE = new Set(["int", "uint", "double", "duration", "*"]);
const ORDERED = new Set(["bool", "int", "uint", "double", "string", "bytes", "timestamp", "duration", "*"]);

/** The element types the list functions of Kubernetes and ext.Lists accept. */
function listMemberProblem(name: string, list: Extract<CelType, { kind: "list" }>, args: readonly CelType[]): CallTyping | undefined {
  const elem = kindOf(list.elem);
  const bad = (expected: string): CallTyping => ({
    kind: "bad-args",
    given: `${describeType(list)}.(${args.map(describeType).join(", ")})`,
    expected: [expected],
  });
  switch (name) {
    case "indexOf":
    case "lastIndexOf":
      return args.length === 1 && sameType(args[0]!, list.elem) ? undefined : bad(`list(T).(T)`);
    case "join":
      return elem === "string" || elem === "*" ? undefined : bad("list(string).() or list(string).(string)");
    case "sum":
      return SUMMABLE.has(elem) ? undefined : bad("a list of int, uint, double or duration");
    case "min":
    case "max":
    case "isSorted":
    case "sort":
      return ORDERED.has(elem) ? undefined : bad("a list of comparable values (numbers, strings, bytes, bools, timestamps, durations)");
  }
  return undefined;
}

/** Types `name(args)`. */
export function typeGlobalCall(name: string, args: readonly CelType[]): CallTyping {
  const f = GLOBALS.get(name);
  if (!f) return { kind: "unknown" };
  return argsProblem(GLOBAL_ARGS.get(name), args) ?? { kind: "ok", type: f(args) };
}

/** Types `ns.name(args)` for a library namespace (`sets`, `optional`, `format`, ...). */
export function typeNamespacedCall(ns: string, name: string, args: readonly CelType[]): CallTyping {
  const f = NAMESPACED.get(`${ns}.${name}`);
  if (!f) return { kind: "unknown" };
  if (ns === "sets") {
    const [a, b] = args;
    const list = (t: CelType | undefined) => t !== undefined && (t.kind === "list" || isOpen(t));
    const elems = a?.kind === "list" && b?.kind === "list" ? sameType(a.elem, b.elem) : true;
    if (args.length !== 2 || !list(a) || !list(b) || !elems) {
      return { kind: "bad-args", given: `(${args.map(describeType).join(", ")})`, expected: ["(list(T), list(T))"] };
    }
  }
  return { kind: "ok", type: f(args) };
}
