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
