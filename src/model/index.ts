export type { JSONSchemaProps, ValidationRule } from "./schema.js";
export {
  KNOWN_TYPE_NAMES,
  type ApiModel,
  type ApiPackage,
  type Field,
  type KindDecl,
  type KnownTypeName,
  type NamedType,
  type TypeRef,
} from "./types.js";
