import type { ArgType, MarkerValue } from "./grammar/arg-type.js";

/**
 * What a marker describes. `file` markers (RBAC rules, webhooks) count wherever they stand
 * in a source file; the others attach to the declaration below their comment.
 */
export type MarkerTarget = "package" | "type" | "field" | "file";

/** A named argument of a marker (`+kubebuilder:printcolumn:name=...,type=...`). */
export interface ArgumentSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly optional?: boolean;
  readonly help?: string;
}

/**
 * How a marker takes its value: a bare flag (`+kubebuilder:subresource:status`), one value
 * (`+kubebuilder:validation:Minimum=0`), or named arguments
 * (`+kubebuilder:resource:scope=Cluster,shortName=cj`).
 */
export type MarkerShape =
  | { readonly kind: "flag" }
  | { readonly kind: "value"; readonly type: ArgType }
  | { readonly kind: "args"; readonly args: readonly ArgumentSpec[] };

/** A marker kb knows: its name, where it may stand, how it parses and its help. */
export interface MarkerDefinition {
  /** Without the leading `+`: `kubebuilder:validation:Minimum`. */
  readonly name: string;
  readonly targets: readonly MarkerTarget[];
  readonly shape: MarkerShape;
  /** Groups markers in `kb markers`: "CRD validation", "CRD", "RBAC", ... */
  readonly category: string;
  /** One line of help. */
  readonly help: string;
  /** Longer help, shown by `kb markers` and in errors about this marker. */
  readonly details?: string;
  /** Accepted but has no effect on what kb generates (deepcopy and client-gen markers). */
  readonly ignored?: boolean;
}

/** The value of a parsed marker: `true` for a flag, the value, or the named arguments. */
export type MarkerArgs = { readonly [name: string]: MarkerValue };
export type ParsedValue = true | MarkerValue | MarkerArgs;

/** One marker found in a comment, parsed against its definition. */
export interface Marker {
  readonly name: string;
  readonly value: ParsedValue;
  readonly definition: MarkerDefinition;
  /** The marker text as written, without the leading `+`. */
  readonly text: string;
  readonly location: import("../diagnostics/index.js").SourceLocation;
}

/** Helpers to declare definitions compactly. */
export const shape = {
  flag: { kind: "flag" } as MarkerShape,
  value: (type: ArgType): MarkerShape => ({ kind: "value", type }),
  args: (...args: ArgumentSpec[]): MarkerShape => ({ kind: "args", args }),
};

export function arg(name: string, type: ArgType, help?: string, optional = false): ArgumentSpec {
  return help === undefined ? { name, type, optional } : { name, type, help, optional };
}

export function optionalArg(name: string, type: ArgType, help?: string): ArgumentSpec {
  return arg(name, type, help, true);
}
