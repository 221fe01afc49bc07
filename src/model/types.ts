import type { SourceLocation } from "../diagnostics/index.js";
import type { Marker } from "../markers/index.js";

/**
 * The API model: what the loader read from TypeScript, as plain data. It knows nothing of
 * the TypeScript compiler; the generators read only this.
 */
export interface ApiModel {
  readonly packages: readonly ApiPackage[];
  /** Named types (interfaces, classes, aliases, enums) by id (`<file>#<name>`). */
  readonly types: ReadonlyMap<string, NamedType>;
  /** `+kubebuilder:rbac`, `+kubebuilder:webhook` and other markers that count anywhere. */
  readonly fileMarkers: readonly Marker[];
}

/** One group-version: a directory with `groupversion-info.ts`. */
export interface ApiPackage {
  /** The directory, absolute. */
  readonly dir: string;
  /** `+groupName`; undefined when missing (an error unless `+kubebuilder:skip`). */
  readonly group: string | undefined;
  readonly version: string;
  readonly markers: readonly Marker[];
  readonly kinds: readonly KindDecl[];
  readonly location: SourceLocation;
}

/** An exported type with `+kubebuilder:object:root=true`. */
export interface KindDecl {
  readonly name: string;
  /** The NamedType of the kind itself. */
  readonly typeId: string;
  readonly location: SourceLocation;
}

/** A named declaration: interface, class, type alias or enum. */
export interface NamedType {
  readonly id: string;
  readonly name: string;
  /** The package directory it belongs to, when it lies in one. */
  readonly packageDir: string | undefined;
  readonly markers: readonly Marker[];
  readonly description: string;
  readonly location: SourceLocation;
  /** An alias (`type X = string`) acts like a Go named type; an interface is a struct. */
  readonly declaration: "interface" | "alias" | "enum";
  readonly type: TypeRef;
  /** For `+k8s:enum` aliases: the exported consts of this type in the package. */
  readonly enumConsts?: readonly (string | number)[];
}

/** A property of an object type. */
export interface Field {
  /** The JSON name. */
  readonly name: string;
  /** Declared with `?` (or `| undefined`). */
  readonly optional: boolean;
  readonly markers: readonly Marker[];
  readonly description: string;
  readonly location: SourceLocation;
  readonly type: TypeRef;
}

/** Types kubebuilder-ts exports for API authors (`import type { int32 } from "kubebuilder-ts"`). */
export const KNOWN_TYPE_NAMES = [
  "int",
  "int32",
  "int64",
  "Time",
  "MicroTime",
  "Duration",
  "Quantity",
  "IntOrString",
  "RawExtension",
  "JSON",
  "ObjectMeta",
  "Condition",
] as const;
export type KnownTypeName = (typeof KNOWN_TYPE_NAMES)[number];

/** A use of a type, as written at a field or alias. */
export type TypeRef =
  | { readonly kind: "string" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  /** String literal unions and string-valued enums. */
  | { readonly kind: "enum"; readonly values: readonly (string | number)[]; readonly location: SourceLocation }
  | { readonly kind: "array"; readonly items: TypeRef }
  | { readonly kind: "map"; readonly values: TypeRef }
  | { readonly kind: "nullable"; readonly type: TypeRef }
  /** An inline object type, or the body of an interface; `embeds` are `extends` / `&` members. */
  | { readonly kind: "object"; readonly fields: readonly Field[]; readonly embeds: readonly TypeRef[] }
  | { readonly kind: "named"; readonly id: string }
  | { readonly kind: "known"; readonly name: KnownTypeName }
  /** A model type of @kubernetes/client-node, such as `V1PodTemplateSpec`. */
  | { readonly kind: "builtin"; readonly name: string; readonly location: SourceLocation }
  /** `unknown`: any JSON, fields preserved. */
  | { readonly kind: "unknown" }
  /** `Uint8Array`: base64 bytes. */
  | { readonly kind: "bytes" };
