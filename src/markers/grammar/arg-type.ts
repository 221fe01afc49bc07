/**
 * The value types a marker argument can have, as controller-tools' grammar defines them.
 * `any` guesses the type from the text (`+kubebuilder:default=...`); `raw` takes the rest of
 * the marker text verbatim.
 */
export type ArgType =
  | { readonly kind: "string" }
  | { readonly kind: "int" }
  | { readonly kind: "number" }
  | { readonly kind: "bool" }
  | { readonly kind: "any" }
  | { readonly kind: "raw" }
  | { readonly kind: "list"; readonly items: ArgType }
  | { readonly kind: "map"; readonly values: ArgType };

export const T = {
  string: { kind: "string" },
  int: { kind: "int" },
  number: { kind: "number" },
  bool: { kind: "bool" },
  any: { kind: "any" },
  raw: { kind: "raw" },
  list: (items: ArgType): ArgType => ({ kind: "list", items }),
  map: (values: ArgType): ArgType => ({ kind: "map", values }),
} as const satisfies Record<string, ArgType | ((t: ArgType) => ArgType)>;

/** `string`, `[]int`, `map[string]any`: how help texts name a type. */
export function describeArgType(type: ArgType): string {
  switch (type.kind) {
    case "list":
      return `[]${describeArgType(type.items)}`;
    case "map":
      return `map[string]${describeArgType(type.values)}`;
    case "raw":
      return "raw";
    default:
      return type.kind;
  }
}

/** A parsed marker value: what `any` can produce, and every other type is a subset of. */
export type MarkerValue =
  | string
  | number
  | boolean
  | null
  | readonly MarkerValue[]
  | { readonly [key: string]: MarkerValue };
